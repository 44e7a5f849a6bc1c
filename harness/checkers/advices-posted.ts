// Invariant 2: every stand-in approval's advice is posted exactly once: one posting (or one capture, when
// the authorization also got a hold) for the authorization id. An advice the network still holds at the
// end is a failure too — unless the run was interrupted, or the advice never reached the issuer at all
// (faultline's own queue never got it out: `advicesUndelivered`): then whether it would be posted is
// `unknown`, never a failed invariant. One the issuer was asked for and did not accept stays a failure.
// Advice ids are `adv-<authorization id>`; offending ids are authorization ids. Reads the shared folds
// (outcomes, tally, id ownership) and the pending advices.
//
// One exception, judged from the same evidence as idempotency-conflicts-refused (id-ownership.ts): an
// advice the issuer refused (409) because a conflicting retry took its authorization id first — the ledger
// holds the retry's content under the id — was rightly refused: posting it would take money under one
// authorization from two accounts. It is counted and named in the detail as a reconciliation exception
// (the network approved it in stand-in, the issuer has no posting for it), not as a lost advice.
import type { HistoryRecord } from '../history/record.ts';
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
  /** Advices the issuer refused for good with 409, by authorization id: the refusal's code. */
  private readonly refused = new Map<string, string>();
  /** Advices not delivered, by authorization id: where and why their last attempt failed (`hop cause`). */
  private readonly lastFailure = new Map<string, string>();

  /** Folds one history record: advices that were not delivered (few, unless the issuer is down). */
  record(r: HistoryRecord): void {
    if (r.kind !== 'advice' || r.outcome !== 'error' || r.authorization_id === undefined) return;
    if (r.status === 409) this.refused.set(r.authorization_id, r.reason ?? 'conflict');
    if (r.error) this.lastFailure.set(r.authorization_id, `${r.error.hop} ${r.error.cause}`);
  }

  /** "last failure: processor->ledger bad_answer ×956" for the pending advices, most frequent first. */
  private whyPending(ids: Iterable<string>): string {
    const counts = new Map<string, number>();
    for (const id of ids) {
      const why = this.lastFailure.get(id);
      if (why) counts.set(why, (counts.get(why) ?? 0) + 1);
    }
    if (counts.size === 0) return '';
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
    return ` — last delivery failed at ${top.map(([why, n]) => `${why} ×${n}`).join(', ')}`;
  }

  result({ outcomes, tally, advicesPending, advicesUndelivered = [], interrupted, owners }: CheckContext): InvariantResult {
    const pendingIds = new Set(advicesPending.map((id) => adviceAuthorizationId(id, outcomes)));
    const undeliveredIds = new Set(advicesUndelivered.map((id) => adviceAuthorizationId(id, outcomes)));
    const undelivered = new Offenders();
    const pending = new Offenders();
    const dropped = new Offenders();
    const twice = new Offenders();
    const takenFirst = new Offenders();
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
        if (this.refused.has(id) && owners.owner(id) === 'retry') {
          takenFirst.add(id);
        } else {
          dropped.add(id);
          all.add(id);
        }
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
    const parts = [
      describe(interrupted ? 'advices not delivered before the interruption (unknown)' : 'advices still pending', pending.ids, pending.count) +
        this.whyPending(pendingIds),
      describe('never posted', dropped.ids, dropped.count),
      describe('posted more than once', twice.ids, twice.count),
    ];
    if (undelivered.count > 0) parts.push(describe("advices faultline's own queue never delivered to the issuer (unknown)", undelivered.ids, undelivered.count));
    if (takenFirst.count > 0) {
      parts.push(
        describe(
          "refused (409) because a conflicting retry took the authorization id first: the ledger holds the retry's content under it (exceptions for reconciliation, not lost)",
          takenFirst.ids,
          takenFirst.count,
        ),
      );
    }
    const detail = `${standins} stand-in approvals: ${parts.join('; ')}`;
    return invariantResult(ADVICES_POSTED, all, detail, { unknown: (interrupted && pending.count > 0) || undelivered.count > 0 });
  }
}
