// The trend page: one self-contained HTML file (the report's styles and uPlot inlined, nothing loaded from
// the network) with, per group of comparable runs, a chart and a table row for every gated metric over the
// nights, its band each night, and each night's verdict. Inconclusive and incomplete nights are shown and
// marked, never hidden and never drawn on the line as if they were comparable. Every string that came from
// a summary goes through html`` (escaped) or jsonForScript.
import { METRICS } from '../gate/metrics.ts';
import { jsonForScript } from '../report/escape.ts';
import { html, trusted, type SafeHtml } from '../report/html.ts';
import { REPORT_CSS } from '../report/styles.ts';
import { trendAssets } from './assets.ts';
import { bandOf, trendChartData, tickLabel } from './chart-data.ts';
import { type Night, type NightVerdict, type TrendGroup, type TrendSeries } from './model.ts';
import type { NightPoint } from './night-metrics.ts';
import { TREND_CSS } from './styles.ts';
import { formatValue, type Unit } from './units.ts';

export interface TrendPageOptions {
  /** What the page is about: the folder of run folders. */
  title: string;
  /** The link from the page to a run folder (its report), relative to where the page is written. */
  linkFor(dir: string): string;
  /** A run folder's name on the page (its path under the folder of nights). */
  nameFor(dir: string): string;
  /** summary.json files skipped, one line each naming the file and why. */
  skipped: string[];
  generatedAt: string;
}

const DATA_ID = 'faultline-trend-data';

const VERDICT: Record<NightVerdict, { label: string; cls: string }> = {
  passed: { label: 'PASSED', cls: 'pass' },
  failed: { label: 'FAILED', cls: 'fail' },
  inconclusive: { label: 'INCONCLUSIVE', cls: 'inconclusive' },
  incomplete: { label: 'INCOMPLETE', cls: 'incomplete' },
};

function verdictBadge(v: NightVerdict, small = false): SafeHtml {
  return html`<span class="badge ${VERDICT[v].cls}${small ? ' small' : ''}" data-verdict="${v}">${VERDICT[v].label}</span>`;
}

function familyNote(family: string): string {
  const spec = METRICS.get(family);
  if (spec) return spec.description;
  return 'a baseline family: compared with the kept baseline within its noise band';
}

type CellState = 'ok' | 'breach' | 'ungated' | 'none' | 'not-comparable';

function cellState(point: NightPoint, night: Night): CellState {
  if (point.value === null && !point.never) return 'none';
  if (!night.comparable) return 'not-comparable';
  if (point.ok === false) return 'breach';
  if (point.ok === true) return 'ok';
  return 'ungated';
}

const STATE_NOTE: Record<CellState, string> = {
  ok: 'within its band',
  breach: 'outside its band',
  ungated: 'not gated this night',
  none: 'no value this night',
  'not-comparable': 'not comparable: the night was not judged',
};

function cellText(series: TrendSeries, point: NightPoint): string {
  if (point.never) return 'never';
  return formatValue(series.meta.unit, point.value);
}

function cellTitle(point: NightPoint, state: CellState): string {
  const limits = point.limits.map((l) => `${l.source}: ${l.text}`);
  return [STATE_NOTE[state], ...limits].join('\n');
}

/** The night's band in a few characters (`≥ 99.38%`, `≤ 3.0 s`); the cell's title has every limit in full. */
function bandText(series: TrendSeries, point: NightPoint): string {
  const { lo, hi } = bandOf(point);
  const unit = series.meta.unit;
  if (lo !== null && hi !== null) return lo === hi ? `= ${formatValue(unit, lo)}` : `${formatValue(unit, lo)} – ${formatValue(unit, hi)}`;
  if (lo !== null) return `≥ ${formatValue(unit, lo)}`;
  if (hi !== null) return `≤ ${formatValue(unit, hi)}`;
  return '';
}

function latestText(series: TrendSeries, nights: Night[]): SafeHtml {
  for (let i = series.points.length - 1; i >= 0; i--) {
    const p = series.points[i] as NightPoint;
    if (p.value === null && !p.never) continue;
    const night = nights[i] as Night;
    return html`<span class="latest ${cellState(p, night)}">${cellText(series, p)}</span>`;
  }
  return html`<span class="latest none">–</span>`;
}

function chartCell(gi: number, si: number, series: TrendSeries, group: TrendGroup): SafeHtml {
  return html`<figure class="trend-cell" data-metric="${series.meta.id}" data-family="${series.meta.family}">
<figcaption title="${series.meta.family}: ${familyNote(series.meta.family)}"><code>${series.meta.id}</code>${latestText(series, group.nights)}</figcaption>
<div class="trend-chart" data-trend-chart data-group="${gi}" data-series="${si}" data-metric="${series.meta.id}" data-nights="${group.nights.length}"></div>
<div class="readout">hover a night for its value, band and verdict</div>
</figure>`;
}

