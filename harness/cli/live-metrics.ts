// `--metrics-port` around a run: the endpoint is bound before the run starts (a taken port fails it
// before any traffic, exit 3), fed by the runner while it goes, given the final values once summary.json
// is written, kept up until a scraper read them (`--metrics-linger`), then closed.
import { LiveRunMetrics } from '../metrics/run-metrics.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Summary } from '../summary/types.ts';
import type { RunMetricsHook } from '../metrics/hook.ts';

export interface LiveMetrics {
  /** What the runner feeds (RunOptions.metrics). */
  metrics: RunMetricsHook;
  finish(summary: Summary): void;
  /** Waits for a scrape of the final values, at most --metrics-linger, or until Ctrl-C. */
  linger(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

const stderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Null without --metrics-port (both flags are parsed by the CLI: run-flags.ts); binds the port (exit 3 if taken). */
export async function startLiveMetrics(flags: { port?: number; lingerS: number }, scenario: Scenario, mode: 'embedded' | 'compose'): Promise<LiveMetrics | null> {
  const { port, lingerS } = flags;
  if (port === undefined) return null;
  const live = await LiveRunMetrics.start({ port, scenario, mode });
  stderr(`metrics: ${live.url}`);
  return {
    metrics: live,
    finish: (summary) => live.finish(summary),
    linger: async (signal) => {
      await live.linger({ timeoutMs: lingerS * 1000, signal, log: stderr });
    },
    close: () => live.close(),
  };
}
