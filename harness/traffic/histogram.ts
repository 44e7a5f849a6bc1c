// Latency histograms: an HdrHistogram (1 µs .. 60 s, 3 significant digits) that records milliseconds and
// answers p50/p95/p99/max in milliseconds, mergeable across phases or workers; plus a per-second series.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../summary/types.ts';

/** Values are stored in microseconds: 1 µs resolution at the bottom, 60 s at the top. */
export const LOWEST_US = 1;
export const HIGHEST_US = 60_000_000;
export const SIGNIFICANT_DIGITS = 3;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export interface LatencyHistogramOptions {
  /** Packed counts: memory grows with the values seen, not the range (use for many small histograms). */
  packed?: boolean;
}

export class LatencyHistogram {
  readonly #h: hdr.Histogram;
  /** Values above 60 s (clamped to 60 s when recorded). */
  #clamped = 0;

  constructor(options: LatencyHistogramOptions = {}) {
    this.#h = hdr.build({
      lowestDiscernibleValue: LOWEST_US,
      highestTrackableValue: HIGHEST_US,
      numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
      bitBucketSize: options.packed ? 'packed' : 32,
      autoResize: false,
      useWebAssembly: false,
    });
  }

  /** Records one latency in milliseconds (fractions kept to the microsecond; negatives count as 0). */
  record(ms: number, count = 1): void {
    if (!Number.isFinite(ms)) return;
    let us = Math.round(ms * 1000);
    if (us < 0) us = 0;
    if (us > HIGHEST_US) {
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

  /** How many recorded values were above 60 s and were clamped to it. */
  get clamped(): number {
    return this.#clamped;
  }

  /** The latency at a percentile (0..100) in milliseconds; 0 when empty. */
  percentile(p: number): number {
    if (this.#h.totalCount === 0) return 0;
    return round3(this.#h.getValueAtPercentile(p) / 1000);
  }

  get maxMs(): number {
    return this.#h.totalCount === 0 ? 0 : round3(this.#h.maxValue / 1000);
  }

  get meanMs(): number {
    return this.#h.totalCount === 0 ? 0 : round3(this.#h.mean / 1000);
  }

  /** p50/p95/p99/max in milliseconds (the LatencySummary of summary.json). */
  summary(): LatencySummary {
    return { p50: this.percentile(50), p95: this.percentile(95), p99: this.percentile(99), max: this.maxMs };
  }

  reset(): void {
    this.#h.reset();
    this.#clamped = 0;
  }
}

/** Merges histograms into a new one; the inputs are left as they were. */
export function mergeHistograms(histograms: Iterable<LatencyHistogram>): LatencyHistogram {
  const out = new LatencyHistogram();
  for (const h of histograms) out.merge(h);
  return out;
}

export interface SecondBucket {
  /** Second from the start of traffic. */
  t: number;
  count: number;
  ok: number;
  /** ok / count, null when nothing happened in that second. */
  success_rate: number | null;
  p50: number | null;
  p99: number | null;
}

/**
 * Counts and latencies per whole second from the start of traffic: what a time-series chart or a
 * recovery-time check needs. Each second has its own packed histogram, so memory stays small.
 */
export class PerSecondSeries {
  readonly #seconds: Array<{ count: number; ok: number; hist: LatencyHistogram } | undefined> = [];

  /** Records one event at `tMs` (ms from the start) with its latency and whether it succeeded. */
  record(tMs: number, latencyMs: number, ok: boolean): void {
    const s = Math.max(0, Math.floor(tMs / 1000));
    let bucket = this.#seconds[s];
    if (!bucket) {
      bucket = { count: 0, ok: 0, hist: new LatencyHistogram({ packed: true }) };
      this.#seconds[s] = bucket;
    }
    bucket.count++;
    if (ok) bucket.ok++;
    bucket.hist.record(latencyMs);
  }

  /** Number of seconds covered (the last second with data + 1). */
  get length(): number {
    return this.#seconds.length;
  }

  /** One entry per second from 0 to the last second with data; empty seconds have count 0. */
  buckets(): SecondBucket[] {
    const out: SecondBucket[] = [];
    for (let t = 0; t < this.#seconds.length; t++) {
      const b = this.#seconds[t];
      if (!b || b.count === 0) {
        out.push({ t, count: 0, ok: 0, success_rate: null, p50: null, p99: null });
      } else {
        out.push({ t, count: b.count, ok: b.ok, success_rate: b.ok / b.count, p50: b.hist.percentile(50), p99: b.hist.percentile(99) });
      }
    }
    return out;
  }

  /** A histogram of every second in [fromS, toS): for per-phase latency. */
  histogramBetween(fromS: number, toS: number): LatencyHistogram {
    const out = new LatencyHistogram();
    const end = Math.min(this.#seconds.length, Math.ceil(toS));
    for (let t = Math.max(0, Math.floor(fromS)); t < end; t++) {
      const b = this.#seconds[t];
      if (b) out.merge(b.hist);
    }
    return out;
  }
}
