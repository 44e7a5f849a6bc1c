// Invariant 2: every stand-in approval's advice is posted exactly once: one posting (or one capture, when
// the authorization also got a hold) for the authorization id. An advice the network still holds at the
// end is a failure too — unless the run was interrupted, or the advice never reached the issuer at all
// (faultline's own queue never got it out: `advicesUndelivered`): then whether it would be posted is
// `unknown`, never a failed invariant. One the issuer was asked for and did not accept stays a failure. Advice ids are `adv-<authorization id>`; offending ids are
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

  result({ outcomes, tally, advicesPending, advicesUndelivered = [], interrupted }: CheckContext): InvariantResult {
    const pendingIds = new Set(advicesPending.map((id) => adviceAuthorizationId(id, outcomes)));
    const undeliveredIds = new Set(advicesUndelivered.map((id) => adviceAuthorizationId(id, outcomes)));
    const undelivered = new Offenders();
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
      if (pendingIds.has(id) && undeliveredIds.has(id) && !interrupted) {
        undelivered.add(id);
      } else if (pendingIds.has(id)) {
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
      if (undeliveredIds.has(id) && !interrupted) {
        undelivered.add(id);
        continue;
      }
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
        ...(undelivered.count > 0 ? [describe("advices faultline's own queue never delivered to the issuer (unknown)", undelivered.ids, undelivered.count)] : []),
      ].join('; ');
    return invariantResult(ADVICES_POSTED, all, detail, { unknown: (interrupted && pending.count > 0) || undelivered.count > 0 });
  }
}
