// The money checks of a run against the live ledger (still up, even after Ctrl-C): the checks that folded
// the history while the run went now read the ledger and its journal; then each unknown authorization's
// resolution is written back into the history file.
import { seedAccounts } from '../../services/common/accounts.ts';
import { createLedgerReader } from '../checkers/ledger-reader.ts';
import { checkLedger } from '../checkers/check-ledger.ts';
import type { CheckReport } from '../checkers/compose.ts';
import type { RunningTopology } from '../topology/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { rewriteHistoryResolutions } from './resolutions.ts';
import { waitForQuietLedger } from './quiet-ledger.ts';
import type { Recorders } from './recorders.ts';

export async function checkRun(
  scenario: Scenario,
  topology: RunningTopology,
  recorders: Recorders,
  run: { historyPath: string; pendingAdvices: string[]; interrupted: boolean },
  log: (line: string) => void = () => {},
): Promise<CheckReport> {
  const accounts = seedAccounts(scenario.seed, scenario.topology.accounts);
  // Late writes (a starved pipeline's backlog) land before the checks read, not while they read.
  await waitForQuietLedger(topology.urls.ledgerStore, { quietMs: 1000, deadlineMs: run.interrupted ? 2000 : 15_000 }, log);
  const reader = createLedgerReader({ ledgerUrl: topology.urls.ledgerStore, feedUrl: topology.urls.feeds[0] ?? null });
  let checks: CheckReport;
  try {
    checks = await checkLedger({
      reader,
      accountIds: accounts.map((a) => a.id),
      checks: recorders.checks,
      advicesPending: run.pendingAdvices,
      interrupted: run.interrupted,
    });
  } finally {
    await reader.close();
  }
  if (checks.resolutions.size > 0) await rewriteHistoryResolutions(run.historyPath, checks.resolutions);
  return checks;
}
