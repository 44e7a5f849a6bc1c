// The money checks of a run against the live ledger (still up, even after Ctrl-C): the checks that folded
// the history while the run went now read the ledger and its journal; then each unknown authorization's
// resolution is written back into the history file.
import { seedAccounts } from '../../services/common/accounts.ts';
import { createLedgerReader } from '../checkers/ledger-reader.ts';
import { checkLedger } from '../checkers/check-ledger.ts';
import type { CheckReport } from '../checkers/compose.ts';
import type { TrafficClock } from '../checkers/checker.ts';
import type { RunningTopology } from '../topology/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { rewriteHistoryResolutions } from './resolutions.ts';
import type { Recorders } from './recorders.ts';

export async function checkRun(
  scenario: Scenario,
  topology: { urls: Pick<RunningTopology['urls'], 'ledgerStore' | 'feeds'> },
  recorders: Recorders,
  run: { historyPath: string; pendingAdvices: string[]; interrupted: boolean; clock: TrafficClock },
): Promise<CheckReport> {
  const accounts = seedAccounts(scenario.seed, scenario.topology.accounts);
  const reader = createLedgerReader({ ledgerUrl: topology.urls.ledgerStore, feedUrl: topology.urls.feeds[0] ?? null });
  let checks: CheckReport;
  try {
    checks = await checkLedger({
      reader,
      accountIds: accounts.map((a) => a.id),
      checks: recorders.checks,
      advicesPending: run.pendingAdvices,
      interrupted: run.interrupted,
      // What declines are judged against: the seeds (currency, card), the history's clock, the stand-in rules.
      seeds: accounts,
      trafficClock: run.clock,
      standIn: scenario.network.standin,
    });
  } finally {
    await reader.close();
  }
  if (checks.resolutions.size > 0) await rewriteHistoryResolutions(run.historyPath, checks.resolutions);
  return checks;
}
