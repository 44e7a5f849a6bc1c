// The figures a run's validity is judged on, gathered from the parts that measured them: the driver's
// event loop, the aggregator's send lateness, the fault timeline's activation times, the CPU that
// processes outside the run took, the advices the driver never delivered — and, for information only,
// the pipeline's health before the first fault.
import type { AggregateResult, FaultSummary, ValidityFigures } from './types.ts';

export interface MachineFigures {
  /** null: not measured (no /proc, or compose mode). */
  foreign_cpu?: ValidityFigures['foreign_cpu'];
  undelivered_advices?: number;
}

export function validityFigures(
  eventLoop: ValidityFigures['event_loop_delay_ms'],
  aggregate: AggregateResult,
  faults: readonly FaultSummary[],
  machine: MachineFigures = {},
): ValidityFigures {
  // A timeline another process applied (`faultline check`) has no activation measured here: not in the figures.
  const fault_activation = faults.filter((f) => !f.applied_elsewhere).map((f) => ({
    fault: f.name,
    scheduled_s: f.scheduled_s,
    late_ms: f.applied_s === null ? null : Math.round((f.applied_s - f.scheduled_s) * 1000 * 1000) / 1000,
  }));
  const first = [...faults].sort((a, b) => a.scheduled_s - b.scheduled_s)[0];
  const before = first ? aggregate.phases.find((p) => p.name === 'before' && p.fault === first.name) : undefined;
  const pre_fault =
    before && before.authorizations > 0
      ? {
          start_s: before.start_s,
          end_s: before.end_s,
          authorizations: before.authorizations,
          issuer_success_rate: before.issuer_success_rate,
          latency_p50_ms: before.latency_ms.p50,
        }
      : null;
  return {
    event_loop_delay_ms: eventLoop,
    send_lateness_ms: aggregate.lateness,
    fault_activation,
    foreign_cpu: machine.foreign_cpu ?? null,
    undelivered_advices: machine.undelivered_advices ?? 0,
    pre_fault,
  };
}
