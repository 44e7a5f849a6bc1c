// The money checks of a run against the live ledger (still up, even after Ctrl-C): the checks that folded
// the history while the run went now read the ledger and its journal; then each unknown authorization's
// resolution is written back into the history file. A ledger that cannot be read (its store died, hung or
// flooded) leaves every invariant unknown, saying which replica and why, and the run still writes its
// summary; a feed that cannot be read leaves feed-agrees unknown (checkers/check-ledger.ts).
import { seedAccounts } from '../../services/common/accounts.ts';
import { createLedgerReader } from '../checkers/ledger-reader.ts';
import { checkLedger } from '../checkers/check-ledger.ts';
import type { CheckReport } from '../checkers/compose.ts';
import type { TrafficClock } from '../checkers/checker.ts';
import { nameAddresses } from './process-events.ts';
import type { RunningTopology, TopologyControl } from '../topology/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { rewriteHistoryResolutions } from './resolutions.ts';
import { waitForQuietLedger } from './quiet-ledger.ts';
import type { Recorders } from './recorders.ts';

export async function checkRun(
  scenario: Scenario,
  /** `faultline check` passes a pipeline it did not start: its urls, and no replicas of its own to name. */
  topology: { urls: Pick<RunningTopology['urls'], 'ledgerStore' | 'feeds'> } & Pick<TopologyControl, 'replicas'>,
  recorders: Recorders,
  run: { historyPath: string; pendingAdvices: string[]; undeliveredAdvices: string[]; interrupted: boolean; clock: TrafficClock },
  log: (line: string) => void = () => {},
): Promise<CheckReport> {
  const accounts = seedAccounts(scenario.seed, scenario.topology.accounts);
  // Late writes (a starved pipeline's backlog) land before the checks read, not while they read.
  await waitForQuietLedger(topology.urls.ledgerStore, { quietMs: 1000, deadlineMs: run.interrupted ? 2000 : 15_000 }, log);
  // After the drain every read is a lookup: 5 s for one answer is generous, and a hung service costs only that.
  const reader = createLedgerReader({ ledgerUrl: topology.urls.ledgerStore, feedUrl: topology.urls.feeds[0] ?? null, timeoutMs: 5000 });
  let checks: CheckReport;
  try {
    checks = await checkLedger({
      reader,
      accountIds: accounts.map((a) => a.id),
      checks: recorders.checks,
      advicesPending: run.pendingAdvices,
      advicesUndelivered: run.undeliveredAdvices,
      interrupted: run.interrupted,
      // What declines are judged against: the seeds (currency, card), the history's clock, the stand-in rules.
      seeds: accounts,
      trafficClock: run.clock,
      standIn: scenario.network.standin,
    });
    // A detail that names an address (the feed could not be read) names the replica too.
    checks = { ...checks, invariants: checks.invariants.map((inv) => (inv.ok ? inv : { ...inv, detail: nameAddresses(inv.detail, topology, scenario) })) };
  } catch (err) {
    checks = uncheckedReport(recorders, nameAddresses((err as Error).message ?? String(err), topology, scenario));
  } finally {
    await reader.close();
  }
  if (checks.resolutions.size > 0) await rewriteHistoryResolutions(run.historyPath, checks.resolutions);
  return checks;
}

/** Every invariant unknown, because what they read could not be read: `why` says what failed. */
function uncheckedReport(recorders: Recorders, why: string): CheckReport {
  const unknown = [...recorders.checks.outcomes.ids('unknown')].length;
  return {
    invariants: recorders.checks.checkers.map((c) => ({ name: c.name, ok: false, validity: 'unknown', detail: `not checked: the ledger could not be read after the run: ${why}`, offending: [], count: 0 })),
    validity: 'unknown',
    ok: false,
    unknown_resolution: { total: unknown, held: 0, not_held: 0, unresolved: unknown },
    resolutions: new Map(),
    figures: {},
  };
}
