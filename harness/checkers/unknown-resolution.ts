// Invariant: every `unknown` authorization (the network timed out waiting) was resolved after the run
// against the ledger (resolve-unknowns.ts: held or not held). Lookups that failed stay unresolved, which
// makes the result `unknown`, not `invalid`: the harness could not tell what happened to that money, which
// is no proven anomaly. Offending ids are the unresolved ones. Reads the shared resolution only.
import type { InvariantResult } from '../summary/types.ts';
import type { CheckContext, Checker } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const UNKNOWN_RESOLUTION = 'unknown-resolution';

export class UnknownResolutionCheck implements Checker {
  readonly name = UNKNOWN_RESOLUTION;

  result({ unknowns: r }: CheckContext): InvariantResult {
    const offenders = new Offenders();
    for (const id of r.unresolved) offenders.add(id);
    const c = r.counts;
    let detail = `${c.total} unknown authorizations: ${c.held} held, ${c.not_held} not held, ${describe('unresolved', r.unresolved, c.unresolved)}`;
    if (r.stillHeld !== null && r.stillHeld > 0) detail += `; ${r.stillHeld} of the held still hold money at the end (no release or capture)`;
    // Unresolved ids are not a proven anomaly: the result is unknown, not invalid.
    const result = invariantResult(UNKNOWN_RESOLUTION, new Offenders(), detail, { unknown: c.unresolved > 0 });
    return { ...result, offending: offenders.ids, count: offenders.count };
  }
}
