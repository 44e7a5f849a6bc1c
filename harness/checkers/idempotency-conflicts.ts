// Invariant: every conflicting retry was refused. A conflicting retry is an authorization's idempotency
// key resent with other content (traffic.conflicting_retries); a correct issuer refuses it with 409 on
// whichever replica it lands (Stripe's rule for a reused key with other parameters). The rule, as in
// id-ownership.ts: the first request to reach the issuer owns the id; any later one with other content
// is refused. Invalid when a retry was answered from the first request (as a cache keyed by id alone
// does), accepted as a request of its own although the original had already been answered by the issuer
// (approved or declined) or had already taken the id in the ledger, or when the ledger holds both the
// original's content and the retry's under the one id (it was taken twice).
// A retry accepted — or unanswered — while the ledger shows it took the id first (the original never
// reached the issuer, or reached it later and was refused) was the key's first use: not a violation, and
// judged from the same evidence as advices-posted, which then counts the original's refused stand-in
// advice as a reconciliation exception. A retry with no usable answer otherwise proves nothing; when no
// retry was refused at all, the invariant is unknown. Offending ids are the reused keys.
// A history fold, judged against each authorization's outcome and the id ownership (the shared folds).
import type { HistoryRecord } from '../history/record.ts';
import type { InvariantResult } from '../summary/types.ts';
import type { CheckContext, Checker } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const IDEMPOTENCY_CONFLICTS_REFUSED = 'idempotency-conflicts-refused';

export class IdempotencyConflictsCheck implements Checker {
  readonly name = IDEMPOTENCY_CONFLICTS_REFUSED;
  private sent = 0;
  private refused = 0;
  /** Answered from the first request: always a violation. */
  private readonly fromFirst: string[] = [];
  /** Accepted as their own request: judged against the original's outcome and the id's owner at the end. */
  private readonly accepted: string[] = [];
  /** No usable answer: judged by the id's owner at the end. */
  private readonly unanswered: string[] = [];

  /** Folds one history record (only conflicting retries count). */
  record(r: HistoryRecord): void {
    if (r.kind !== 'conflicting_retry') return;
    this.sent++;
    switch (r.reason) {
      case 'refused':
        this.refused++;
        break;
      case 'answered_from_first':
        this.fromFirst.push(r.id);
        break;
      case 'accepted':
        this.accepted.push(r.id);
        break;
      default:
        this.unanswered.push(r.id);
    }
  }

  /** The verdict, given every authorization's outcome (the original requests) and who owns each id. */
  result({ outcomes, owners }: CheckContext): InvariantResult {
    const all = new Offenders();
    const fromFirst = new Offenders();
    for (const id of this.fromFirst) {
      fromFirst.add(id);
      all.add(id);
    }
    const takenTwice = new Offenders();
    const acceptedAfterAnswer = new Offenders();
    const acceptedAfterOriginal = new Offenders();
    let firstUse = 0;
    for (const id of this.accepted) {
      const owner = owners.owner(id);
      const original = outcomes.get(id);
      if (owner === 'both') {
        takenTwice.add(id);
        all.add(id);
      } else if (original === 'approved' || original === 'declined') {
        acceptedAfterAnswer.add(id);
        all.add(id);
      } else if (owner === 'original') {
        acceptedAfterOriginal.add(id);
        all.add(id);
      } else {
        firstUse++;
      }
    }
    const tookFirst = new Offenders();
    let silent = 0;
    for (const id of this.unanswered) {
      const owner = owners.owner(id);
      if (owner === 'both') {
        takenTwice.add(id);
        all.add(id);
      } else if (owner === 'retry') {
        tookFirst.add(id);
      } else {
        silent++;
      }
    }
    if (this.sent === 0) {
      return invariantResult(IDEMPOTENCY_CONFLICTS_REFUSED, all, 'no conflicting retries sent (traffic.conflicting_retries is 0)');
    }
    const parts = [
      describe('answered from the first request', fromFirst.ids, fromFirst.count),
      describe('accepted after the issuer had answered the key', acceptedAfterAnswer.ids, acceptedAfterAnswer.count),
    ];
    if (acceptedAfterOriginal.count > 0) parts.push(describe('accepted although the ledger holds the original under the key', acceptedAfterOriginal.ids, acceptedAfterOriginal.count));
    if (takenTwice.count > 0) parts.push(describe('key taken twice: the ledger holds both the original and the retry under it', takenTwice.ids, takenTwice.count));
    parts.push(`${firstUse} accepted as the key's first use (the original had not reached the issuer)`);
    if (tookFirst.count > 0) {
      parts.push(describe("unanswered but took the key first: the ledger holds the retry's content under it (the original's stand-in advice is refused: reconciliation)", tookFirst.ids, tookFirst.count));
    }
    parts.push(`${silent} without a usable answer`);
    const detail = `${this.sent} conflicting retries (a key reused with other content): ${this.refused} refused; ${parts.join('; ')}`;
    return invariantResult(IDEMPOTENCY_CONFLICTS_REFUSED, all, detail, { unknown: this.refused === 0 });
  }
}
