// The labels a history record is counted under, every one drawn from a closed set so the number of series
// stays bounded: the outcome (AUTH_OUTCOMES), the hop and cause (services/common/failure.ts), the phase
// (below) and the fault (the scenario's window names). No id, account, amount or card data ever becomes a
// label.
//
// Phase and fault, from the record's intended send time (as the history aggregator does):
//   warmup   t < 0, whatever the faults (never gated; a dashboard leaves it out with phase!="warmup")
//   whole    a run without faults
//   before   before the first fault window starts                      fault = none
//   during   a window is active (the record's `faults`, else the schedule) fault = the active windows, joined by "+"
//   after    no window active, one has ended                            fault = the window that ended last (its aftermath)
// A run of n windows has at most 2n + 1 distinct active sets, so the fault label has at most 3n + 2 values.
// The summary's phases are per window and may overlap; these are a partition, so every count sums to the
// summary's total.
import { AUTH_OUTCOMES, type AuthOutcome, type HistoryRecord } from '../history/record.ts';
import { CAUSES, HOPS } from '../../services/common/failure.ts';
import { UNATTRIBUTED_HOP } from '../history/aggregate.ts';

export const PHASES = ['warmup', 'whole', 'before', 'during', 'after'] as const;
export type MetricPhase = (typeof PHASES)[number];

/** The label value for "not applicable" (no fault, no failure to attribute). */
export const NONE = 'none';
/** A value outside the closed set (a fault name the scenario does not have, a hop no service names). */
export const OTHER = 'other';

export interface Window {
  name: string;
  start_s: number;
  end_s: number;
}

export interface PhaseLabels {
  phase: MetricPhase;
  fault: string;
}

const KNOWN_HOPS = new Set<string>([...HOPS, UNATTRIBUTED_HOP]);
const KNOWN_CAUSES = new Set<string>(CAUSES);
const OUTCOMES = new Set<string>(AUTH_OUTCOMES);

export function isAuthOutcome(outcome: string): outcome is AuthOutcome {
  return OUTCOMES.has(outcome);
}

export class PhaseLabeler {
  private readonly windows: readonly Window[];
  private readonly order: ReadonlyMap<string, number>;
  private readonly firstStart: number;

  constructor(windows: readonly Window[]) {
    this.windows = [...windows].sort((a, b) => a.start_s - b.start_s);
    this.order = new Map(this.windows.map((w, i) => [w.name, i]));
    this.firstStart = this.windows.length ? this.windows[0].start_s : Infinity;
  }

  /** Every fault label value this run can produce, besides `none` and `other` (for tests and dashboards). */
  get faultNames(): string[] {
    return this.windows.map((w) => w.name);
  }

  of(record: Pick<HistoryRecord, 'intended_ms' | 'faults'>): PhaseLabels {
    if (record.intended_ms < 0) return { phase: 'warmup', fault: NONE };
    if (this.windows.length === 0) return { phase: 'whole', fault: NONE };
    const t = record.intended_ms / 1000;
    const active = record.faults && record.faults.length > 0 ? this.known(record.faults) : this.scheduledAt(t);
    if (active.length > 0) return { phase: 'during', fault: active.join('+') };
    if (t < this.firstStart) return { phase: 'before', fault: NONE };
    return { phase: 'after', fault: this.aftermath(t) };
  }

  /** The record's fault names in schedule order; a name the scenario does not have becomes `other`. */
  private known(names: readonly string[]): string[] {
    const known = names.filter((n) => this.order.has(n)).sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
    return known.length === names.length ? [...new Set(known)] : [...new Set(known), OTHER];
  }

  private scheduledAt(t: number): string[] {
    return this.windows.filter((w) => t >= w.start_s && t < w.end_s).map((w) => w.name);
  }

  private aftermath(t: number): string {
    let name = NONE;
    let end = -Infinity;
    for (const w of this.windows) {
      if (t >= w.end_s && w.end_s > end) {
        name = w.name;
        end = w.end_s;
      }
    }
    return name;
  }
}

/**
 * Where a failure is attributed, exactly as the summary's `causes` count it: failed and unknown
 * authorizations always (`unattributed`/`other` when the record names none), stand-in outcomes when they
 * carry the error that sent them to stand-in; everything else `none`/`none`.
 */
export function attribution(record: Pick<HistoryRecord, 'error'>, outcome: AuthOutcome): { hop: string; cause: string } {
  const attributed = outcome === 'failed' || outcome === 'unknown' || ((outcome === 'standin_approved' || outcome === 'standin_declined') && record.error !== undefined);
  if (!attributed) return { hop: NONE, cause: NONE };
  const hop = record.error?.hop ?? UNATTRIBUTED_HOP;
  const cause = record.error?.cause ?? 'other';
  return { hop: KNOWN_HOPS.has(hop) ? hop : OTHER, cause: KNOWN_CAUSES.has(cause) ? cause : OTHER };
}
