// Resolving `unknown` authorizations (the network timed out waiting) after the run: each is looked up in
// the ledger (AuthorizationState: a hold was ever placed → held; none, or the ledger has never heard of it
// → not_held). Lookups that failed stay unresolved, which makes the result `unknown`: the harness could
// not tell what happened to that money. When no ledger states are given, the journal's holds decide.
import type { AuthorizationState } from '../../services/ledger/contract.ts';
import type { HistoryRecord } from '../history/record.ts';
import type { OutcomeIndex } from '../history/outcomes.ts';
import type { InvariantResult, Summary } from '../summary/types.ts';
import type { AuthorizationTally } from './authorization-tally.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const UNKNOWN_RESOLUTION = 'unknown-resolution';

export type Resolution = 'held' | 'not_held';

/** What the ledger said of one authorization: its state, null when it does not know the id, or the lookup's error. */
export type AuthorizationLookup = AuthorizationState | null | Error;

export interface UnknownResolution {
  counts: Summary['unknown_resolution'];
  resolutions: Map<string, Resolution>;
  /** Ids whose lookup failed or was never made. */
  unresolved: string[];
  /** Of the held ones, how many still had money held at the end (no release or capture), when known. */
  stillHeld: number | null;
}

/** Resolves unknown ids from ledger lookups (ids missing from `states` are unresolved). */
export function resolveUnknowns(ids: Iterable<string>, states: ReadonlyMap<string, AuthorizationLookup>): UnknownResolution {
  const resolutions = new Map<string, Resolution>();
  const unresolved: string[] = [];
  let held = 0;
  let stillHeld = 0;
  for (const id of ids) {
    const state = states.get(id);
    if (state === undefined || state instanceof Error) {
      unresolved.push(id);
    } else if (state !== null && (state.held || state.holds > 0)) {
      resolutions.set(id, 'held');
      held++;
      if (state.holds > state.releases + state.captures) stillHeld++;
    } else {
      resolutions.set(id, 'not_held');
    }
  }
  const total = resolutions.size + unresolved.length;
  return { counts: { total, held, not_held: total - held - unresolved.length, unresolved: unresolved.length }, resolutions, unresolved, stillHeld };
}

/** Resolves unknown ids from the journal's holds (the same facts, without a request per id). */
export function resolveUnknownsFromJournal(ids: Iterable<string>, tally: AuthorizationTally): UnknownResolution {
  const resolutions = new Map<string, Resolution>();
  let held = 0;
  let stillHeld = 0;
  for (const id of ids) {
    const c = tally.get(id);
    if (c.holds > 0) {
      resolutions.set(id, 'held');
      held++;
      if (c.holds > c.releases + c.captures) stillHeld++;
    } else {
      resolutions.set(id, 'not_held');
    }
  }
  const total = resolutions.size;
  return { counts: { total, held, not_held: total - held, unresolved: 0 }, resolutions, unresolved: [], stillHeld };
}

/** The unknown authorization ids of a run. */
export function unknownIds(outcomes: OutcomeIndex): string[] {
  return [...outcomes.ids('unknown')];
}

export function checkUnknownResolution(r: UnknownResolution): InvariantResult {
  const offenders = new Offenders();
  for (const id of r.unresolved) offenders.add(id);
  const c = r.counts;
  let detail = `${c.total} unknown authorizations: ${c.held} held, ${c.not_held} not held, ${describe('unresolved', r.unresolved, c.unresolved)}`;
  if (r.stillHeld !== null && r.stillHeld > 0) detail += `; ${r.stillHeld} of the held still hold money at the end (no release or capture)`;
  // Unresolved ids are not a proven anomaly: the result is unknown, not invalid.
  const result = invariantResult(UNKNOWN_RESOLUTION, new Offenders(), detail, { unknown: c.unresolved > 0 });
  return { ...result, offending: offenders.ids, count: offenders.count };
}

/** The history with each unknown authorization's `resolution` filled in. */
export function* withResolutions(records: Iterable<HistoryRecord>, resolutions: ReadonlyMap<string, Resolution>): Generator<HistoryRecord> {
  for (const r of records) {
    const resolution = r.kind === 'authorization' && r.outcome === 'unknown' ? resolutions.get(r.id) : undefined;
    yield resolution ? { ...r, resolution } : r;
  }
}
