// Declines: every issuer decline by its reason code, and the false declines (invariant declines-justified) by
// reason, by the hop that decided them and by fault window, with the first offenders (ids, accounts and
// amounts only: never a card number). Shown whenever the summary has them, false declines or not.
import type { DeclineSummary, Summary } from '../../summary/types.ts';
import { count, share } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';

const REASON_TEXT: Record<string, string> = {
  insufficient_funds: 'the available balance was below the amount',
  unknown_account: 'no such account',
  currency_mismatch: "not the account's currency",
  card_mismatch: "not the account's card",
  reversed: 'its reversal arrived first',
  '(none)': 'no reason code: a false decline',
  standin_declined: "the network's stand-in, over the per-card limit",
};

function sorted(table: Record<string, number>): [string, number][] {
  return Object.entries(table).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function countTable(cls: string, head: string, table: Record<string, number>, total: number, text = false): SafeHtml {
  const rows = sorted(table);
  if (rows.length === 0) return html`<p class="empty">None.</p>`;
  return html`<table class="${cls}">
  <thead><tr><th>${head}</th><th class="num">count</th><th class="num">share</th>${text ? html`<th>meaning</th>` : ''}</tr></thead>
  <tbody>${rows.map(
    ([key, n]) => html`<tr data-key="${key}"><td><code>${key}</code></td><td class="num">${count(n)}</td><td class="num">${share(n, total)}</td>${
      text ? html`<td class="muted">${REASON_TEXT[key] ?? 'not a reason code of the contract: a false decline'}</td>` : ''
    }</tr>`,
  )}</tbody>
</table>`;
}

function falseDeclines(d: DeclineSummary): SafeHtml {
  const f = d.false_declines;
  if (f.total === 0) return html`<p class="good" data-false-declines="0">0 false declines: every decline is justified by the book.</p>`;
  return html`<p class="bad" data-false-declines="${f.total}"><b>${count(f.total)} false decline${f.total === 1 ? '' : 's'}</b>: declines the book does not justify (a technical failure wearing a decline's clothes).</p>
  <div class="grid3">
    <div><h3>By reason</h3>${countTable('false-by-reason', 'reason', f.by_reason, f.total)}</div>
    <div><h3>By hop</h3>${countTable('false-by-hop', 'decided at', f.by_hop, f.total)}</div>
    <div><h3>By fault window</h3>${countTable('false-by-fault', 'fault window', f.by_fault, f.total)}</div>
  </div>
  <h3>First false declines</h3>
  <div class="table-scroll"><table class="false-declines">
  <thead><tr><th>authorization</th><th>reason</th><th>account</th><th class="num">amount</th><th class="num">lowest available</th><th>hop</th><th>fault</th><th>what the book says</th></tr></thead>
  <tbody>${f.first.map(
    (x) => html`<tr data-id="${x.id}"><td><code class="offending-id">${x.id}</code></td><td><code>${x.reason}</code></td><td><code>${x.account_id}</code></td><td class="num">${
      x.amount === null ? '–' : `${count(x.amount)}${x.currency ? ` ${x.currency}` : ''}`
    }</td><td class="num">${x.lowest_available === null ? '–' : count(x.lowest_available)}</td><td><code>${x.hop}</code></td><td>${x.faults.length ? x.faults.join(', ') : html`<span class="muted">none</span>`}</td><td>${x.why}</td></tr>`,
  )}</tbody>
</table></div>${f.total > f.first.length ? html`<p class="note">… and ${count(f.total - f.first.length)} more (summary.json keeps the first ${f.first.length}).</p>` : ''}`;
}

export function declinesSection(summary: Summary): SafeHtml {
  const d = summary.declines;
  if (!d) return html``;
  return html`<section class="card" id="declines">
  <h2>Declines</h2>
  <p class="note">${count(d.total)} issuer decline${d.total === 1 ? '' : 's'} and ${count(d.standin_declined)} stand-in decline${d.standin_declined === 1 ? '' : 's'}, warm-up included: each reason is checked against the ledger's book at the time of the request.</p>
  <h3>Issuer declines by reason</h3>
  <div class="table-scroll">${countTable('declines-by-reason', 'reason', d.by_reason, d.total, true)}</div>
  <h3>False declines</h3>
  ${falseDeclines(d)}
</section>`;
}