/** The page's sections of charts, by unit: related metrics side by side whatever gate module they come from. */
const UNIT_SECTIONS: ReadonlyArray<{ title: string; units: readonly Unit[] }> = [
  { title: 'Success rates', units: ['rate'] },
  { title: 'Latency', units: ['ms'] },
  { title: 'Recovery', units: ['s'] },
  { title: 'Failed and unknown authorizations', units: ['count'] },
  { title: 'Load and retries', units: ['pct', 'ratio', 'number'] },
];

function chartSections(gi: number, group: TrendGroup): SafeHtml[] {
  return UNIT_SECTIONS.flatMap(({ title, units }) => {
    const cells = group.series.flatMap((s, si) => (units.includes(s.meta.unit) ? [chartCell(gi, si, s, group)] : []));
    if (cells.length === 0) return [];
    const families = [...new Set(group.series.filter((s) => units.includes(s.meta.unit)).map((s) => s.meta.family))];
    return [
      html`<div class="trend-section"><h3>${title}</h3><p class="note">${families.map((f, i) => html`${i ? ' · ' : ''}<code title="${familyNote(f)}">${f}</code>`)}</p><div class="trend-grid">${cells}</div></div>`,
    ];
  });
}

function nightHead(night: Night, i: number): SafeHtml {
  return html`<th class="num night-head${night.comparable ? '' : ' not-comparable'}" data-night="${i}" data-verdict="${night.verdict}" title="${night.started_at}">${verdictBadge(night.verdict, true)}<br><span class="mono">${tickLabel(night.started_at)}</span></th>`;
}

