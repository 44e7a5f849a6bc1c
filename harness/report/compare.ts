// Two runs side by side on one page: the naive vs hardened demo of monzo-2017. Outcomes, success-rate
// and latency charts with their fault windows, phase tables, invariants and the deltas between them.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { join, relative, resolve } from 'node:path';
import type { Summary } from '../summary/types.ts';
import { chartData, latencyRange } from './chart-data.ts';
import { count, ms, pct, rateClass } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { readSummary } from './load.ts';
import { page } from './page.ts';
import { distortions } from './inconclusive.ts';
import { badge, reasonLines, runLabel, statusOf, worstDuring, worstRecoveryText } from './sections/header.ts';
import { invariantsTable } from './sections/invariants.ts';
import { outcomeBar, outcomesTable } from './sections/outcomes.ts';
import { phaseTable } from './sections/phases.ts';
import { commandBox } from './sections/run.ts';
import { chart, faultLegend } from './sections/timeline.ts';

export interface Comparison {
  html: string;
  /** The written page: `<outDir>/index.html`. */
  file: string;
}

export interface ComparisonSide {
  tag: 'A' | 'B';
  summary: Summary;
  source: string;
  /** Link from the comparison page to the run's own report, when it exists. */
  href: string | null;
}

/** What tells the two runs apart, for titles: the router, stand-in or scenario. */
export function sideLabel(s: Summary, other: Summary): string {
  if (s.scenario !== other.scenario) return `${s.scenario} (${s.router})`;
  if (s.router !== other.router) return `${s.router}${s.standin === other.standin ? '' : s.standin ? ' + stand-in' : ', no stand-in'}`;
  if (s.standin !== other.standin) return s.standin ? 'stand-in on' : 'stand-in off';
  return `seed ${s.seed}`;
}

interface Row {
  label: string;
  a: number | null;
  b: number | null;
  fmt: (v: number | null) => string;
  /** What to show instead of a missing value, per side (e.g. "n/a" for a recovery that is not measured). */
  missing?: [string, string];
  /** Which direction is better. */
  better: 'higher' | 'lower';
  /** Delta format: rates in percentage points. */
  kind: 'rate' | 'ms' | 'count' | 's';
}

function duringRate(s: Summary, fault: string): number | null {
  const p = s.phases.find((x) => x.name === 'during' && x.fault === fault && x.authorizations > 0);
  return p ? p.success_rate : null;
}

function duringP99(s: Summary, fault: string): number | null {
  const p = s.phases.find((x) => x.name === 'during' && x.fault === fault && x.authorizations > 0);
  return p ? p.latency_ms.p99 : null;
}

function recoveryOf(s: Summary, fault: string): number | null {
  const f = s.faults.find((x) => x.name === fault);
  if (!f || f.healed_s === null || f.recovery_applicable === false) return null;
  return f.recovery_s === null || !Number.isFinite(f.recovery_s) ? Number.POSITIVE_INFINITY : f.recovery_s;
}

/** approved / (approved + declined); null when the issuer answered nothing. */
function wholeApprovalRate(s: Summary): number | null {
  const answered = s.authorizations.approved + s.authorizations.declined;
  return answered > 0 ? s.authorizations.approved / answered : null;
}

