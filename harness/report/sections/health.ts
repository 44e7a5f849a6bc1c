// "Run health": each figure the run measured of its own health (the driver's event loop, send lateness,
// fault activation, the pipeline before the first fault) against its limit, so a reader sees at a glance
// whether the machine, not the pipeline, shaped the numbers. The limits and their meaning are documented
// in harness/gate/validity.ts; the comparisons here are the same ones judgeValidity makes.
import type { Summary } from '../../summary/types.ts';
import { count, ms, pct } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';

export type HealthState = 'ok' | 'broken' | 'unmeasured';

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

function check(
  id: string,
  label: string,
  value: number | null | undefined,
  text: (v: number) => string,
  limit: string,
  broken: (v: number) => boolean,
  detail: string,
  /** What to show when there is no value: "n/a" when the figure does not apply to this run. */
  missing = 'not measured',
): HealthCheck {
  if (!finite(value)) return { id, label, value: missing, limit, state: 'unmeasured', detail };
  return { id, label, value: text(value), limit, state: broken(value) ? 'broken' : 'ok', detail };
}

/** One check per validity figure, in the order validity.ts documents them. */
export function healthChecks(summary: Summary): HealthCheck[] {
  const { figures: f, limits: l } = summary.validity;
  const loop = f.event_loop_delay_ms;
  const late = f.send_lateness_ms;
  const sent = late.sends > 0;
  const out: HealthCheck[] = [
    check('event_loop_p99', 'Driver event-loop delay p99', loop.p99, ms, `≤ ${limitMs(l.event_loop_delay_p99_ms)}`, (v) => v > l.event_loop_delay_p99_ms, `p50 ${ms(loop.p50)}`),
    check('event_loop_max', 'Driver event-loop delay max', loop.max, ms, `≤ ${limitMs(l.event_loop_delay_max_ms)}`, (v) => v > l.event_loop_delay_max_ms, 'longest stall of the driver'),
    check(
      'send_lateness_p99',
      'Send lateness p99',
      sent ? late.p99 : null,
      ms,
      `≤ ${limitMs(l.send_lateness_p99_ms)}`,
      (v) => v > l.send_lateness_p99_ms,
      sent ? `p50 ${ms(late.p50)} · max ${ms(late.max)}` : 'no scheduled sends',
      sent ? 'not measured' : 'n/a',
    ),
    check(
      'late_share',
      'Sends > 10 ms late',
      sent ? late.late_share : null,
      (v) => pct(v, 1),
      `≤ ${pct(l.late_share, 1)}`,
      (v) => v > l.late_share,
      sent && finite(late.late_share) ? `${count(late.late_share * late.sends)} of ${count(late.sends)} sends` : 'no scheduled sends',
      sent ? 'not measured' : 'n/a',
    ),
  ];

  const applied = f.fault_activation.filter((a) => a.late_ms !== null);
  const never = f.fault_activation.filter((a) => a.late_ms === null).map((a) => a.fault);
  const worst = applied.reduce<(typeof applied)[number] | undefined>((w, a) => (w === undefined || (a.late_ms as number) > (w.late_ms as number) ? a : w), undefined);
  const activationDetail =
    summary.faults.length === 0
      ? 'no fault windows'
      : [worst ? `worst: ${worst.fault}` : '', never.length ? `never took effect: ${never.join(', ')}` : ''].filter(Boolean).join(' · ');
  out.push(
    check(
      'fault_activation',
      'Fault activation lag',
      worst?.late_ms,
      ms,
      `≤ ${limitMs(l.fault_activation_late_ms)}`,
      (v) => v > l.fault_activation_late_ms,
      activationDetail,
      summary.faults.length === 0 ? 'n/a' : never.length ? 'never' : 'not measured',
    ),
  );

  const pre = f.pre_fault && f.pre_fault.authorizations > 0 ? f.pre_fault : null;
  const preDetail = pre
    ? `before the first fault (${pre.start_s}–${pre.end_s} s, ${count(pre.authorizations)} authorizations)`
    : summary.faults.length === 0
      ? 'no fault windows: the whole run is quiet'
      : 'no quiet phase before the first fault';
  // A summary that predates run health has no event-loop figure either: its pre-fault figure was not measured.
  // (A `faultline check` of a k6 run has no event-loop figure either, by design: there it is n/a as for any run.)
  const preMissing = pre || (!finite(loop.p99) && summary.mode !== 'external') ? 'not measured' : 'n/a';
  out.push(
    check(
      'pre_fault_issuer',
      'Issuer success before faults',
      pre?.issuer_success_rate,
      (v) => pct(v, 2),
      `≥ ${pct(l.pre_fault_issuer_success_rate, 0)}`,
      (v) => v < l.pre_fault_issuer_success_rate,
      preDetail,
      preMissing,
    ),
    check('pre_fault_p50', 'Latency p50 before faults', pre?.latency_p50_ms, ms, `≤ ${limitMs(l.pre_fault_latency_p50_ms)}`, (v) => v > l.pre_fault_latency_p50_ms, preDetail, preMissing),
  );
  // A summary written before faultline measured its own health: nothing here was measured, nothing is n/a.
  if (!finite(loop.p99) && !finite(loop.max) && late.sends === 0 && f.fault_activation.length === 0) {
    return out.map((c) => ({ ...c, value: 'not measured', state: 'unmeasured', detail: 'not in this summary' }));
  }
  return out;
}

const PILL: Record<HealthState, SafeHtml> = {
  ok: html`<span class="pill ok">ok</span>`,
  broken: html`<span class="pill fail">broken</span>`,
  unmeasured: html`<span class="pill muted">–</span>`,
};

export function healthSection(summary: Summary): SafeHtml {
  const checks = healthChecks(summary);
  const broken = checks.filter((c) => c.state === 'broken').length;
  const measured = checks.some((c) => c.state !== 'unmeasured');
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
  <p class="note">The harness’s own health, measured over the run after the warm-up. A broken limit makes the verdict inconclusive (exit 4) unless money was lost; limits are set per scenario (<code>validity:</code>) and documented in <code>harness/gate/validity.ts</code>.</p>
</section>`;
}
