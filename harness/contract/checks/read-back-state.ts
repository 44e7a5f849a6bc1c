// What the accounts check (opening.ts) saw before any write of the check run, kept for the read-back
// check (read-back.ts) that runs after every write: where the journal ended and how each seeded account
// looked. Kept per check context, so two check runs never share it.
import type { JsonValue } from '../types.ts';
import type { CheckContext } from './types.ts';

/** An account as the ledger shows it (AccountView) or as the feed shows its balance. */
export interface AccountSnapshot {
  available: number;
  holds: number;
  balance: number;
  version: number;
}

export interface ReadBackState {
  /** The journal's last sequence number before the check run wrote anything (the ledger and its store). */
  journalStart?: number;
  /** Each seeded account the checks use, as it was before they wrote anything. */
  accountsAtStart: Map<string, AccountSnapshot>;
}

const states = new WeakMap<CheckContext, ReadBackState>();

export function readBackState(ctx: CheckContext): ReadBackState {
  let state = states.get(ctx);
  if (!state) {
    state = { accountsAtStart: new Map() };
    states.set(ctx, state);
  }
  return state;
}

/** An AccountView (or a feed balance, whose holds are balance − available) from a JSON body; null when it is not one. */
export function snapshotOf(body: Record<string, JsonValue> | undefined): AccountSnapshot | null {
  if (!body) return null;
  const { available, balance, version } = body;
  if (typeof available !== 'number' || typeof balance !== 'number' || typeof version !== 'number') return null;
  const holds = typeof body.holds === 'number' ? body.holds : balance - available;
  return { available, holds, balance, version };
}
