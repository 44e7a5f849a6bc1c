// Authorization outcomes: a stacked bar and a table with each outcome's count and share.
import { AUTH_OUTCOMES, type AuthOutcome } from '../../history/record.ts';
import type { Summary } from '../../summary/types.ts';
import { count, pct, rateClass, share } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';

export const OUTCOME_TEXT: Record<AuthOutcome, string> = {
  approved: 'issuer approved: a hold was placed',
  declined: 'issuer declined (a business decline, e.g. insufficient funds)',
  standin_approved: 'the network approved on the issuer’s behalf; advice posted later',
  standin_declined: 'the network declined in stand-in (over the per-card limit)',
  failed: 'no usable answer and no stand-in: the customer’s payment failed',
  unknown: 'timed out; resolved against the ledger after the run',
};

export function outcomeBar(summary: Summary): SafeHtml {
  const total = summary.authorizations.total;
  return html`<div class="outcome-bar" role="img" aria-label="authorization outcomes">${AUTH_OUTCOMES.map((o) => {
    const n = summary.authorizations[o];
    if (!(total > 0) || n <= 0) return '';
    const width = ((100 * n) / total).toFixed(3);
    return html`<span class="o-${o}" style="width:${width}%" title="${o}: ${count(n)} (${share(n, total)})"></span>`;
  })}</div>`;
}

export function outcomesTable(summary: Summary, withText = true): SafeHtml {
  const a = summary.authorizations;
  return html`<table class="outcomes">
  <thead><tr><th>outcome</th><th class="num">count</th><th class="num">share</th>${withText ? html`<th>meaning</th>` : ''}</tr></thead>
  <tbody>
  ${AUTH_OUTCOMES.map(
    (o) => html`<tr data-outcome="${o}"><td><span class="swatch o-${o}"></span>${o}</td><td class="num">${count(a[o])}</td><td class="num">${share(a[o], a.total)}</td>${
      withText ? html`<td class="muted">${OUTCOME_TEXT[o]}</td>` : ''
    }</tr>`,
  )}
  <tr class="group"><td>total</td><td class="num">${count(a.total)}</td><td class="num"></td>${withText ? html`<td></td>` : ''}</tr>
  <tr><td>success rate</td><td class="num ${rateClass(a.success_rate)}">${pct(a.success_rate)}</td><td></td>${
    withText ? html`<td class="muted">(approved + declined + stand-in) / total: a technical failure is never a decline</td>` : ''
  }</tr>
  <tr><td>issuer success rate</td><td class="num ${rateClass(a.issuer_success_rate)}">${pct(a.issuer_success_rate)}</td><td></td>${
    withText ? html`<td class="muted">(approved + declined) / total: without stand-in</td>` : ''
  }</tr>
  <tr data-rate="approval"><td>approval rate</td><td class="num">${pct(a.approved + a.declined > 0 ? a.approved / (a.approved + a.declined) : null)}</td><td></td>${
    withText ? html`<td class="muted">approved / (approved + declined): of what the issuer answered, how much it approved</td>` : ''
  }</tr>
  </tbody>
</table>`;
}

export function outcomesSection(summary: Summary): SafeHtml {
  return html`<section class="card" id="outcomes">
  <h2>Authorization outcomes</h2>
  ${outcomeBar(summary)}
  <div class="table-scroll">${outcomesTable(summary)}</div>
</section>`;
}