function rows(a: Summary, b: Summary): Row[] {
  const rate = (v: number | null) => pct(v);
  const out: Row[] = [
    { label: 'authorization success rate', a: a.authorizations.success_rate, b: b.authorizations.success_rate, fmt: rate, better: 'higher', kind: 'rate' },
    { label: 'issuer success rate', a: a.authorizations.issuer_success_rate, b: b.authorizations.issuer_success_rate, fmt: rate, better: 'higher', kind: 'rate' },
    { label: 'approval rate', a: wholeApprovalRate(a), b: wholeApprovalRate(b), fmt: rate, better: 'higher', kind: 'rate' },
  ];
  const faults = [...new Set([...a.faults.map((f) => f.name), ...b.faults.map((f) => f.name)])];
  for (const f of faults) {
    out.push({ label: `success during ${f}`, a: duringRate(a, f), b: duringRate(b, f), fmt: rate, better: 'higher', kind: 'rate' });
  }
  out.push(
    { label: 'latency p50', a: a.latency_ms.p50, b: b.latency_ms.p50, fmt: ms, better: 'lower', kind: 'ms' },
    { label: 'latency p99', a: a.latency_ms.p99, b: b.latency_ms.p99, fmt: ms, better: 'lower', kind: 'ms' },
  );
  for (const f of faults) out.push({ label: `p99 during ${f}`, a: duringP99(a, f), b: duringP99(b, f), fmt: ms, better: 'lower', kind: 'ms' });
  const recFmt = (v: number | null) => (v === null ? '–' : Number.isFinite(v) ? `${v.toFixed(1)} s` : 'never');
  const missing = (s: Summary, f: string): string => (s.faults.find((x) => x.name === f)?.recovery_applicable === false ? 'n/a' : '–');
  for (const f of faults) {
    out.push({ label: `recovery after ${f}`, a: recoveryOf(a, f), b: recoveryOf(b, f), fmt: recFmt, missing: [missing(a, f), missing(b, f)], better: 'lower', kind: 's' });
  }
  out.push(
    { label: 'failed', a: a.authorizations.failed, b: b.authorizations.failed, fmt: count, better: 'lower', kind: 'count' },
    { label: 'unknown', a: a.authorizations.unknown, b: b.authorizations.unknown, fmt: count, better: 'lower', kind: 'count' },
    {
      label: 'stand-in approved',
      a: a.authorizations.standin_approved,
      b: b.authorizations.standin_approved,
      fmt: count,
      better: 'higher',
      kind: 'count',
    },
    { label: 'app success rate', a: a.app.success_rate, b: b.app.success_rate, fmt: rate, better: 'higher', kind: 'rate' },
    {
      label: 'invariants failed',
      a: a.invariants.filter((i) => !i.ok).length,
      b: b.invariants.filter((i) => !i.ok).length,
      fmt: count,
      better: 'lower',
      kind: 'count',
    },
  );
  return out;
}

function deltaCell(row: Row): SafeHtml {
  const { a, b } = row;
  if (a === null || b === null) return html`<td class="num muted">–</td>`;
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    if (a === b) return html`<td class="num muted">±0</td>`;
    const bBetter = row.better === 'lower' ? b < a : b > a;
    return html`<td class="num ${bBetter ? 'delta-up' : 'delta-down'}">${bBetter ? 'recovers' : 'never recovers'}</td>`;
  }
  const d = b - a;
  if (d === 0) return html`<td class="num muted">±0</td>`;
  const better = row.better === 'higher' ? d > 0 : d < 0;
  const sign = d > 0 ? '+' : '−';
  const mag = Math.abs(d);
  const text =
    row.kind === 'rate'
      ? `${sign}${(mag * 100).toFixed(2)} pp`
      : row.kind === 'ms'
        ? `${sign}${ms(mag)}`
        : row.kind === 's'
          ? `${sign}${mag.toFixed(1)} s`
          : `${sign}${count(mag)}`;
  return html`<td class="num ${better ? 'delta-up' : 'delta-down'}">${text}</td>`;
}

function deltaTable(a: ComparisonSide, b: ComparisonSide, la: string, lb: string): SafeHtml {
  return html`<div class="table-scroll"><table class="deltas">
  <thead><tr><th>metric</th><th class="num"><span class="run-tag">A</span>${la}</th><th class="num"><span class="run-tag">B</span>${lb}</th><th class="num">B vs A</th></tr></thead>
  <tbody>${rows(a.summary, b.summary).map(
    (r) =>
      html`<tr><td>${r.label}</td><td class="num ${r.kind === 'rate' ? rateClass(r.a) : ''}">${r.a === null && r.missing ? r.missing[0] : r.fmt(r.a)}</td><td class="num ${
        r.kind === 'rate' ? rateClass(r.b) : ''
      }">${r.b === null && r.missing ? r.missing[1] : r.fmt(r.b)}</td>${deltaCell(r)}</tr>`,
  )}</tbody>
