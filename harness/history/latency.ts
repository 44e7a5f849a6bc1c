// The one latency histogram of faultline: an HdrHistogram recorded in microseconds and read back in
// milliseconds (microsecond resolution), mergeable. The history aggregator (run, phase and per-second
// latency), the load models (send lateness, latency) and the bench all use it.
//
// Range: 1 µs .. 1 h (HIGHEST_MS). Nothing waits on a request that long, so a larger value is a stalled
// driver or a bad record; it is clamped to 1 h and counted in `clamped`.
// Precision: 3 significant digits (0.1% error) by default; 2 (1% error, a fraction of the memory) for
// the many short-lived per-second histograms of the aggregator.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../summary/types.ts';

/** The largest latency kept, in milliseconds (one hour); larger values are clamped to it. */
export const HIGHEST_MS = 3_600_000;
const HIGHEST_US = HIGHEST_MS * 1000;

export interface LatencyHistogramOptions {
  /** Significant digits: 3 (default) for run and phase figures, 2 for per-second series. */
  digits?: 2 | 3;
  /** Packed counts: memory grows with the values seen, not the range (slower to record). */
  packed?: boolean;
}

/** Microseconds to milliseconds, kept to the microsecond. */
const ms = (us: number): number => Math.round(us) / 1000;

export class LatencyHistogram {
  readonly #h: hdr.Histogram;
  /** Values above HIGHEST_MS (clamped to it when recorded). */
  #clamped = 0;

  constructor(options: LatencyHistogramOptions = {}) {
    this.#h = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: HIGHEST_US,
      numberOfSignificantValueDigits: options.digits ?? 3,
      bitBucketSize: options.packed ? 'packed' : 32,
      autoResize: false,
      useWebAssembly: false,
    });
  }

  /**
   * Records a latency given in (fractional) milliseconds, kept to the microsecond. A negative value or
   * one that is not a number counts as 0 (a record with no usable latency still counts).
   */
  record(latencyMs: number, count = 1): void {
    let us = Math.round(latencyMs * 1000);
    if (!(us >= 0)) us = 0;
    else if (us > HIGHEST_US) {
      us = HIGHEST_US;
      this.#clamped += count;
    }
    if (count === 1) this.#h.recordValue(us);
    else this.#h.recordValueWithCount(us, count);
  }

  /** Adds another histogram's counts to this one. */
  merge(other: LatencyHistogram): this {
    this.#h.add(other.#h);
    this.#clamped += other.#clamped;
    return this;
  }

  get count(): number {
    return this.#h.totalCount;
  }

  /** How many recorded values were above HIGHEST_MS and were clamped to it. */
  get clamped(): number {
    return this.#clamped;
  }

  /** The latency at a percentile (0..100) in milliseconds, or null when nothing was recorded. */
  percentile(p: number): number | null {
    if (this.#h.totalCount === 0) return null;
    return ms(this.#h.getValueAtPercentile(p));
  }

  /** The largest latency recorded in milliseconds; 0 when nothing was recorded. */
  get maxMs(): number {
    return this.#h.totalCount === 0 ? 0 : ms(this.#h.maxValue);
  }

  /** p50/p95/p99/max in milliseconds (the LatencySummary of summary.json); all 0 when nothing was recorded. */
  summary(): LatencySummary {
    if (this.#h.totalCount === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
    return {
      p50: ms(this.#h.getValueAtPercentile(50)),
      p95: ms(this.#h.getValueAtPercentile(95)),
      p99: ms(this.#h.getValueAtPercentile(99)),
      max: ms(this.#h.maxValue),
    };
  }

  /** Empties the histogram for reuse. */
  reset(): void {
    this.#h.reset();
    this.#clamped = 0;
  }
}
