// The top of a run's page: title bar with the verdict badge, the verdict and why, and the headline numbers.
import type { Summary, Verdict } from '../../summary/types.ts';
import { count, ms, pct, rate, rateClass } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { routerTuningLine } from './run.ts';

export interface Status {
  label: 'PASSED' | 'FAILED' | 'INCONCLUSIVE';
  /** CSS class and data-verdict value. */
  cls: 'pass' | 'fail' | 'inconclusive';
  /** The verdict as a word in a sentence. */
  word: Verdict;
}

const STATUS: Record<Verdict, Status> = {
  passed: { label: 'PASSED', cls: 'pass', word: 'passed' },
  failed: { label: 'FAILED', cls: 'fail', word: 'failed' },
  inconclusive: { label: 'INCONCLUSIVE', cls: 'inconclusive', word: 'inconclusive' },
};

export function statusOf(summary: Summary): Status {
  return STATUS[summary.verdict] ?? STATUS.failed;
}

export function badge(summary: Summary): SafeHtml {
  const status = statusOf(summary);
  return html`<span class="badge ${status.cls}" data-verdict="${status.cls}">${status.label}</span>${
    summary.incomplete ? html` <span class="badge interrupted" title="interrupted: the run covers only part of its schedule">INCOMPLETE</span>` : ''
  }`;
}

export function runLabel(summary: Summary): string {
  return `${summary.router} router, stand-in ${summary.standin ? 'on' : 'off'}`;
}

export function header(summary: Summary, nav: ReadonlyArray<readonly [string, string]>): SafeHtml {
  const started = summary.started_at ? summary.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–';
  return html`<header class="top">
  <div class="wrap">
    <div class="brand"><b>▲</b> faultline report</div>
    <div class="title"><h1>${summary.scenario}</h1>${badge(summary)}</div>
    <p class="desc">${summary.description}</p>
    <div class="meta">
      <span>router <b>${summary.router}</b></span>
      ${tuningSpan(summary)}
      <span>stand-in <b>${summary.standin ? 'on' : 'off'}</b></span>
      <span>seed <b>${summary.seed}</b></span>
      <span>duration <b>${summary.duration_s} s</b></span>
      <span>mode <b>${summary.mode}</b></span>
      ${summary.replaced?.length ? html`<span title="mocks replaced by your own services (see Repeat this run)">replaced <b>${summary.replaced.map((r) => `${r.service} (${r.by})`).join(', ')}</b></span>` : ''}
      <span>started <b>${started}</b></span>
    </div>
    <nav class="sections">${nav.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav>
  </div>
</header>`;
}

export function verdictPanel(summary: Summary): SafeHtml {
  const status = statusOf(summary);
  const invOk = summary.invariants.filter((i) => i.ok).length;
  const thrOk = summary.thresholds.filter((t) => t.ok).length;
  const lines = reasonLines(summary);
  const judged = summary.verdict !== 'inconclusive';
  return html`<section class="card verdict ${status.cls}" id="verdict">
  <h2>Verdict: ${status.word}</h2>
  <ul class="verdict-lines">${lines.map((line) => html`<li>${line}</li>`)}</ul>
  <p class="note">${invOk}/${summary.invariants.length} invariants hold · ${
    judged ? `${thrOk}/${summary.thresholds.length} thresholds met` : `thresholds not judged (${thrOk}/${summary.thresholds.length} would be met)`
  }${
    summary.baseline
      ? ` · ${summary.baseline.deltas.filter((d) => d.ok).length}/${summary.baseline.deltas.length} baseline metrics within tolerance`
      : judged
        ? ''
        : ' · not compared with a baseline'
  }${summary.verdict === 'failed' && !summary.validity.ok ? ' · the run’s own health was also broken (see Run health)' : ''}</p>
</section>`;
}

/** The verdict's reason lines, or one line saying what the verdict is when none were recorded. */
export function reasonLines(summary: Summary): string[] {
  if (summary.reasons.length) return summary.reasons;
  if (summary.verdict === 'passed') return ['all checks passed'];
  return [summary.verdict === 'inconclusive' ? 'inconclusive (no reason recorded)' : 'failed (no reason recorded)'];
}

