// Resolving `unknown` authorizations (the network timed out waiting) after the run, once, for every checker
// and for the history: each is looked up in the ledger (AuthorizationState: a hold was ever placed → held;
// none, or the ledger has never heard of it → not_held). Lookups that failed stay unresolved. When no
// ledger states are given, the journal's holds (the authorization tally) decide.
import type { AuthorizationState } from '../../services/ledger/contract.ts';
import type { HistoryRecord } from '../history/record.ts';
import type { Summary } from '../summary/types.ts';
import type { AuthorizationTally } from './authorization-tally.ts';

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

/** The history with each unknown authorization's `resolution` filled in. */
export function* withResolutions(records: Iterable<HistoryRecord>, resolutions: ReadonlyMap<string, Resolution>): Generator<HistoryRecord> {
  for (const r of records) {
    const resolution = r.kind === 'authorization' && r.outcome === 'unknown' ? resolutions.get(r.id) : undefined;
    yield resolution ? { ...r, resolution } : r;
  }
}
