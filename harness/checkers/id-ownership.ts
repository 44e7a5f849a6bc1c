// Who owns an authorization id that a conflicting retry reused: the one piece of evidence that both
// `advices-posted` and `idempotency-conflicts-refused` judge by, so they never excuse and fail one event.
//
// The rule (what the processor and the ledger do, and what a real issuer does): the first request to reach
// the issuer owns the authorization id. A later authorization under it with other content is refused (409
// idempotency_conflict). A stand-in advice is must-post: it is posted against the authorization whatever
// its amount (it captures the owner's hold), unless the id already holds money on another account — then
// it is refused (409 authorization_conflict) and is a reconciliation exception, not a lost posting.
//
// The evidence is the ledger's: the first hold under the id, compared with the original's content and the
// retry's (each conflicting retry's history record carries both). The network's answers cannot tell: on a
// starved machine the original may time out at the network, reach the issuer after its retry did, and be
// refused there while the network approved it in stand-in.
//
// A history fold (the conflicting retries, few) and a journal fold (the holds under their ids only).
import type { JournalEntry } from '../../services/ledger/contract.ts';
import type { HistoryRecord } from '../history/record.ts';

/**
 * original / retry: the first hold under the id is that request's content (and only that one's);
 * both: holds under the id carry both contents (the id was taken twice);
 * indistinguishable: the first hold matches both (the retry changed nothing the ledger records, e.g. the merchant);
 * other: the first hold matches neither; none: nothing was ever held under the id.
 */
export type IdOwner = 'original' | 'retry' | 'both' | 'indistinguishable' | 'other' | 'none';

interface Content {
  /** undefined: not recorded (a replay file written before it was). */
  account_id: string | undefined;
  amount: number;
}

interface Reused {
  original: Content;
  retry: Content;
  /** The first hold under the id, then whether a later one matched the other party. */
  firstHold?: Hold;
  laterOriginal: boolean;
  laterRetry: boolean;
}

interface Hold {
  account_id: string;
  amount: number;
}

/** A hold is this content's when both its account and amount are; an unrecorded account compares the amount only. */
function matches(content: Content, hold: Hold): boolean {
  return (content.account_id === undefined || content.account_id === hold.account_id) && content.amount === hold.amount;
}

export class IdOwnership {
  private readonly reused = new Map<string, Reused>();

  /** Folds a history record: conflicting retries only. */
  record(r: HistoryRecord): void {
    if (r.kind !== 'conflicting_retry' || r.amount === undefined) return;
    if (this.reused.has(r.id)) return;
    this.reused.set(r.id, {
      original: { account_id: r.original_account_id, amount: r.original_amount ?? r.amount },
      retry: { account_id: r.account_id, amount: r.amount },
      laterOriginal: false,
      laterRetry: false,
    });
  }

  /** Folds a journal entry, in seq order: holds under a reused id. */
  entry(e: JournalEntry): void {
    if (e.kind !== 'hold' || e.authorization_id === null) return;
    const reused = this.reused.get(e.authorization_id);
    if (!reused) return;
    const hold: Hold = { account_id: e.account_id, amount: e.amount };
    if (!reused.firstHold) {
      reused.firstHold = hold;
      return;
    }
    if (matches(reused.original, hold)) reused.laterOriginal = true;
    if (matches(reused.retry, hold)) reused.laterRetry = true;
  }

  /** Whether a conflicting retry reused this authorization id. */
  has(id: string): boolean {
    return this.reused.has(id);
  }

  /** Who owns the id, by the ledger's holds under it. */
  owner(id: string): IdOwner {
    const reused = this.reused.get(id);
    const hold = reused?.firstHold;
    if (!reused || !hold) return 'none';
    const original = matches(reused.original, hold);
    const retry = matches(reused.retry, hold);
    if (original && retry) return 'indistinguishable';
    if ((original && reused.laterRetry) || (retry && reused.laterOriginal)) return 'both';
    if (original) return 'original';
    if (retry) return 'retry';
    return 'other';
  }
}
