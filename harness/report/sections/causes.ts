// Why authorizations failed: causes per hop (where in the pipeline) and per fault window (which fault).
import type { Summary } from '../../summary/types.ts';
import { count } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';

function sumOf(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

export function causesByHop(summary: Summary): SafeHtml {
  const hops = Object.entries(summary.causes).filter(([, causes]) => sumOf(causes) > 0);
  if (hops.length === 0) return html`<p class="empty">No failed or unknown authorizations.</p>`;
  const totals = new Map<string, number>();
  for (const [, causes] of hops) for (const [c, n] of Object.entries(causes)) totals.set(c, (totals.get(c) ?? 0) + n);
  const columns = [...totals.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([c]) => c);
  hops.sort((a, b) => sumOf(b[1]) - sumOf(a[1]));
  return html`<div class="table-scroll"><table class="causes-hop">
  <thead><tr><th>hop</th>${columns.map((c) => html`<th class="num">${c}</th>`)}<th class="num">total</th></tr></thead>
  <tbody>${hops.map(
    ([hop, causes]) =>
      html`<tr><td><code>${hop}</code></td>${columns.map((c) => html`<td class="num">${causes[c] ? count(causes[c]) : html`<span class="muted">·</span>`}</td>`)}<td class="num"><b>${count(sumOf(causes))}</b></td></tr>`,
  )}</tbody>
</table></div>`;
}

/** Splits "processor->ledger:timeout" into hop and cause. */
function splitKey(key: string): [string, string] {
  const i = key.lastIndexOf(':');
  return i < 0 ? [key, ''] : [key.slice(0, i), key.slice(i + 1)];
}

export function causesByFault(summary: Summary): SafeHtml {
  const faults = Object.entries(summary.causes_by_fault).filter(([, causes]) => sumOf(causes) > 0);
  if (faults.length === 0) return html`<p class="empty">No failures attributed to a fault window.</p>`;
  return html`<div class="table-scroll"><table class="causes-fault">
  <thead><tr><th>fault window</th><th>hop</th><th>cause</th><th class="num">authorizations</th></tr></thead>
  <tbody>${faults.map(([fault, causes]) => {
    const rows = Object.entries(causes)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    return html`<tr class="group"><td colspan="3">${fault}</td><td class="num">${count(sumOf(causes))}</td></tr>${rows.map(([key, n]) => {
      const [hop, cause] = splitKey(key);
      return html`<tr><td></td><td><code>${hop}</code></td><td>${cause}</td><td class="num">${count(n)}</td></tr>`;
    })}`;
  })}</tbody>
</table></div>`;
}

export function causesSection(summary: Summary): SafeHtml {
  return html`<section class="card" id="causes">
  <h2>Failure causes</h2>
  <div class="grid2">
    <div><h3>Per hop</h3>${causesByHop(summary)}</div>
    <div><h3>Per fault window</h3>${causesByFault(summary)}</div>
  </div>
  <p class="note">Failed, unknown and stand-in authorizations, by the hop where the request failed and why.</p>
</section>`;
}
