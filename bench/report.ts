// Bench: building the HTML report of a 10-minute run at 1,000 requests/s (600,000 requests). The run is
// synthesised with the check bench's seeded simulation, aggregated into a summary.json, and the time
// measured is writeReport() on that folder (reading the summary, rendering, writing index.html + junit.xml).
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simulate, faultWindow } from './check.ts';
import { HistoryAggregator } from '../harness/history/aggregate.ts';
import { HistoryWriter } from '../harness/history/writer.ts';
import { withRecovery } from '../harness/history/recovery.ts';
import { writeReport } from '../harness/report/report.ts';
import type { Summary } from '../harness/summary/types.ts';
import { figure, type Figures } from './figure.ts';

const RATE = 1000;

export async function benchReport(opts: { quick: boolean }): Promise<Figures> {
  const records = opts.quick ? 60_000 : 600_000;
  const duration_s = records / RATE;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-bench-report-'));
  try {
    const window = faultWindow(duration_s);
    const aggregator = new HistoryAggregator({ duration_s, faults: [window] });
    const writer = new HistoryWriter({ dir });
    simulate(
      records,
      (r) => {
        aggregator.add(r);
        writer.append(r);
      },
      () => undefined,
    );
    const history = await writer.close();
    const agg = aggregator.finish();
    const faults = withRecovery(
      [{ name: window.name, fault: 'network.latency', target: 'ledger', scheduled_s: window.start_s, applied_s: window.start_s, healed_s: window.end_s, scheduled_end_s: window.end_s, recovery_s: null }],
      agg.phases,
      agg.timeseries,
    );
    const summary: Summary = {
      scenario: 'bench-10-minutes',
      description: 'A synthetic 10-minute run at 1,000 requests/s',
      seed: 7,
      router: 'hardened',
      standin: true,
      mode: 'embedded',
      duration_s,
      started_at: new Date().toISOString(),
      incomplete: false,
      authorizations: agg.authorizations,
      latency_ms: agg.latency_ms,
      load: { model: 'open', target_rate: RATE, achieved_rate: agg.load.achieved_rate, late: agg.load.late, dropped: agg.load.dropped, sent: agg.load.sent },
      phases: agg.phases,
      faults,
      app: agg.app,
      reversals: agg.reversals,
      advices: { queued: 0, delivered: 0, attempts: 0, pending: 0 },
      unknown_resolution: { total: 0, held: 0, not_held: 0, unresolved: 0 },
      causes: agg.causes,
      causes_by_fault: agg.causes_by_fault,
      retry_amplification: agg.retry_amplification,
      timeseries: agg.timeseries,
      invariants: [],
      thresholds: [],
      passed: true,
      verdict: ['all checks passed'],
      command: 'npm run bench',
      versions: { faultline: '0.1.0', node: process.version, platform: process.platform },
      files: { history: path.basename(history.path), report: 'index.html', junit: 'junit.xml' },
    };
    await writeFile(path.join(dir, 'summary.json'), JSON.stringify(summary));
    const started = performance.now();
    await writeReport(dir);
    const seconds = (performance.now() - started) / 1000;
    const bytes = (await stat(path.join(dir, 'index.html'))).size;
    const note = opts.quick ? 'quick: a 1-minute run (60,000 requests)' : undefined;
    return {
      'report.seconds_for_600k_requests': figure(seconds, 's', '< 2', seconds < 2, note),
      'report.html_bytes': figure(bytes, 'bytes', '< 3 MB', bytes < 3_000_000, note),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
