// The gate's checks: thresholds (k6 syntax) and the baseline comparison with its noise bands.
import { worseDirection } from '../../gate/baseline.ts';
import { formatMetricValue } from '../../summary/lines.ts';
import type { BaselineDelta, Summary } from '../../summary/types.ts';
import { html, type SafeHtml } from '../html.ts';

function status(ok: boolean): SafeHtml {
  return ok ? html`<span class="pill ok">ok</span>` : html`<span class="pill fail">fail</span>`;
}

/** "n/a" for a recovery threshold on a window that lasts to the end of traffic (nothing to recover in). */
function noData(summary: Summary, metric: string): string {
  if (!metric.startsWith('recovery_seconds')) return 'no data';
  const fault = /\{fault:([^}]+)\}/.exec(metric)?.[1];
  const faults = summary.faults.filter((f) => fault === undefined || f.name === fault);
  return faults.length > 0 && faults.every((f) => f.recovery_applicable === false) ? 'n/a' : 'never';
}

export function thresholdsTable(summary: Summary): SafeHtml {
  if (summary.thresholds.length === 0) return html`<p class="empty">The scenario sets no thresholds.</p>`;
  const judged = summary.verdict !== 'inconclusive';
  return html`<div class="table-scroll"><table class="thresholds">
  <thead><tr><th></th><th>metric</th><th>expression</th><th class="num">actual</th></tr></thead>
  <tbody>${summary.thresholds.map((t) =>
    t.not_applicable !== undefined
      ? html`<tr data-ok="n/a"><td><span class="pill skipped" title="not applicable: this run cannot produce the metric">n/a</span></td><td><code>${t.metric}</code></td><td><code>${t.expression}</code></td><td class="num muted" data-not-applicable>n/a: ${t.not_applicable}</td></tr>`
      : html`<tr data-ok="${t.ok ? 'true' : 'false'}"><td>${judged || t.ok ? status(t.ok) : html`<span class="pill skipped" title="not judged: the run is inconclusive">missed</span>`}</td><td><code>${t.metric}</code></td><td><code>${t.expression}</code></td><td class="num ${t.ok ? '' : judged ? 'bad' : 'warn'}">${
        t.actual === null ? noData(summary, t.metric) : value(t.metric, t.actual)
      }</td></tr>`,
  )}</tbody>
</table></div>${judged ? '' : html`<p class="note">Not judged: the run is inconclusive, so a missed threshold is shown for information and is not a failure.</p>`}`;
}

/** The unit a metric's values are in, for display. */
function unit(metric: string): string {
  if (metric.startsWith('authorization_latency')) return ' ms';
  if (metric.startsWith('recovery_seconds')) return ' s';
  if (metric.startsWith('load_error_pct')) return '%';
  return '';
}

function value(metric: string, v: number | null): string {
  if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return metric.startsWith('recovery_seconds') ? 'never' : '–';
  return formatMetricValue(metric, v) + unit(metric);
}

function deltaCell(d: BaselineDelta): SafeHtml {
  const delta = d.delta as number | null;
  if (delta === null || !Number.isFinite(delta)) return html`<td class="num ${d.ok ? '' : 'bad'}">${d.ok ? '–' : 'never recovered'}</td>`;
  const better = worseDirection(d.metric) === 'lower' ? delta > 0 : delta < 0;
  const cls = delta === 0 ? 'muted' : better ? 'delta-up' : d.ok ? 'muted' : 'delta-down';
  const text = `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${formatMetricValue(d.metric, Math.abs(delta))}${unit(d.metric)}`;
  return html`<td class="num ${cls}">${text}</td>`;
}

export function baselineTable(summary: Summary): SafeHtml {
  const b = summary.baseline;
  if (!b) {
    if (summary.verdict === 'inconclusive') return html`<p class="empty">Not compared with a baseline: an inconclusive run is never compared (nor kept as a baseline).</p>`;
    return html`<p class="empty">No baseline given (<code>--baseline &lt;summary.json&gt;</code>).</p>`;
  }
  return html`<p class="note">Baseline: <code>${b.file}</code> · ${b.ok ? 'no regression beyond noise' : 'regressed'}</p>
<div class="table-scroll"><table class="baseline">
  <thead><tr><th></th><th>metric</th><th class="num">baseline</th><th class="num">this run</th><th class="num">delta</th><th class="num">tolerance</th></tr></thead>
  <tbody>${b.deltas.map(
    (d) =>
      html`<tr data-ok="${d.ok ? 'true' : 'false'}"><td>${status(d.ok)}</td><td><code>${d.metric}</code></td><td class="num">${value(d.metric, d.baseline)}</td><td class="num">${value(d.metric, d.actual)}</td>${deltaCell(d)}<td class="num muted">±${value(d.metric, d.tolerance)}</td></tr>`,
  )}</tbody>
</table></div>`;
}

export function checksSection(summary: Summary): SafeHtml {
  return html`<section class="card" id="checks">
  <h2>Thresholds and baseline</h2>
  <h3>Thresholds</h3>${thresholdsTable(summary)}
  <h3>Baseline comparison</h3>${baselineTable(summary)}
</section>`;
}