</table></div>`;
}

function runCard(side: ComparisonSide, label: string): SafeHtml {
  const s = side.summary;
  const during = worstDuring(s);
  const rec = worstRecoveryText(s);
  return html`<section class="card verdict ${statusOf(s).cls}" data-run="${side.tag}" data-verdict="${s.verdict}">
  <h2><span class="run-tag">${side.tag}</span>${label} ${badge(s)}</h2>
  <p class="note" style="margin:0 0 10px">${s.scenario} · ${runLabel(s)} · seed ${s.seed} · ${s.duration_s} s${
    side.href ? html` · <a href="${side.href}">full report</a>` : ''
  }</p>
  <div class="kpis small">
    <div class="kpi ${rateClass(s.authorizations.success_rate)}"><div class="label">Success</div><div class="value">${pct(s.authorizations.success_rate)}</div></div>
    <div class="kpi ${rateClass(during)}"><div class="label">Worst in a fault</div><div class="value">${during === null ? '–' : pct(during)}</div></div>
    <div class="kpi"><div class="label">p99</div><div class="value">${ms(s.latency_ms.p99)}</div></div>
    <div class="kpi ${rec.cls}"><div class="label">Recovery</div><div class="value">${rec.text}</div></div>
  </div>
  <ul class="verdict-lines">${reasonLines(s).map((l) => html`<li>${l}</li>`)}</ul>
</section>`;
}

/** A warning above the comparison when either run is inconclusive: its numbers were shaped by the machine. */
function inconclusiveNote(sides: Array<[ComparisonSide, string]>): SafeHtml {
  const bad = sides.filter(([side]) => side.summary.verdict === 'inconclusive');
  if (bad.length === 0) return html``;
  return html`<section class="card banner inconclusive compare-banner" id="inconclusive" role="alert" data-banner="inconclusive">
  <h2><span class="badge inconclusive">INCONCLUSIVE</span> ${
    bad.length === 2 ? 'Both runs are inconclusive' : `Run ${bad[0]?.[0].tag ?? ''} is inconclusive`
  }: the machine, not the pipeline, shaped ${bad.length === 2 ? 'their' : 'its'} numbers, so the deltas below may not be the pipeline’s</h2>
  ${bad.map(
    ([side, label]) => html`<p><span class="run-tag">${side.tag}</span><b>${label}</b></p><ul>${distortions(side.summary).map((l) => html`<li>${l}</li>`)}</ul>`,
  )}
  <p class="banner-note">An inconclusive run is never judged nor compared with a baseline: run it again on a quieter machine (lower the rate, more cores, stop the other load) before reading the comparison.</p>
</section>`;
}

function pair(a: SafeHtml, b: SafeHtml): SafeHtml {
  return html`<div class="compare-head"><div>${a}</div><div>${b}</div></div>`;
}

function sideHeading(side: ComparisonSide, label: string): SafeHtml {
  return html`<h3><span class="run-tag">${side.tag}</span>${label}</h3>`;
}

export function comparisonHtml(a: ComparisonSide, b: ComparisonSide): string {
  const sa = a.summary;
  const sb = b.summary;
  const la = sideLabel(sa, sb);
  const lb = sideLabel(sb, sa);
  const title = sa.scenario === sb.scenario ? `${sa.scenario}: ${la} vs ${lb}` : `${la} vs ${lb}`;
  const body = html`<header class="top"><div class="wrap">
  <div class="brand"><b>▲</b> faultline comparison</div>
  <div class="title"><h1>${title}</h1></div>
  <p class="desc">${sa.description}</p>
  <div class="meta"><span><span class="run-tag">A</span><b>${la}</b> ${badge(sa)}</span><span><span class="run-tag">B</span><b>${lb}</b> ${badge(sb)}</span></div>
  <nav class="sections"><a href="#runs">Runs</a><a href="#deltas">Deltas</a><a href="#timeline">Over time</a><a href="#outcomes">Outcomes</a><a href="#phases">Phases</a><a href="#invariants">Invariants</a><a href="#repeat">Repeat</a></nav>
