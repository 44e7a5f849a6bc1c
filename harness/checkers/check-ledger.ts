// The checkers against live services: reads the accounts, the feed's balances, the unknown
// authorizations' states and (streaming) the journal through a LedgerReader, then runs every checker.
// Call it after traffic has drained: a write landing while it reads shows up as a disagreement.
import type { OutcomeIndex } from '../history/outcomes.ts';
import { runChecksAsync, type CheckReport } from './index.ts';
import type { LedgerReader } from './ledger-reader.ts';
import type { IdempotencyConflictsCheck } from './idempotency-conflicts.ts';

export interface LedgerCheckOptions {
  reader: LedgerReader;
  /** The seeded account ids (services/common/accounts.ts). */
  accountIds: readonly string[];
  /** The run's authorization outcomes (HistoryAggregator.outcomes). */
  outcomes: OutcomeIndex;
  advicesPending: readonly string[];
  /** Read the feed's balances. Default: when the reader has a feed URL. */
  readFeed?: boolean;
  /** Look unknown authorizations up one by one (GET /v1/authorizations/:id). Default true; false uses the journal. */
  lookupUnknowns?: boolean;
  /** The run was interrupted: what it could not settle is unknown, not invalid. */
  interrupted?: boolean;
  /** Conflicting retries folded from the run's history. */
  conflicts?: IdempotencyConflictsCheck;
}

export async function checkLedger(options: LedgerCheckOptions): Promise<CheckReport> {
  const { reader } = options;
  const readFeed = options.readFeed ?? reader.hasFeed;
  const [accounts, feedBalances, authorizationStates] = await Promise.all([
    reader.accounts(options.accountIds),
    readFeed ? reader.feedBalances(options.accountIds) : Promise.resolve(null),
    options.lookupUnknowns === false ? Promise.resolve(undefined) : reader.authorizationStates([...options.outcomes.ids('unknown')]),
  ]);
  return runChecksAsync({
    history: options.outcomes,
    journal: reader.journal(),
    accounts,
    feedBalances,
    advicesPending: options.advicesPending,
    authorizationStates,
    interrupted: options.interrupted,
    conflicts: options.conflicts,
  });
}
