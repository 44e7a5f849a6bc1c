// The money invariants checked after the run, with their offending ids.
import type { InvariantResult, Summary } from '../../summary/types.ts';
import { count } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';

export function invariantPill(inv: InvariantResult): SafeHtml {
  if (inv.ok) return html`<span class="pill ok">ok</span>`;
  if (inv.validity === 'unknown' && inv.not_judged) return html`<span class="pill unknown" title="${inv.not_judged}">not judged</span>`;
  return inv.validity === 'unknown' ? html`<span class="pill unknown">unknown</span>` : html`<span class="pill fail">fail</span>`;
}

export function invariantsTable(summary: Summary, compact = false): SafeHtml {
  if (summary.invariants.length === 0) return html`<p class="empty">No invariants were checked.</p>`;
  return html`<div class="table-scroll"><table class="invariants">
  <thead><tr><th></th><th>invariant</th><th>detail</th><th class="num">offending</th></tr></thead>
  <tbody>${summary.invariants.map(
    (inv) => html`<tr data-invariant="${inv.name}" data-ok="${inv.ok ? 'true' : 'false'}"><td>${invariantPill(inv)}</td><td><b>${inv.name}</b></td><td>${inv.detail}${
      !inv.ok && inv.offending.length > 0
        ? html`<div class="ids">${(compact ? inv.offending.slice(0, 5) : inv.offending).map((id) => html`<code class="offending-id">${id}</code>`)}${
            inv.count > (compact ? Math.min(5, inv.offending.length) : inv.offending.length)
              ? html`<span class="muted">… and ${count(inv.count - (compact ? Math.min(5, inv.offending.length) : inv.offending.length))} more</span>`
              : ''
          }</div>`
        : ''
    }</td><td class="num ${inv.ok ? '' : 'bad'}">${count(inv.count)}</td></tr>`,
  )}</tbody>
</table></div>`;
}

export function invariantsSection(summary: Summary): SafeHtml {
  return html`<section class="card" id="invariants">
  <h2>Money invariants</h2>
  ${invariantsTable(summary)}
</section>`;
}
