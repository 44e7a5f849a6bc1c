// "Run health": each figure the run measured of the machine it ran on (the driver's event loop, send
// lateness, fault activation, the CPU processes outside the run took, advices the driver never delivered)
// against its limit, so a reader sees at a glance whether the machine, not the pipeline, shaped the
// numbers. The limits and their meaning are documented in harness/gate/validity.ts; the comparisons here
// are the same ones judgeValidity makes. The pipeline's own health before the first fault is shown for
// information only: a slow or failing pipeline is compared and fails, it never makes a run inconclusive.
import type { Summary } from '../../summary/types.ts';
import { count, ms, pct } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';

export type HealthState = 'ok' | 'broken' | 'unmeasured' | 'info';

export interface HealthCheck {
  id: string;
  label: string;
  value: string;
  limit: string;
  state: HealthState;
  detail: string;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
/** A limit as it is written in a scenario: "50 ms", "1 s". */
const limitMs = (v: number): string => (v >= 1000 ? `${+(v / 1000).toPrecision(3)} s` : `${+v.toPrecision(3)} ms`);

/** One figure held to its limit. */
interface LimitCheck {
  id: string;
  label: string;
  value: number | null | undefined;
  text: (v: number) => string;
  limit: string;
  broken: (v: number) => boolean;
  detail: string;
  /** What to show when there is no value: "n/a" when the figure does not apply to this run (default "not measured"). */
  missing?: string;
}

function check(c: LimitCheck): HealthCheck {
  const { id, label, value, limit, detail } = c;
  if (!finite(value)) return { id, label, value: c.missing ?? 'not measured', limit, state: 'unmeasured', detail };
  return { id, label, value: c.text(value), limit, state: c.broken(value) ? 'broken' : 'ok', detail };
}

/** A figure shown for information: never held to a limit. */
function info(id: string, label: string, value: number | null | undefined, text: (v: number) => string, detail: string, missing: string): HealthCheck {
  const limit = 'none: information';
  if (!finite(value)) return { id, label, value: missing, limit, state: 'unmeasured', detail };
  return { id, label, value: text(value), limit, state: 'info', detail };
}

/** One check per validity figure, in the order validity.ts documents them, then the information tiles. */
export function healthChecks(summary: Summary): HealthCheck[] {
  const { figures: f, limits: l } = summary.validity;
  const loop = f.event_loop_delay_ms;
  const late = f.send_lateness_ms;
  const sent = late.sends > 0;
  const out: HealthCheck[] = [
    check({
      id: 'event_loop_p99',
      label: 'Driver event-loop delay p99',
      value: loop.p99,
      text: ms,
      limit: `≤ ${limitMs(l.event_loop_delay_p99_ms)}`,
      broken: (v) => v > l.event_loop_delay_p99_ms,
      detail: `p50 ${ms(loop.p50)}`,
    }),
    check({
      id: 'event_loop_max',
      label: 'Driver event-loop delay max',
      value: loop.max,
      text: ms,
      limit: `≤ ${limitMs(l.event_loop_delay_max_ms)}`,
      broken: (v) => v > l.event_loop_delay_max_ms,
      detail: 'longest stall of the driver',
    }),
    check({
      id: 'send_lateness_p99',
      label: 'Send lateness p99',
      value: sent ? late.p99 : null,
      text: ms,
      limit: `≤ ${limitMs(l.send_lateness_p99_ms)}`,
      broken: (v) => v > l.send_lateness_p99_ms,
      detail: sent ? `p50 ${ms(late.p50)} · max ${ms(late.max)}` : 'no scheduled sends',
      missing: sent ? 'not measured' : 'n/a',
    }),
    check({
      id: 'late_share',
      label: 'Sends > 10 ms late',
      value: sent ? late.late_share : null,
      text: (v) => pct(v, 1),
      limit: `≤ ${pct(l.late_share, 1)}`,
      broken: (v) => v > l.late_share,
      detail: sent && finite(late.late_share) ? `${count(late.late_share * late.sends)} of ${count(late.sends)} sends` : 'no scheduled sends',
      missing: sent ? 'not measured' : 'n/a',
    }),
  ];

  out.push(activationCheck(summary), ...machineChecks(summary));

  const pre = f.pre_fault && f.pre_fault.authorizations > 0 ? f.pre_fault : null;
  const preDetail = pre
    ? `before the first fault (${pre.start_s}–${pre.end_s} s, ${count(pre.authorizations)} authorizations): the pipeline’s own, judged by thresholds and the baseline`
    : summary.faults.length === 0
      ? 'no fault windows: the whole run is quiet'
      : 'no quiet phase before the first fault';
  // A summary that predates run health has no event-loop figure either: its pre-fault figure was not measured.
  // (A `faultline check` of a k6 run has no event-loop figure either, by design: there it is n/a as for any run.)
  const preMissing = pre || (!finite(loop.p99) && summary.mode !== 'external') ? 'not measured' : 'n/a';
  out.push(
    info('pre_fault_issuer', 'Issuer success before faults', pre?.issuer_success_rate, (v) => pct(v, 2), preDetail, preMissing),
    info('pre_fault_p50', 'Latency p50 before faults', pre?.latency_p50_ms, ms, preDetail, preMissing),
  );
  // A summary written before faultline measured its own health: nothing here was measured, nothing is n/a.
  if (!finite(loop.p99) && !finite(loop.max) && late.sends === 0 && f.fault_activation.length === 0) {
    return out.map((c) => ({ ...c, value: 'not measured', state: 'unmeasured', detail: 'not in this summary' }));
  }
  return out;
}

/** How late the faults took effect: the worst one, and those that never did. */
function activationCheck(summary: Summary): HealthCheck {
  const { figures: f, limits: l } = summary.validity;
  const applied = f.fault_activation.filter((a) => a.late_ms !== null);
  const never = f.fault_activation.filter((a) => a.late_ms === null).map((a) => a.fault);
  const worst = applied.reduce<(typeof applied)[number] | undefined>((w, a) => (w === undefined || (a.late_ms as number) > (w.late_ms as number) ? a : w), undefined);
  const activationDetail =
    summary.faults.length === 0
      ? 'no fault windows'
      : [worst ? `worst: ${worst.fault}` : '', never.length ? `never took effect: ${never.join(', ')}` : ''].filter(Boolean).join(' · ');
  return check({
    id: 'fault_activation',
    label: 'Fault activation lag',
    value: worst?.late_ms,
    text: ms,
    limit: `≤ ${limitMs(l.fault_activation_late_ms)}`,
    broken: (v) => v > l.fault_activation_late_ms,
    detail: activationDetail,
    missing: summary.faults.length === 0 ? 'n/a' : never.length ? 'never' : 'not measured',
  });
}

/** The CPU other processes took, and the advices the driver never delivered. */
function machineChecks(summary: Summary): HealthCheck[] {
  const { figures: f, limits: l } = summary.validity;
  const cpu = f.foreign_cpu;
  const cpuLimit = finite(l.foreign_cpu_share) ? l.foreign_cpu_share : Number.POSITIVE_INFINITY;
  return [
    check({
      id: 'foreign_cpu',
      label: 'CPU taken by other processes',
      value: cpu?.share,
      text: (v) => pct(v, 1),
      limit: finite(l.foreign_cpu_share) ? `≤ ${pct(l.foreign_cpu_share, 0)}` : 'not set',
      broken: (v) => v > cpuLimit,
      detail: cpu
        ? [
            `the run's own ${pct(cpu.run_share, 1)} · machine busy ${pct(cpu.busy_share, 1)} · worst second ${pct(cpu.max_second_share, 0)}`,
            `${cpu.cpus} core${cpu.cpus === 1 ? '' : 's'}, ${count(cpu.run_processes)} run processes`,
            cpu.pressure_some === null ? '' : `CPU pressure ${pct(cpu.pressure_some, 0)}`,
          ]
            .filter(Boolean)
            .join(' · ')
        : f.foreign_cpu === undefined
          ? 'not in this summary'
          : 'needs Linux /proc; not measured in compose mode',
    }),
    check({
      id: 'undelivered_advices',
      label: 'Advices faultline never delivered',
      value: f.undelivered_advices,
      text: (v) => count(v),
      limit: '0',
      broken: (v) => v > 0,
      detail: finite(f.undelivered_advices) && f.undelivered_advices > 0
        ? 'still in the driver’s own queue, never seen by the issuer: their fate is unknown'
        : f.undelivered_advices === undefined
          ? 'not in this summary'
          : 'every advice owed reached the issuer',
    }),
  ];
}

const PILL: Record<HealthState, SafeHtml> = {
  ok: html`<span class="pill ok">ok</span>`,
  broken: html`<span class="pill fail">broken</span>`,
  unmeasured: html`<span class="pill muted">–</span>`,
  info: html`<span class="pill muted">info</span>`,
};

export function healthSection(summary: Summary): SafeHtml {
  const checks = healthChecks(summary);
  const broken = checks.filter((c) => c.state === 'broken').length;
  const measured = checks.some((c) => c.state === 'ok' || c.state === 'broken');
  const state = !summary.validity.ok || broken > 0 ? 'broken' : measured ? 'ok' : 'unmeasured';
  const headline =
    state === 'broken'
      ? `${broken || summary.validity.reasons.length} limit${(broken || summary.validity.reasons.length) === 1 ? '' : 's'} broken: the machine, not the pipeline, shaped this run's numbers`
      : state === 'ok'
        ? 'every figure within its limit: the machine kept up, the numbers are the pipeline’s'
        : 'not measured: this summary was written before faultline measured its own health';
  return html`<section class="card health ${state}" id="health" data-health="${state}">
  <h2>Run health <span class="health-headline ${state === 'broken' ? 'bad' : state === 'ok' ? 'good' : 'muted'}">${headline}</span></h2>
  <div class="health-grid">${checks.map(
    (c) => html`<div class="health-tile ${c.state}" data-check="${c.id}" data-state="${c.state}">
    <div class="label">${c.label}</div>
    <div class="value">${c.value}</div>
    <div class="limit">${PILL[c.state]}<span>limit ${c.limit}</span></div>
    <div class="sub">${c.detail}</div>
  </div>`,
  )}</div>
  <p class="note">The machine’s health, measured over the run after the warm-up: the driver, the fault plane, and the CPU taken by processes outside the run. A broken limit makes the verdict inconclusive (exit 4) unless money was lost; limits are set per scenario (<code>validity:</code>) and documented in <code>harness/gate/validity.ts</code>. The pipeline’s own figures before its first fault are information: a pipeline slow or failing on a healthy machine is compared with its thresholds and baseline, and fails.</p>
</section>`;
}
