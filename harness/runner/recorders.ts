// Where every history record goes while a run is on: the history file, the streaming aggregator, the
// run's checks (every invariant's history fold, and each authorization's outcome), and the progress
// line's per-second counts.
import type { HistoryRecord } from '../history/record.ts';
import { HistoryWriter } from '../history/writer.ts';
import { HistoryAggregator } from '../history/aggregate.ts';
import { Checks } from '../checkers/compose.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { RunMetricsHook } from '../metrics/hook.ts';

export class Recorders {
  readonly writer: HistoryWriter;
  readonly aggregator: HistoryAggregator;
  /** Every registered checker, folding the history as it is recorded. */
  readonly checks = new Checks();
  /** Authorizations (and how many succeeded) since the progress line last read them. */
  readonly second = { ok: 0, total: 0 };

  constructor(scenario: Scenario, runDir: string, private readonly metrics?: Pick<RunMetricsHook, 'record'>) {
    this.writer = new HistoryWriter({ dir: runDir });
    const windows = scenario.faults.map((f) => ({ name: f.name, start_s: f.start_s, end_s: f.end_s }));
    // The checks keep each authorization's outcome: the aggregator need not keep a second copy.
    this.aggregator = new HistoryAggregator({
      duration_s: scenario.traffic.duration_s,
      faults: windows,
      warmup_s: scenario.warmup_s,
      keepOutcomes: false,
    });
  }

  readonly record = (record: HistoryRecord): void => {
    this.writer.append(record);
    this.aggregator.add(record);
    this.checks.record(record);
    this.metrics?.record(record); // live metrics (--metrics-port)
    if (record.kind === 'authorization' && !record.dropped) {
      this.second.total++;
      if (record.outcome !== 'failed' && record.outcome !== 'unknown') this.second.ok++;
    }
  };

  /** The success rate of the authorizations since the last call, and how many there were; resets the count. */
  takeSecond(): { total: number; rate: number | null } {
    const { ok, total } = this.second;
    this.second.ok = 0;
    this.second.total = 0;
    return { total, rate: total ? ok / total : null };
  }
}
