// --metrics-port and --metrics-linger (`run` and `up`): checked before anything starts, a bad value is a
// UsageError (exit 2) naming the flag and what it got. A port already taken is found when it is bound
// (exit 3, harness/metrics/server.ts).
import { UsageError } from './exit-codes.ts';
import { durationFlag } from './flags.ts';

/** The port to serve /metrics on (0 = a free one), or undefined when the flag is absent. */
export function metricsPortFlag(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--metrics-port must be a port number from 0 to 65535 (0 = a free one), got "${String(raw)}"`);
  return port;
}

/** Default: how long a finished run keeps serving its final values for a scraper that has not read them. */
export const DEFAULT_METRICS_LINGER_S = 15;

/** Seconds a finished run waits for a scrape of its final values (0 = none); only with --metrics-port. */
export function metricsLingerFlag(raw: unknown, port: number | undefined): number {
  const seconds = durationFlag('--metrics-linger', raw, { max: 600, allowZero: true });
  if (seconds !== undefined && port === undefined) throw new UsageError('--metrics-linger applies to --metrics-port only');
  return seconds ?? DEFAULT_METRICS_LINGER_S;
}
