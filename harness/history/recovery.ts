// Recovery time per fault: from the fault's end (healed_s) until the per-second success rate is back
// within its threshold for N consecutive seconds; null if that never happens within the run.
//
// The threshold: the scenario's authorization_success_rate threshold when it sets one; otherwise the
// success rate of the fault's `before` phase minus a tolerance (1 percentage point); with neither (a fault
// from the first second), 1 - tolerance. Seconds without authorizations neither count nor break a streak.
// Recovery is measured from healed_s to the start of the first good second of the streak, never below 0.
import type { FaultSummary, PhaseSummary, TimeseriesPoint } from '../summary/types.ts';

export interface RecoveryOptions {
  /** Consecutive good seconds needed. Default 3. */
  consecutive?: number;
  /** How far below the before-phase rate still counts as recovered (0.01 = 1 percentage point). */
  tolerance?: number;
  /** The scenario's authorization success rate threshold (0..1), when it sets one. */
  threshold?: number | null;
  /** Which per-second rate to watch. Default success_rate (customer-visible, stand-in included). */
  metric?: 'success_rate' | 'issuer_success_rate';
}

/** The rate a fault must get back to. */
export function recoveryTarget(beforeRate: number | null, options: RecoveryOptions = {}): number {
  if (options.threshold !== undefined && options.threshold !== null) return options.threshold;
  const tolerance = options.tolerance ?? 0.01;
  return (beforeRate ?? 1) - tolerance;
}

/** Seconds from healed_s until `consecutive` good seconds in a row begin; null if never within the timeseries. */
export function recoveryTime(
  timeseries: readonly TimeseriesPoint[],
  healed_s: number | null,
  target: number,
  options: RecoveryOptions = {},
): number | null {
  if (healed_s === null || !Number.isFinite(healed_s)) return null;
  const needed = Math.max(1, options.consecutive ?? 3);
  const metric = options.metric ?? 'success_rate';
  const eps = 1e-9;
  let streak = 0;
  let streakStart = -1;
  for (const point of timeseries) {
    if (point.t < Math.floor(healed_s)) continue;
    const value = point[metric];
    if (point.authorizations === 0 || value === null) continue;
    if (value + eps >= target) {
      if (streak === 0) streakStart = point.t;
      streak++;
      if (streak >= needed) return Math.max(0, Math.round((streakStart - healed_s) * 1000) / 1000);
    } else {
      streak = 0;
    }
  }
  return null;
}

/** Fills `recovery_s` for each fault from the run's phases and timeseries. */
export function withRecovery(
  faults: readonly FaultSummary[],
  phases: readonly PhaseSummary[],
  timeseries: readonly TimeseriesPoint[],
  options: RecoveryOptions = {},
): FaultSummary[] {
  return faults.map((fault) => {
    const before = phases.find((p) => p.name === 'before' && p.fault === fault.name);
    const beforeRate = before && before.authorizations > 0 ? before[options.metric ?? 'success_rate'] : null;
    const target = recoveryTarget(beforeRate, options);
    return { ...fault, recovery_s: recoveryTime(timeseries, fault.healed_s, target, options) };
  });
}

const SUCCESS_RATE_KEYS = ['authorization_success_rate', 'authorizations.success_rate', 'success_rate'];

/**
 * The success-rate threshold a scenario sets, if any: the strictest lower bound among expressions like
 * `rate>0.99`, `>= 0.995`, `value>=99%` under `authorization_success_rate` (or `authorizations.success_rate`).
 */
export function successRateThreshold(thresholds: Readonly<Record<string, readonly string[]>>): number | null {
  let best: number | null = null;
  for (const key of SUCCESS_RATE_KEYS) {
    for (const expression of thresholds[key] ?? []) {
      const m = /^\s*(?:[a-z_]+\s*)?(>=|>)\s*([0-9]*\.?[0-9]+)\s*(%?)\s*$/i.exec(expression);
      if (!m) continue;
      const value = Number(m[2]) / (m[3] === '%' ? 100 : 1);
      if (best === null || value > best) best = value;
    }
  }
  return best;
}
