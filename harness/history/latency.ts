// Latency histograms (HdrHistogram), recorded in microseconds and read back in milliseconds.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../summary/types.ts';

export type LatencyHistogram = hdr.Histogram;

/** One hour in microseconds: larger values are clamped (a request is never waited on that long). */
const HIGHEST_US = 3_600_000_000;

/** 3 significant digits for run and phase totals; 2 for the many per-second histograms (1% error). */
export function createLatencyHistogram(digits: 2 | 3 = 3): LatencyHistogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: digits,
    useWebAssembly: false,
  });
}

/** Records a latency given in (fractional) milliseconds. */
export function recordLatency(histogram: LatencyHistogram, latencyMs: number): void {
  let us = Math.round(latencyMs * 1000);
  if (!(us >= 0)) us = 0;
  else if (us > HIGHEST_US) us = HIGHEST_US;
  histogram.recordValue(us);
}

function ms(us: number): number {
  return Math.round(us) / 1000;
}

/** Percentile in milliseconds (microsecond resolution), or null when nothing was recorded. */
export function percentileMs(histogram: LatencyHistogram, percentile: number): number | null {
  if (histogram.totalCount === 0) return null;
  return ms(histogram.getValueAtPercentile(percentile));
}

/** p50/p95/p99/max in milliseconds; all 0 when nothing was recorded. */
export function latencySummary(histogram: LatencyHistogram): LatencySummary {
  if (histogram.totalCount === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
  };
}
