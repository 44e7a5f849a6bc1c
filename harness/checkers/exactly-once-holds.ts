// Invariant 1: every issuer-approved authorization has exactly one hold in the journal. Nothing approved
// is lost (no hold), nothing is held twice (retries, resets after commit) whatever its outcome, and no
// authorization the issuer declined keeps money held (a retried hold that committed, then answered
// "insufficient funds" on the retry). "Keeps money held" is by amount: a partial reversal leaves the rest held.
// Reads the shared folds only: each authorization's outcome and the authorization tally.
import type { InvariantResult } from '../summary/types.ts';
import type { CheckContext, Checker } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const EXACTLY_ONCE_HOLDS = 'exactly-once-holds';

export class ExactlyOnceHoldsCheck implements Checker {
  readonly name = EXACTLY_ONCE_HOLDS;

  result({ outcomes, tally }: CheckContext): InvariantResult {
    const lost = new Offenders();
    const twice = new Offenders();
    const declinedHeld = new Offenders();
    const all = new Offenders();
    let approved = 0;
    outcomes.forEach((id, outcome) => {
      if (outcome === 'approved') {
        approved++;
        if (tally.holds(id) === 0) {
          lost.add(id);
          all.add(id);
        }
      } else if (outcome === 'declined') {
        const c = tally.get(id);
        // (more than one hold is reported below as held more than once)
        if (c.holds === 1 && tally.heldAmount(id) > 0) {
          declinedHeld.add(id);
          all.add(id);
        }
      }
    });
    for (const [id, c] of tally.entries()) {
      if (c.holds > 1) {
        twice.add(id);
        all.add(id);
      }
    }
    const detail =
      `${approved} issuer-approved authorizations: ` +
      [
        describe('lost (approved, no hold)', lost.ids, lost.count),
        describe('held more than once', twice.ids, twice.count),
        describe('declined but still held', declinedHeld.ids, declinedHeld.count),
      ].join('; ');
    return invariantResult(EXACTLY_ONCE_HOLDS, all, detail);
  }
}
