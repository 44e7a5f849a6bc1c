// The checks of a run against live services: reads the accounts, the feed's balances and the unknown
// authorizations' states, then streams the journal through a LedgerReader into the run's checks (which
// folded the history while the run went), and judges every invariant.
// Call it after traffic has drained: a write landing while it reads shows up as a disagreement.
// A feed that cannot be read (hung, gone, flooding) leaves the ledger's invariants checked and makes
// feed-agrees unknown, saying why.
import type { RunFacts } from './checker.ts';
import type { CheckReport, Checks } from './compose.ts';
import { FEED_AGREES } from './feed-agrees.ts';
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
  /** What the declines are judged against: the seeded accounts, the history's clock, the stand-in rules. */
  seeds?: RunFacts['seeds'];
  trafficClock?: RunFacts['trafficClock'];
  standIn?: RunFacts['standIn'];
}

export async function checkLedger(options: LedgerCheckOptions): Promise<CheckReport> {
  const { reader, checks } = options;
  const readFeed = options.readFeed ?? reader.hasFeed;
  let feedError: string | null = null;
  const unreadFeed = (err: unknown): null => {
    feedError = (err as Error).message ?? String(err);
    return null;
  };
  const [accounts, feedBalances, authorizationStates] = await Promise.all([
    reader.accounts(options.accountIds),
    readFeed ? reader.feedBalances(options.accountIds).catch(unreadFeed) : Promise.resolve(null),
    options.lookupUnknowns === false ? Promise.resolve(undefined) : reader.authorizationStates([...checks.outcomes.ids('unknown')]),
  ]);
  const pass = checks.journal({
    accounts,
    feedBalances,
    advicesPending: options.advicesPending,
    advicesUndelivered: options.advicesUndelivered ?? [],
    authorizationStates,
    interrupted: options.interrupted === true,
    seeds: options.seeds,
    trafficClock: options.trafficClock,
    standIn: options.standIn,
  });
  for await (const e of reader.journal()) pass.entry(e);
  const report = pass.finish();
  if (feedError === null) return report;
  const detail = `the feed/balance API could not be read (${feedError}): agreement with the ledger unknown`;
  return { ...report, invariants: report.invariants.map((inv) => (inv.name === FEED_AGREES ? { ...inv, detail } : inv)) };
}
