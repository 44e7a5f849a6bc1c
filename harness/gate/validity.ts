// Run validity: does the run's own health say the machine, not the pipeline, shaped its numbers? Each
// figure is held to a limit; a broken limit makes the verdict `inconclusive` (exit 4), and the gate never
// compares such a run with a baseline nor keeps it as one.
//
// <!-- README: validity limits -->
// | figure | limit (default) | what breaking it means |
// | --- | --- | --- |
// | driver event-loop delay p99 | 50 ms | the driver was starved or blocked: its sends and its clocks ran late |
// | driver event-loop delay max | 1,000 ms | the driver stalled outright for a second or more |
// | send lateness p99 (actual − intended send time) | 50 ms | the arrival schedule was not kept: the offered load was not what the scenario says |
// | share of sends more than 10 ms late | 2% | as above, for the bulk of the run |
// | fault activation (scheduled → in effect) | 2,000 ms | the fault plane ran late: the windows in the report are not the windows that happened |
// | before the first fault: issuer success rate | ≥ 95% | the pipeline was unhealthy before anything was broken: what the faults did cannot be told apart |
// | before the first fault: authorization p50 | ≤ 250 ms | as above (a quiet 2-core machine answers in a few ms) |
// <!-- /README -->
//
// Money invariants do not depend on timing: a run that lost money has failed whatever the machine did.
import type { RunValidity, ValidityFigures, ValidityLimits } from '../summary/types.ts';

export const DEFAULT_VALIDITY_LIMITS: Readonly<ValidityLimits> = {
  event_loop_delay_p99_ms: 50,
  event_loop_delay_max_ms: 1000,
  send_lateness_p99_ms: 50,
  late_share: 0.02,
  fault_activation_late_ms: 2000,
  pre_fault_issuer_success_rate: 0.95,
  pre_fault_latency_p50_ms: 250,
};

export function validityLimits(overrides: Partial<ValidityLimits> = {}): ValidityLimits {
  const out: ValidityLimits = { ...DEFAULT_VALIDITY_LIMITS };
  for (const [k, v] of Object.entries(overrides) as Array<[keyof ValidityLimits, number | undefined]>) if (v !== undefined) out[k] = v;
  return out;
}

const f1 = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function judgeValidity(figures: ValidityFigures, limits: ValidityLimits): RunValidity {
  const reasons: string[] = [];
  const advice = new Set<string>();
  const driverAdvice = 'the driver could not keep its schedule: stop other load on this machine, give the run more cores, or lower --rate';
  const loop = figures.event_loop_delay_ms;
  if (loop.p99 > limits.event_loop_delay_p99_ms) {
    reasons.push(`driver event-loop delay p99 ${f1(loop.p99)} ms > ${limits.event_loop_delay_p99_ms} ms: the driver was starved of CPU, so sends and latencies were late`);
    advice.add(driverAdvice);
  }
  if (loop.max > limits.event_loop_delay_max_ms) {
    reasons.push(`driver event-loop stalled for ${f1(loop.max)} ms (limit ${limits.event_loop_delay_max_ms} ms)`);
    advice.add(driverAdvice);
  }
  const late = figures.send_lateness_ms;
  if (late.sends > 0 && late.p99 > limits.send_lateness_p99_ms) {
    reasons.push(`send lateness p99 ${f1(late.p99)} ms > ${limits.send_lateness_p99_ms} ms: the offered load was not the scenario's arrival schedule`);
    advice.add(driverAdvice);
  }
  if (late.sends > 0 && late.late_share > limits.late_share) {
    reasons.push(`${pct(late.late_share)} of ${late.sends} sends were more than 10 ms late (limit ${pct(limits.late_share)})`);
    advice.add(driverAdvice);
  }
  for (const a of figures.fault_activation) {
    if (a.late_ms !== null && a.late_ms > limits.fault_activation_late_ms) {
      reasons.push(`fault ${a.fault} took effect ${f1(a.late_ms)} ms after its scheduled ${a.scheduled_s} s (limit ${limits.fault_activation_late_ms} ms): the fault windows shown are not the ones that happened`);
      advice.add('the fault plane ran late: stop other load on this machine or give the run more cores');
    }
  }
  const pre = figures.pre_fault;
  if (pre && pre.authorizations > 0) {
    if (pre.issuer_success_rate !== null && pre.issuer_success_rate < limits.pre_fault_issuer_success_rate) {
      reasons.push(
        `before the first fault the issuer answered only ${pct(pre.issuer_success_rate)} of authorizations (limit ${pct(limits.pre_fault_issuer_success_rate)}): the pipeline was already unhealthy, so the faults' effect cannot be told apart`,
      );
      advice.add('the pipeline was not healthy before any fault: check it with `faultline run baseline`, lower --rate, or stop other load');
    }
    if (pre.latency_p50_ms !== null && pre.latency_p50_ms > limits.pre_fault_latency_p50_ms) {
      reasons.push(`before the first fault authorization p50 was ${f1(pre.latency_p50_ms)} ms (limit ${limits.pre_fault_latency_p50_ms} ms): the pipeline was not at its quiet-machine speed`);
      advice.add('the pipeline was not healthy before any fault: check it with `faultline run baseline`, lower --rate, or stop other load');
    }
  }
  return { ok: reasons.length === 0, reasons, advice: [...advice], figures, limits };
}