function metricsTable(group: TrendGroup): SafeHtml {
  const rows = group.series.map(
    (s) => html`<tr data-metric="${s.meta.id}"><td><code>${s.meta.id}</code></td>${s.points.map((p, i) => {
      const night = group.nights[i] as Night;
      const state = cellState(p, night);
      const band = state === 'not-comparable' ? 'not judged' : bandText(s, p);
      return html`<td class="num cell ${state}" data-night="${i}" data-state="${state}" title="${cellTitle(p, state)}">${cellText(s, p)}${
        band && state !== 'none' ? html`<div class="limit">${band}</div>` : ''
      }</td>`;
    })}</tr>`,
  );
  return html`<div class="table-scroll"><table class="trend-table metrics"><thead><tr><th>metric</th>${group.nights.map(nightHead)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function nightsTable(group: TrendGroup, options: TrendPageOptions): SafeHtml {
  const rows = group.nights.map((n, i) => {
    const reasons = n.reasons.slice(0, 4);
    const more = n.reasons.length - reasons.length;
    return html`<tr class="night-row${n.comparable ? '' : ' not-comparable'}" data-night="${i}" data-verdict="${n.verdict}">
<td class="num">${i + 1}</td>
<td class="mono nowrap">${n.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</td>
<td>${verdictBadge(n.verdict)}${n.comparable ? '' : html`<div class="note">not compared with the other nights</div>`}</td>
<td class="num">${n.duration_s} s</td>
<td>${n.baseline ? html`<code>${n.baseline}</code>` : html`<span class="muted">${n.comparable ? 'thresholds only' : 'nothing: not judged'}</span>`}</td>
<td><a href="${options.linkFor(n.dir)}">${options.nameFor(n.dir)}</a></td>
<td><ul class="why-lines">${reasons.map((r) => html`<li>${r}</li>`)}${more > 0 ? html`<li>… and ${more} more</li>` : ''}</ul></td>
</tr>`;
  });
  return html`<div class="table-scroll"><table class="trend-table nights"><thead><tr><th class="num">#</th><th>started (UTC)</th><th>verdict</th><th class="num">duration</th><th>compared with</th><th>run folder</th><th>why</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function groupSection(group: TrendGroup, gi: number, options: TrendPageOptions): SafeHtml {
  const first = group.nights[0];
  const last = group.nights[group.nights.length - 1];
  const counts = countVerdicts(group.nights);
  return html`<section class="card trend-group" id="group-${gi}" data-group="${gi}" data-group-key="${group.key}" data-nights="${group.nights.length}">
<h2>${group.key}</h2>
<p class="group-meta">${group.nights.length} night${group.nights.length === 1 ? '' : 's'}${
    first && last ? html`, ${first.started_at} to ${last.started_at}` : ''
  } · ${countsText(counts)}${group.dropped ? html` · <span class="muted">${group.dropped} earlier night${group.dropped === 1 ? '' : 's'} left out (--last)</span>` : ''}</p>
<div class="nights-strip">${group.nights.map((n, i) => html`<span class="night-chip" data-night="${i}" title="${n.started_at}: ${n.verdict}">${verdictBadge(n.verdict, true)}</span>`)}</div>
${chartSections(gi, group)}
${group.unmeasured.length ? html`<p class="note unmeasured" data-unmeasured="${group.unmeasured.join(' ')}">No value on any night (not measured for this scenario): ${group.unmeasured.map((f, i) => html`${i ? ', ' : ''}<code>${f}</code>`)}.</p>` : ''}
<h3>Every gated metric, night by night</h3>
${metricsTable(group)}
<h3>Nights</h3>
${nightsTable(group, options)}
</section>`;
}

function countVerdicts(nights: Night[]): Record<NightVerdict, number> {
  const out: Record<NightVerdict, number> = { passed: 0, failed: 0, inconclusive: 0, incomplete: 0 };
  for (const n of nights) out[n.verdict]++;
  return out;
}

function countsText(c: Record<NightVerdict, number>): string {
  return (Object.keys(c) as NightVerdict[])
    .filter((v) => c[v] > 0)
    .map((v) => `${c[v]} ${v}`)
    .join(', ');
}

const HOW_TO_READ = html`<section class="card how-to-read" id="how-to-read"><h2>How to read it</h2>
<ul class="trend-legend">
<li><span class="key line"></span>a metric over the nights that were judged (passed or failed), one point per run, oldest left</li>
<li><span class="key band"></span>its band that night: where it met every limit it was held to, the tolerance around the baseline when the run was compared with one, else its thresholds; dashed edges are the limits</li>
<li><span class="key breach"></span>a value outside its band that night</li>
<li><span class="key not-comparable"></span>an inconclusive or incomplete night: shown, hollow and off the line, never compared (the machine, not the pipeline, shaped its numbers, or it was interrupted)</li>
<li><span class="key strip"></span>each night's verdict along the bottom: ${verdictBadge('passed', true)} ${verdictBadge('failed', true)} ${verdictBadge('inconclusive', true)} ${verdictBadge('incomplete', true)}</li>
<li><b class="bad">never</b> at the top: the fault healed and the success rate never came back that night</li>
</ul></section>`;

export function trendHtml(groups: TrendGroup[], options: TrendPageOptions): string {
  const assets = trendAssets();
  const nights = groups.flatMap((g) => g.nights);
  const counts = countVerdicts(nights);
  const started = nights.map((n) => n.started_at).sort();
  const body = html`<header class="top"><div class="wrap">
  <div class="brand"><b>▲</b> faultline trend</div>
  <div class="title"><h1>${options.title}</h1></div>
  <p class="desc">Every gated metric over the nights, its band and each night's verdict.</p>
  <div class="meta trend-counts"><span><b>${nights.length}</b> runs</span><span><b>${groups.length}</b> group${groups.length === 1 ? '' : 's'}</span>${(Object.keys(counts) as NightVerdict[]).map(
    (v) => html`<span data-count="${v}"><b>${counts[v]}</b> ${v}</span>`,
  )}${started.length ? html`<span>from <b>${started[0]}</b> to <b>${started[started.length - 1]}</b></span>` : ''}${
    options.skipped.length ? html`<span><a href="#skipped" style="color:#ffb3ad"><b>${options.skipped.length}</b> summary.json skipped</a></span>` : ''
  }</div>
  <nav class="sections">${groups.map((g, i) => html`<a href="#group-${i}">${g.key}</a>`)}</nav>
</div></header>
<main><div class="wrap">
${HOW_TO_READ}
${options.skipped.length ? html`<section class="card skipped" id="skipped"><h2>Skipped</h2><ul>${options.skipped.map((s) => html`<li class="mono">${s}</li>`)}</ul></section>` : ''}
${groups.map((g, i) => groupSection(g, i, options))}
<footer>faultline trend · built ${options.generatedAt} from ${nights.length} summary.json files</footer>
</div></main>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="faultline">
<title>trend · ${options.title} · faultline</title>
<style>${trusted(assets.uplotCss)}</style>
<style>${trusted(REPORT_CSS)}${trusted(TREND_CSS)}</style>
</head>
<body>
${body}
<script type="application/json" id="${DATA_ID}">${trusted(jsonForScript(trendChartData(groups)))}</script>
<script>${trusted(assets.uplotJs)}</script>
<script>${trusted(assets.trendJs)}</script>
</body>
</html>
`.value;
}
