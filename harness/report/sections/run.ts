// How to repeat the run: scenario, seed, router (and its tuning override), stand-in, the mocks replaced by
// the user's own services, versions and the one command.
import type { ReplacedService, Summary } from '../../summary/types.ts';
import { DEFENCE_SPECS, isDefenceName } from '../../../services/router/defences.ts';
import { html, type SafeHtml } from '../html.ts';

/** `ejection=off, attempt_timeout_ms=300 (ejection off: no endpoint is ever ejected: …)`; '' when none. */
export function routerTuningLine(tuning: Record<string, string | number> | undefined): string {
  const entries = Object.entries(tuning ?? {});
  if (entries.length === 0) return '';
  const off = entries.filter(([k, v]) => isDefenceName(k) && v === 'off').map(([k]) => `${k} off: ${isDefenceName(k) ? DEFENCE_SPECS[k].off : ''}`);
  return `${entries.map(([k, v]) => `${k}=${v}`).join(', ')}${off.length ? ` (${off.join('; ')})` : ''}`;
}

/** `ledger by command "node my-ledger.js" (2 replicas)` or `card-processor by URL http://127.0.0.1:9000`. */
export function replacedText(r: ReplacedService): string {
  return r.by === 'url' ? `${r.service} by URL ${r.what}` : `${r.service} by command "${r.what}" (${r.replicas} replica${r.replicas === 1 ? '' : 's'})`;
}

/** Where the load came from when another tool sent it (`faultline check` of a k6 run). */
function loadSourceRow(l: NonNullable<Summary['load_source']>): [string, string] {
  const notDone = l.not_done.length ? `; not done by the script: ${l.not_done.join('; ')}` : '';
  const derived = Object.entries(l.derived ?? {});
  const derivedText = derived.length ? `; missing and derived: ${derived.map(([field, n]) => `${field} (${n})`).join(', ')}` : '';
  return ['load', `${l.tool}, ${l.file}: ${l.requests} requests, ${l.dropped_iterations} iterations dropped by k6${notDone}${derivedText}`];
}

export function commandBox(summary: Summary, id: string): SafeHtml {
  return html`<div class="command"><pre><code id="${id}">${summary.command}</code></pre><button type="button" data-copy="${id}">copy</button></div>`;
}

export function runSection(summary: Summary): SafeHtml {
  const rows: Array<[string, string]> = [
    ['scenario', summary.scenario],
    ['description', summary.description],
    ['seed', String(summary.seed)],
    ['router policy', summary.router],
    ['router tuning', routerTuningLine(summary.router_tuning) || 'none: every defence on, default knobs'],
    ['stand-in', summary.standin ? 'on' : 'off'],
    ['mode', summary.mode],
    summary.mode === 'external'
      ? ['replaced', 'not known: faultline did not start this pipeline']
      : ['replaced', summary.replaced?.length ? summary.replaced.map(replacedText).join('; ') : 'none: every service is faultline\'s mock'],
    ...(summary.load_source ? [loadSourceRow(summary.load_source)] : []),
    ['duration', `${summary.duration_s} s`],
    ['started', summary.started_at],
    ['faultline', summary.versions.faultline],
    ['node', summary.versions.node],
    ['platform', summary.versions.platform],
    ['history', summary.files.history],
  ];
  return html`<section class="card" id="run">
  <h2>Repeat this run</h2>
  ${commandBox(summary, 'command')}
  <dl class="kv" style="margin-top:14px">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
</section>`;
}
