// Run validity: did the MACHINE distort the run? Each figure measures the machine the run ran on, never
// the pipeline under test, and is held to a limit; a broken limit makes the verdict `inconclusive` (exit
// 4), and the gate never compares such a run with a baseline nor keeps it as one.
//
// <!-- README: validity limits -->
// | figure | limit (default) | what breaking it means |
// | --- | --- | --- |
// | driver event-loop delay p99 | 50 ms | the driver was starved or blocked: its sends and its clocks ran late |
// | driver event-loop delay max | 1,000 ms | the driver stalled outright for a second or more |
// | send lateness p99 (actual − intended send time) | 50 ms | the arrival schedule was not kept: the offered load was not what the scenario says |
// | share of sends more than 10 ms late | 2% | as above, for the bulk of the run |
// | fault activation (scheduled → in effect) | 2,000 ms | the fault plane ran late: the windows in the report are not the windows that happened |
// | CPU taken by processes outside the run (share of the machine, measured part) | 25% | something else on the machine took the CPU the pipeline and the driver needed |
// | stand-in advices faultline itself never delivered | 0 | the driver's store-and-forward queue ran out of time before the issuer ever saw them: whether they would be posted is unknown |
// <!-- /README -->
//
// What is deliberately NOT a validity figure: the pipeline's own speed and health. A pipeline that is slow
// or failing before its first fault, on a healthy machine, is the finding: it is compared with the
// thresholds and the baseline and fails. The pre-fault figures stay in the summary for information.
// Money invariants do not depend on timing: a run that lost money has failed whatever the machine did.
import type { RunValidity, ValidityFigures, ValidityLimits } from '../summary/types.ts';

export const DEFAULT_VALIDITY_LIMITS: Readonly<ValidityLimits> = {
  event_loop_delay_p99_ms: 50,
  event_loop_delay_max_ms: 1000,
  send_lateness_p99_ms: 50,
  late_share: 0.02,
  fault_activation_late_ms: 2000,
  foreign_cpu_share: 0.25,
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
  const foreign = figures.foreign_cpu;
  if (foreign && foreign.share > limits.foreign_cpu_share) {
    reasons.push(
      `processes outside the run took ${pct(foreign.share)} of the machine's CPU (limit ${pct(limits.foreign_cpu_share)}; ` +
        `the run's own took ${pct(foreign.run_share)}, worst second ${pct(foreign.max_second_share)} foreign): other load on this machine, not the pipeline, shaped the numbers`,
    );
    advice.add('other processes took the CPU this run needed: run it when the machine is quiet, or on a machine of its own');
  }
  const undelivered = figures.undelivered_advices ?? 0;
  if (undelivered > 0) {
    reasons.push(
      `${undelivered} stand-in advice${undelivered === 1 ? '' : 's'} never left faultline's own store-and-forward queue (never sent, or given up inside the driver before the request was written): whether the pipeline would post ${undelivered === 1 ? 'it' : 'them'} is unknown`,
    );
    advice.add('the driver could not deliver what the card network owed: lower --rate, give the run more cores, or raise drain_s');
  }
  return { ok: reasons.length === 0, reasons, advice: [...advice], figures, limits };
}
