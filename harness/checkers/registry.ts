// Every money invariant, in the order summary.json, the report and the gate list them. Adding one: a file
// that implements Checker (checker.ts), and a line here. The composer (compose.ts) runs them all.
import type { Checker } from './checker.ts';
import { ExactlyOnceHoldsCheck } from './exactly-once-holds.ts';
import { AdvicesPostedCheck } from './advices-posted.ts';
import { DoubleEntryCheck } from './double-entry.ts';
import { BalancesCheck } from './balances.ts';
import { FeedAgreesCheck } from './feed-agrees.ts';
import { NoNegativeCheck } from './no-negative.ts';
import { UnknownResolutionCheck } from './unknown-resolution.ts';
import { IdempotencyConflictsCheck } from './idempotency-conflicts.ts';
import { DeclinesJustifiedCheck } from './declines-justified.ts';

/** One factory per invariant: a checker folds one run, so every run gets fresh ones. */
export const CHECKERS: readonly (() => Checker)[] = [
  () => new ExactlyOnceHoldsCheck(),
  () => new AdvicesPostedCheck(),
  () => new DoubleEntryCheck(),
  () => new BalancesCheck(),
  () => new FeedAgreesCheck(),
  () => new NoNegativeCheck(),
  () => new UnknownResolutionCheck(),
  () => new IdempotencyConflictsCheck(),
  () => new DeclinesJustifiedCheck(),
];

/** A fresh checker for every registered invariant, in registry order. */
export function createCheckers(): Checker[] {
  return CHECKERS.map((create) => create());
}
