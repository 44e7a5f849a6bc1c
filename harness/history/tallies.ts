// The aggregator's building blocks (aggregate.ts): per-second counters, a phase's running figures, the
// outcome counts and rates of summary.json (a rate with nothing to divide by is 0, an approval rate null),
// and two-level tallies (by hop, then cause).
import type { AuthOutcome } from './record.ts';
import type { AuthorizationCounts, PhaseSummary } from '../summary/types.ts';
import type { LatencyHistogram } from './latency.ts';

export const OUTCOME_SLOT: Record<AuthOutcome, number> = {
  approved: 0,
  declined: 1,
  standin_approved: 2,
  standin_declined: 3,
  failed: 4,
  unknown: 5,
};

/** A growable array of per-second counters. */
export class PerSecond {
  private data = new Float64Array(64);
  inc(second: number, by = 1): void {
    if (second >= this.data.length) {
      let size = this.data.length;
      while (size <= second) size *= 2;
      const next = new Float64Array(size);
      next.set(this.data);
      this.data = next;
    }
    this.data[second] += by;
  }
  get(second: number): number {
    return second < this.data.length ? this.data[second] : 0;
  }
}

export interface PhaseAccumulator {
  name: PhaseSummary['name'];
  fault: string | null;
  start_s: number;
  /** null: the end of the run. */
  end_s: number | null;
  authorizations: number;
  success: number;
  issuer: number;
  approved: number;
  histogram: LatencyHistogram;
}

export function countsOf(c: readonly number[]): AuthorizationCounts {
  const [approved = 0, declined = 0, standinApproved = 0, standinDeclined = 0, failed = 0, unknown = 0] = c;
  const total = approved + declined + standinApproved + standinDeclined + failed + unknown;
  return {
    total,
    approved,
    declined,
    standin_approved: standinApproved,
    standin_declined: standinDeclined,
    failed,
    unknown,
    success_rate: rate(approved + declined + standinApproved + standinDeclined, total),
    issuer_success_rate: rate(approved + declined, total),
    approval_rate: nullableRate(approved, approved + declined),
  };
}

export function rate(n: number, d: number): number {
  return d === 0 ? 0 : Math.round((n / d) * 1e6) / 1e6;
}

export function nullableRate(n: number, d: number): number | null {
  return d === 0 ? null : Math.round((n / d) * 1e6) / 1e6;
}

export function bump(table: Map<string, Map<string, number>>, outer: string, inner: string): void {
  let row = table.get(outer);
  if (!row) {
    row = new Map();
    table.set(outer, row);
  }
  row.set(inner, (row.get(inner) ?? 0) + 1);
}

export function toObject(table: Map<string, Map<string, number>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [outer, row] of table) out[outer] = Object.fromEntries(row);
  return out;
}
