// Scores fault activation: for each scheduled window, the time from its scheduled start to the first
// request it affected. A window with no affected request before its scheduled end never took effect: it
// is a miss and counts as an infinite activation (never dropped, so misses cannot flatter the p99).

export interface ScheduledWindow {
  name: string;
  /** ms from the start of traffic. */
  start_ms: number;
  end_ms: number;
}

export interface ObservedSend {
  /** Actual send time, ms from the start of traffic. */
  sent_ms: number;
  /** Was this request slowed by the fault (e.g. its latency crossed the toxic's threshold)? */
  affected: boolean;
}

export interface ActivationScore {
  windows: number;
  /** Windows that never took effect before their scheduled end. */
  misses: number;
  /** Per window in schedule order: ms from scheduled start to the first affected send; Infinity for a miss. */
  activations_ms: number[];
  /** Nearest-rank p99 over every window, misses included (Infinity when a miss reaches it). */
  p99_ms: number;
}

/** Nearest-rank percentile (0 < p ≤ 100) of values that may include Infinity; NaN for none. */
export function nearestRank(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function scoreActivations(windows: readonly ScheduledWindow[], sends: readonly ObservedSend[]): ActivationScore {
  const ordered = [...sends].sort((a, b) => a.sent_ms - b.sent_ms);
  const activations_ms = windows.map((w) => {
    const first = ordered.find((s) => s.affected && s.sent_ms >= w.start_ms && s.sent_ms < w.end_ms);
    return first ? first.sent_ms - w.start_ms : Number.POSITIVE_INFINITY;
  });
  return {
    windows: windows.length,
    misses: activations_ms.filter((a) => !Number.isFinite(a)).length,
    activations_ms,
    p99_ms: nearestRank(activations_ms, 99),
  };
}
