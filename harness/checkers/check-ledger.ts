// The checks of a run against live services: reads the accounts, the feed's balances and the unknown
// authorizations' states, then streams the journal through a LedgerReader into the run's checks (which
// folded the history while the run went), and judges every invariant.
// Call it after traffic has drained: a write landing while it reads shows up as a disagreement.
import type { CheckReport, Checks } from './compose.ts';
import type { LedgerReader } from './ledger-reader.ts';

export interface LedgerCheckOptions {
  reader: LedgerReader;
  /** The seeded account ids (services/common/accounts.ts). */
  accountIds: readonly string[];
  /** The run's checks, fed every history record while it ran. */
  checks: Checks;
  advicesPending: readonly string[];
  /** Of the pending advices, those the harness never delivered to the issuer (unknown, not invalid). */
  advicesUndelivered?: readonly string[];
  /** Read the feed's balances. Default: when the reader has a feed URL. */
  readFeed?: boolean;
  /** Look unknown authorizations up one by one (GET /v1/authorizations/:id). Default true; false uses the journal. */
  lookupUnknowns?: boolean;
  /** The run was interrupted: what it could not settle is unknown, not invalid. */
  interrupted?: boolean;
}

export async function checkLedger(options: LedgerCheckOptions): Promise<CheckReport> {
  const { reader, checks } = options;
  const readFeed = options.readFeed ?? reader.hasFeed;
  const [accounts, feedBalances, authorizationStates] = await Promise.all([
    reader.accounts(options.accountIds),
    readFeed ? reader.feedBalances(options.accountIds) : Promise.resolve(null),
    options.lookupUnknowns === false ? Promise.resolve(undefined) : reader.authorizationStates([...checks.outcomes.ids('unknown')]),
  ]);
  const pass = checks.journal({
    accounts,
    feedBalances,
    advicesPending: options.advicesPending,
    advicesUndelivered: options.advicesUndelivered ?? [],
    authorizationStates,
    interrupted: options.interrupted === true,
  });
  for await (const e of reader.journal()) pass.entry(e);
  return pass.finish();
}
