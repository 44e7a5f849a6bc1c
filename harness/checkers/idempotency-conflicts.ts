// Invariant: every conflicting retry was refused. A conflicting retry is an authorization's idempotency
// key resent with other content (traffic.conflicting_retries); a correct issuer refuses it with 409 on
// whichever replica it lands (Stripe's rule for a reused key with other parameters). Invalid when one was
// answered from the first request (as a cache keyed by id alone does), or accepted as a request of its
// own although the original had already been answered by the issuer (approved or declined). A retry
// accepted while the original never reached the issuer (failed, unknown, stand-in) may have been the
// key's first use: not a violation, not a proof either. A retry with no usable answer proves nothing;
// when no retry was refused at all, the invariant is unknown. Offending ids are the reused keys.
// A history fold, judged against each authorization's outcome (the shared outcome fold).
import type { HistoryRecord } from '../history/record.ts';
import type { InvariantResult } from '../summary/types.ts';
import type { CheckContext, Checker } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const IDEMPOTENCY_CONFLICTS_REFUSED = 'idempotency-conflicts-refused';

export class IdempotencyConflictsCheck implements Checker {
  readonly name = IDEMPOTENCY_CONFLICTS_REFUSED;
  private sent = 0;
  private refused = 0;
  private unanswered = 0;
  /** Answered from the first request: always a violation. */
  private readonly fromFirst: string[] = [];
  /** Accepted as their own request: judged against the original's outcome at the end. */
  private readonly accepted: string[] = [];

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
        this.unanswered++;
    }
  }

  /** The verdict, given every authorization's outcome (the original requests). */
  result({ outcomes }: CheckContext): InvariantResult {
    const all = new Offenders();
    const fromFirst = new Offenders();
    for (const id of this.fromFirst) {
      fromFirst.add(id);
      all.add(id);
    }
    const acceptedAfterAnswer = new Offenders();
    let firstUse = 0;
    for (const id of this.accepted) {
      const original = outcomes.get(id);
      if (original === 'approved' || original === 'declined') {
        acceptedAfterAnswer.add(id);
        all.add(id);
      } else {
        firstUse++;
      }
    }
    if (this.sent === 0) {
      return invariantResult(IDEMPOTENCY_CONFLICTS_REFUSED, all, 'no conflicting retries sent (traffic.conflicting_retries is 0)');
    }
    const detail =
      `${this.sent} conflicting retries (a key reused with other content): ${this.refused} refused; ` +
      [
        describe('answered from the first request', fromFirst.ids, fromFirst.count),
        describe('accepted after the issuer had answered the key', acceptedAfterAnswer.ids, acceptedAfterAnswer.count),
        `${firstUse} accepted as the key's first use (the original never reached the issuer)`,
        `${this.unanswered} without a usable answer`,
      ].join('; ');
    return invariantResult(IDEMPOTENCY_CONFLICTS_REFUSED, all, detail, { unknown: this.refused === 0 });
  }
}
