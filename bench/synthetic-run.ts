// A run folder as `faultline run` writes it, for a synthetic run at 1,000 requests/s: the check bench's
// seeded simulation (bench/check.ts) gives every history record and ledger journal entry; the records go
// through the real HistoryWriter (history.jsonl, gzipped past 20 MB) and HistoryAggregator, the journal
// through the real checkers, and summary.json is assembled, judged and decided the way the runner does
// (assembleSummary, judgeValidity, decide). No driver ran, so the driver's event-loop figures are 0.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simulate, faultWindow } from './check.ts';
import { HistoryAggregator } from '../harness/history/aggregate.ts';
import { HistoryWriter } from '../harness/history/writer.ts';
import { withRecovery } from '../harness/history/recovery.ts';
import { Checks } from '../harness/checkers/compose.ts';
import { assembleSummary } from '../harness/summary/assemble.ts';
import { validityFigures } from '../harness/summary/validity-figures.ts';
import { judgeValidity, validityLimits } from '../harness/gate/validity.ts';
import { applyDecision, decide } from '../harness/gate/verdict.ts';
import { versions } from '../harness/runner/versions.ts';
import type { BalanceView } from '../services/feed/contract.ts';

export const SYNTHETIC_RATE = 1000;

const THRESHOLDS = {
  authorization_success_rate: ['rate>0.9'],
  'authorization_latency{phase:before}': ['p(99)<500'],
  'recovery_seconds{fault:ledger-outage}': ['value<30'],
};

export interface SyntheticRun {
  dir: string;
  records: number;
  historyFile: string;
  historyBytesOnDisk: number;
  historyBytesUncompressed: number;
  summaryBytes: number;
  /** Money invariants checked (and rendered). */
  invariants: number;
}

/** Writes summary.json and the history of a `records`-record run into `dir` (no report). */
export async function writeSyntheticRun(dir: string, records: number): Promise<SyntheticRun> {
  const duration_s = records / SYNTHETIC_RATE;
  const window = faultWindow(duration_s);
  await mkdir(dir, { recursive: true });
  const aggregator = new HistoryAggregator({ duration_s, faults: [window], warmup_s: 0, keepOutcomes: false });
  const writer = new HistoryWriter({ dir });
  const checks = new Checks();
  const { accounts, advicesPending } = simulate(
    records,
    (r) => {
      aggregator.add(r);
      writer.append(r);
      checks.record(r);
    },
    () => undefined,
  );
  const history = await writer.close();
  const aggregate = aggregator.finish();

  // The same simulation again, for its journal: every checker over it, as after a real run.
  const feed: BalanceView[] = accounts.map((a) => ({ account_id: a.account_id, currency: a.currency, balance: a.balance, available: a.available, version: a.version }));
  const pass = checks.journal({ accounts, feedBalances: feed, advicesPending, interrupted: false });
  simulate(records, () => undefined, (e) => pass.entry(e));
  const report = pass.finish();

  const faults = withRecovery(
    [{ name: window.name, fault: 'network.latency', target: 'ledger', scheduled_s: window.start_s, applied_s: window.start_s, healed_s: window.end_s, scheduled_end_s: window.end_s, recovery_s: null }],
    aggregate.phases,
    aggregate.timeseries,
  ).map((f) => ({ ...f, recovery_applicable: true }));
  const validity = judgeValidity(validityFigures({ p50: 0, p99: 0, max: 0 }, aggregate, faults), validityLimits());
  const assembled = assembleSummary({
    scenario: { name: 'bench-synthetic', description: `A synthetic ${duration_s} s run at ${SYNTHETIC_RATE} requests/s`, seed: 7, router: 'hardened', standin: true, duration_s },
    mode: 'embedded',
    startedAt: new Date().toISOString(),
    incomplete: false,
    aggregate,
    load: { model: 'open', target_rate: SYNTHETIC_RATE, achieved_rate: aggregate.load.achieved_rate, sent: aggregate.load.sent, dropped: aggregate.load.dropped },
    faults,
    advices: { queued: 0, delivered: 0, attempts: 0, pending: 0 },
    checks: { invariants: report.invariants, unknown_resolution: report.unknown_resolution },
    validity,
    command: 'npm run bench',
    versions: versions(),
    historyFile: path.basename(history.path),
  });
  const summary = applyDecision(assembled, decide(assembled, THRESHOLDS));
  summary.files.report = 'index.html';
  summary.files.junit = 'junit.xml';
  const summaryText = JSON.stringify(summary, null, 2) + '\n';
  await writeFile(path.join(dir, 'summary.json'), summaryText);
  return {
    dir,
    records: history.records,
    historyFile: history.path,
    historyBytesOnDisk: (await stat(history.path)).size,
    historyBytesUncompressed: history.bytes,
    summaryBytes: Buffer.byteLength(summaryText),
    invariants: summary.invariants.length,
  };
}