/** The lowest success rate of any `during` phase, or null without faults. */
export function worstDuring(summary: Summary): number | null {
  const rates = summary.phases.filter((p) => p.name === 'during' && p.authorizations > 0).map((p) => p.success_rate);
  return rates.length ? Math.min(...rates) : null;
}

/**
 * The longest recovery: a number, 'never' if any healed fault never recovered, null without healed faults
 * whose recovery is measured (a window lasting to the end of traffic has none).
 */
export function worstRecovery(summary: Summary): number | 'never' | null {
  const healed = summary.faults.filter((f) => f.healed_s !== null && f.recovery_applicable !== false);
  if (healed.length === 0) return null;
  if (healed.some((f) => f.recovery_s === null || !Number.isFinite(f.recovery_s))) return 'never';
  return Math.max(...healed.map((f) => f.recovery_s as number));
}

/** The worst recovery as a reader sees it: "12.0 s", "never" (bad), "n/a" (the fault lasts to the end) or "–". */
export function worstRecoveryText(summary: Summary): { text: string; cls: '' | 'bad' | 'muted' } {
  const rec = worstRecovery(summary);
  if (rec === 'never') return { text: 'never', cls: 'bad' };
  if (rec !== null) return { text: `${rec.toFixed(1)} s`, cls: '' };
  if (summary.faults.some((f) => f.recovery_applicable === false)) return { text: 'n/a', cls: 'muted' };
  return { text: '–', cls: '' };
}

function kpi(label: string, value: string, sub: string, cls = ''): SafeHtml {
  return html`<div class="kpi ${cls}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
}

export function kpis(summary: Summary): SafeHtml {
  const a = summary.authorizations;
  const success = a.total > 0 ? a.success_rate : null;
  const issuer = a.total > 0 ? a.issuer_success_rate : null;
  const during = worstDuring(summary);
  const rec = worstRecovery(summary);
  const recText = worstRecoveryText(summary);
  const invFailed = summary.invariants.filter((i) => !i.ok).length;
  return html`<div class="kpis">
  ${kpi('Success rate', pct(success), `${count(a.total)} authorizations`, rateClass(success))}
  ${kpi('Issuer success', pct(issuer), 'answered by the issuer itself', rateClass(issuer))}
  ${kpi('Worst in a fault', during === null ? '–' : pct(during), during === null ? 'no fault windows' : 'lowest during a fault window', rateClass(during))}
  ${kpi('Latency p99', a.total > 0 ? ms(summary.latency_ms.p99) : '–', `p50 ${ms(summary.latency_ms.p50)} · max ${ms(summary.latency_ms.max)}`)}
  ${kpi(
    'Recovery',
    recText.text,
    rec !== null
      ? 'slowest, after a fault healed'
      : summary.faults.some((f) => f.recovery_applicable === false)
        ? 'n/a: the fault lasts to the end'
        : 'no healed faults',
    recText.cls === 'bad' ? 'bad' : '',
  )}
  ${kpi('Invariants', invFailed ? `${invFailed} failed` : 'all hold', `${summary.invariants.length} money checks`, invFailed ? 'bad' : 'good')}
  ${kpi('Achieved rate', rate(summary.load.achieved_rate), `target ${summary.load.target_rate > 0 ? rate(summary.load.target_rate) : '–'}, ${summary.load.model} model`)}
</div>`;
}

/** The router tuning override in the header (defences switched off stand out): nothing when none. */
function tuningSpan(summary: Summary): SafeHtml | '' {
  const entries = Object.entries(summary.router_tuning ?? {});
  if (entries.length === 0) return '';
  const off = entries.filter(([, v]) => v === 'off').map(([k]) => k);
  return html`<span title="${routerTuningLine(summary.router_tuning)}" data-router-tuning>router tuning <b>${entries.map(([k, v]) => `${k}=${v}`).join(', ')}</b>${
    off.length ? html` <b class="warn">(${off.length === 1 ? 'defence' : 'defences'} off: ${off.join(', ')})</b>` : ''
  }</span>`;
}
