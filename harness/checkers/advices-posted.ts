// Invariant 2: every stand-in approval's advice is posted exactly once: one posting (or one capture, when
// the authorization also got a hold) for the authorization id. An advice the network still holds at the
// end is a failure too — unless the run was interrupted: then it could not be delivered, and it is
// `unknown`, never a failed invariant. Advice ids are `adv-<authorization id>`; offending ids are
// authorization ids. Reads the shared folds (outcomes, tally) and the pending advices.
import type { InvariantResult } from '../summary/types.ts';
import type { OutcomeIndex } from '../history/outcomes.ts';
import type { CheckContext, Checker } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const ADVICES_POSTED = 'advices-posted';
export const ADVICE_PREFIX = 'adv-';

/** The authorization id an advice id (or an authorization id) refers to. */
export function adviceAuthorizationId(id: string, outcomes: OutcomeIndex): string {
  if (id.startsWith(ADVICE_PREFIX) && !outcomes.has(id)) return id.slice(ADVICE_PREFIX.length);
  return id;
}

export class AdvicesPostedCheck implements Checker {
  readonly name = ADVICES_POSTED;

  result({ outcomes, tally, advicesPending, interrupted }: CheckContext): InvariantResult {
    const pendingIds = new Set(advicesPending.map((id) => adviceAuthorizationId(id, outcomes)));
    const pending = new Offenders();
    const dropped = new Offenders();
    const twice = new Offenders();
    const all = new Offenders();
    let standins = 0;
    outcomes.forEach((id, outcome) => {
      if (outcome !== 'standin_approved') return;
      standins++;
      const c = tally.get(id);
      const posted = c.postings + c.captures;
      if (pendingIds.has(id)) {
        pending.add(id);
        if (!interrupted) all.add(id);
      } else if (posted === 0) {
        dropped.add(id);
        all.add(id);
      } else if (posted > 1) {
        twice.add(id);
        all.add(id);
      }
    });
    for (const id of pendingIds) {
      if (outcomes.get(id) === 'standin_approved') continue;
      pending.add(id);
      if (!interrupted) all.add(id);
    }
    for (const [id, c] of tally.entries()) {
      if (c.postings + c.captures > 1 && outcomes.get(id) !== 'standin_approved') {
        twice.add(id);
        all.add(id);
      }
    }
    const detail =
      `${standins} stand-in approvals: ` +
      [
        describe(interrupted ? 'advices not delivered before the interruption (unknown)' : 'advices still pending', pending.ids, pending.count),
        describe('never posted', dropped.ids, dropped.count),
        describe('posted more than once', twice.ids, twice.count),
      ].join('; ');
    return invariantResult(ADVICES_POSTED, all, detail, { unknown: interrupted && pending.count > 0 });
  }
}