</div></header>
<main><div class="wrap">
${inconclusiveNote([
  [a, la],
  [b, lb],
])}
<div id="runs">${pair(runCard(a, la), runCard(b, lb))}</div>
<section class="card" id="deltas"><h2>What changed (B vs A)</h2>${deltaTable(a, b, la, lb)}
  <p class="note">Green: B is better than A; red: B is worse. Rates in percentage points.</p></section>
<section class="card" id="timeline"><h2>Over time</h2>
  ${pair(html`${sideHeading(a, la)}${faultLegend(sa)}`, html`${sideHeading(b, lb)}${faultLegend(sb)}`)}
  ${pair(chart('success', a.source, { height: 240, sync: 'compare' }), chart('success', b.source, { height: 240, sync: 'compare' }))}
  ${pair(chart('latency', a.source, { height: 200, sync: 'compare', title: 'Latency p50, p99 (log scale)' }), chart('latency', b.source, { height: 200, sync: 'compare', title: 'Latency p50, p99 (log scale)' }))}
  <p class="note">Shaded bands are fault windows; a dashed line marks when the success rate recovered. Hovering one chart shows the same second on the other.</p>
</section>
<section class="card" id="outcomes"><h2>Authorization outcomes</h2>
  ${pair(html`${sideHeading(a, la)}${outcomeBar(sa)}${outcomesTable(sa, false)}`, html`${sideHeading(b, lb)}${outcomeBar(sb)}${outcomesTable(sb, false)}`)}
</section>
<section class="card" id="phases"><h2>Phases and recovery</h2>
  ${pair(
    html`${sideHeading(a, la)}${phaseTable(sa, true)}`,
    html`${sideHeading(b, lb)}${phaseTable(sb, true)}`,
  )}
</section>
<section class="card" id="invariants"><h2>Money invariants</h2>
  ${pair(html`${sideHeading(a, la)}${invariantsTable(sa, true)}`, html`${sideHeading(b, lb)}${invariantsTable(sb, true)}`)}
</section>
<section class="card" id="repeat"><h2>Repeat both runs</h2>
  ${sideHeading(a, la)}${commandBox(sa, 'command-a')}
  ${sideHeading(b, lb)}${commandBox(sb, 'command-b')}
</section>
<footer>faultline ${sa.versions.faultline} · built from the two runs’ summary.json</footer>
</div></main>`;
  return page({
    title: `${title} · faultline`,
    body,
    // One latency scale for both runs, so the two charts can be read against each other.
    data: [
      { id: a.source, value: { ...chartData(sa), latency_range: latencyRange([sa, sb]) } },
      { id: b.source, value: { ...chartData(sb), latency_range: latencyRange([sa, sb]) } },
    ],
    charts: true,
  });
}

function reportHref(outDir: string, runDir: string): string | null {
  const file = join(runDir, 'index.html');
  if (!existsSync(file)) return null;
  return relative(resolve(outDir), resolve(file)).split('\\').join('/');
}

/** Writes `<outDir>/index.html` comparing run A with run B (e.g. monzo-2017 naive vs hardened). */
export async function buildComparison(runDirA: string, runDirB: string, outDir: string): Promise<Comparison> {
  const [sa, sb] = await Promise.all([readSummary(runDirA), readSummary(runDirB)]);
  await mkdir(outDir, { recursive: true });
  const htmlText = comparisonHtml(
    { tag: 'A', summary: sa, source: 'faultline-data-a', href: reportHref(outDir, runDirA) },
    { tag: 'B', summary: sb, source: 'faultline-data-b', href: reportHref(outDir, runDirB) },
  );
  const file = join(outDir, 'index.html');
  await writeFileAtomic(file, htmlText);
  return { html: htmlText, file };
}
