// The rest of the traffic: app reads, load accuracy, reversals, advices and how unknowns were resolved.
import type { LoadModelName, Summary } from '../../summary/types.ts';
import { count, pct, rate, rateClass, share } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';

function kv(rows: ReadonlyArray<readonly [string, string | SafeHtml]>): SafeHtml {
  return html`<dl class="kv">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

export function appBlock(summary: Summary): SafeHtml {
  const app = summary.app;
  return kv([
    ['app reads', count(app.total)],
    ['success rate', html`<span class="${rateClass(app.total > 0 ? app.success_rate : null)}"><b>${app.total > 0 ? pct(app.success_rate) : '–'}</b></span>`],
    ['balance', `${count(app.balance.ok)} / ${count(app.balance.total)} ok (${share(app.balance.ok, app.balance.total)})`],
    ['feed', `${count(app.feed.ok)} / ${count(app.feed.total)} ok (${share(app.feed.ok, app.feed.total)})`],
  ]);
}

/** How each load model is named in the report. */
const MODEL_LABELS: Readonly<Record<LoadModelName, string>> = { open: 'open (arrival schedule)', closed: 'closed (connections)' };

export function loadBlock(summary: Summary): SafeHtml {
  const l = summary.load;
  const error = l.target_rate > 0 ? `${((100 * Math.abs(l.achieved_rate - l.target_rate)) / l.target_rate).toFixed(2)}%` : '–';
  return kv([
    ['model', MODEL_LABELS[l.model] ?? l.model],
    ['target rate', l.target_rate > 0 ? rate(l.target_rate) : '–'],
    ['achieved rate', html`<b>${rate(l.achieved_rate)}</b> <span class="muted">(off by ${error})</span>`],
    ['sent', count(l.sent)],
    ['late', html`<span class="${l.late > 0 ? 'warn' : ''}">${count(l.late)}</span> <span class="muted">(${share(l.late, l.sent)})</span>`],
    ['dropped', html`<span class="${l.dropped > 0 ? 'bad' : ''}">${count(l.dropped)}</span> <span class="muted">(never sent, counted)</span>`],
    ['retry amplification', `${Number.isFinite(summary.retry_amplification) ? summary.retry_amplification.toFixed(2) : '–'} ledger attempts per authorization`],
  ]);
}

export function settlementBlock(summary: Summary): SafeHtml {
  const adv = summary.advices;
  const u = summary.unknown_resolution;
  const r = summary.reversals;
  return kv([
    ['advices queued', count(adv.queued)],
    ['advices delivered', html`${count(adv.delivered)} <span class="muted">in ${count(adv.attempts)} attempts</span>`],
    ['advices pending', html`<span class="${adv.pending > 0 ? 'bad' : ''}">${count(adv.pending)}</span>`],
    ['unknown', count(u.total)],
    ['… held in the ledger', count(u.held)],
    ['… not held', count(u.not_held)],
    ['… unresolved', html`<span class="${u.unresolved > 0 ? 'bad' : ''}">${count(u.unresolved)}</span>`],
    ['reversals', `${count(r.ok)} / ${count(r.total)} ok`],
  ]);
}

export function trafficSection(summary: Summary): SafeHtml {
  return html`<section class="card" id="traffic">
  <h2>App, load and settlement</h2>
  <div class="grid3">
    <div><h3>App (balance and feed)</h3>${appBlock(summary)}</div>
    <div><h3>Load accuracy</h3>${loadBlock(summary)}</div>
    <div><h3>Advices, unknowns, reversals</h3>${settlementBlock(summary)}</div>
  </div>
</section>`;
}
