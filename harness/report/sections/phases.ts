// The fault windows (scheduled vs applied, healed, recovery) and the per-phase table: before, during and
// after each fault. A window that starts at 0 has no before phase and one that lasts to the end of traffic
// has no after phase (and no recovery: "n/a"); the table says so instead of showing an empty phase. The
// warm-up is in no phase: its own numbers are one line above the table.
import type { FaultSummary, PhaseSummary, Summary } from '../../summary/types.ts';
import { faultColor } from '../chart-data.ts';
import { count, ms, pct, rateClass, recovery, secs } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { warmupLine } from './timeline.ts';

const NA_TITLE = 'the window lasts to the end of traffic: there is no after phase to recover in, so recovery is not measured';

function faultRecovery(f: FaultSummary): { text: string; cls: string; title: string } {
  const applicable = f.recovery_applicable !== false;
  const text = recovery(f.recovery_s, f.healed_s !== null, applicable);
  if (!applicable) return { text, cls: 'muted', title: NA_TITLE };
  const never = f.healed_s !== null && (f.recovery_s === null || !Number.isFinite(f.recovery_s));
  return { text, cls: never ? 'bad' : '', title: '' };
}

export function faultsTable(summary: Summary): SafeHtml {
  if (summary.faults.length === 0) return html`<p class="empty">No fault windows.</p>`;
  return html`<div class="table-scroll"><table class="faults">
  <thead><tr><th>fault window</th><th>kind</th><th>target</th><th class="num">scheduled</th><th class="num">applied</th><th class="num">lag</th><th class="num">healed</th><th class="num">recovery</th><th>note</th></tr></thead>
  <tbody>${summary.faults.map((f, i) => {
    const lagMs = f.applied_s === null ? null : Math.round((f.applied_s - f.scheduled_s) * 1000);
    const lag = lagMs === null ? '–' : `${lagMs} ms`;
    const lagCls = lagMs !== null && lagMs > summary.validity.limits.fault_activation_late_ms ? 'bad' : lagMs !== null && Math.abs(lagMs) > 50 ? 'warn' : '';
    const rec = faultRecovery(f);
    return html`<tr data-fault="${f.name}" data-recovery="${rec.text}"><td><span class="swatch" style="background:${faultColor(i).stroke}"></span><b>${f.name}</b></td><td><code>${f.fault}</code></td><td>${f.target}</td><td class="num">${secs(f.scheduled_s)}–${secs(f.scheduled_end_s)}</td><td class="num">${secs(f.applied_s, 2)}</td><td class="num ${lagCls}">${lag}</td><td class="num">${secs(f.healed_s, 2)}</td><td class="num ${rec.cls}"${rec.title ? html` title="${rec.title}"` : ''}>${rec.text}</td><td class="${f.error ? 'bad' : 'muted'}">${
      f.error ?? (f.recovery_applicable === false ? 'lasts to the end of traffic: no after phase, recovery not measured' : '')
    }</td></tr>`;
  })}</tbody>
</table></div>`;
}

function phaseRow(p: PhaseSummary, summary: Summary, compact: boolean): SafeHtml {
  const fault = p.fault === null ? undefined : summary.faults.find((f) => f.name === p.fault);
  const rec = p.name === 'after' && fault ? faultRecovery(fault) : { text: '', cls: '', title: '' };
  const has = p.authorizations > 0;
  return html`<tr data-phase="${p.name}" data-fault="${p.fault ?? ''}"><td>${p.name === 'whole' ? 'whole run' : p.name}</td><td class="num">${secs(p.start_s)}–${secs(p.end_s)}</td><td class="num">${count(p.authorizations)}</td><td class="num ${rateClass(has ? p.success_rate : null)}">${has ? pct(p.success_rate) : '–'}</td>${
    compact ? '' : html`<td class="num">${has ? pct(p.issuer_success_rate) : '–'}</td><td class="num" data-approval="${p.approval_rate ?? ''}">${pct(p.approval_rate)}</td><td class="num">${ms(p.latency_ms.p50)}</td>`
  }<td class="num">${ms(p.latency_ms.p99)}</td>${compact ? '' : html`<td class="num">${ms(p.latency_ms.max)}</td>`}<td class="num ${rec.cls}">${rec.text}</td></tr>`;
}

/** A muted row where a fault window has no before or after phase, saying why. */
function absentRow(name: 'before' | 'after', fault: FaultSummary | undefined, compact: boolean): SafeHtml {
  const why =
    name === 'before'
      ? `none: the window starts at ${secs(fault?.scheduled_s ?? 0)}, where the measured part of the run starts`
      : 'none: the window lasts to the end of traffic, so there is nothing to recover in (recovery n/a)';
  return html`<tr class="absent" data-absent="${name}"><td class="muted">${name}</td><td class="muted" colspan="${compact ? 4 : 8}">${why}</td><td class="num muted">${
    name === 'after' ? 'n/a' : ''
  }</td></tr>`;
}

const ORDER: Record<PhaseSummary['name'], number> = { whole: 0, before: 1, during: 2, after: 3 };

export function phaseTable(summary: Summary, compact = false): SafeHtml {
  if (summary.phases.length === 0) return html`<p class="empty">No phases recorded.</p>`;
  const groups = new Map<string, PhaseSummary[]>();
  for (const p of summary.phases) {
    const key = p.fault ?? '';
    const list = groups.get(key) ?? [];
    list.push(p);
    groups.set(key, list);
  }
  return html`<div class="table-scroll"><table class="phases">
  <thead><tr><th>phase</th><th class="num">window</th><th class="num">authorizations</th><th class="num">success</th>${
    compact ? '' : html`<th class="num">issuer success</th><th class="num" title="approved / (approved + declined)">approval</th><th class="num">p50</th>`
  }<th class="num">p99</th>${compact ? '' : html`<th class="num">max</th>`}<th class="num">recovery</th></tr></thead>
  <tbody>${[...groups.entries()].map(([fault, phases]) => {
    const f = summary.faults.find((x) => x.name === fault);
    const head = fault
      ? html`<tr class="group"><td colspan="${compact ? 6 : 10}">${fault}${f ? html` <span class="muted">· ${f.fault} → ${f.target}</span>` : ''}</td></tr>`
      : '';
    const sorted = [...phases].sort((a, b) => ORDER[a.name] - ORDER[b.name]);
    const rows: SafeHtml[] = sorted.map((p) => phaseRow(p, summary, compact));
    if (fault && sorted.some((p) => p.name === 'during')) {
      if (!sorted.some((p) => p.name === 'before')) rows.unshift(absentRow('before', f, compact));
      if (!sorted.some((p) => p.name === 'after')) rows.push(absentRow('after', f, compact));
    }
    return html`${head}${rows}`;
  })}</tbody>
</table></div>`;
}

export function phasesSection(summary: Summary): SafeHtml {
  return html`<section class="card" id="phases">
  <h2>Fault windows and phases</h2>
  ${faultsTable(summary)}
  <h3>Per phase: before, during and after each fault</h3>
  ${warmupLine(summary) ? html`<p class="warmup-line" data-warmup="${summary.warmup.duration_s}">${warmupLine(summary)}</p>` : ''}
  ${phaseTable(summary)}
  <p class="note">Recovery: from a fault’s end until the per-second success rate was back within its threshold. Lag: how late the fault took effect after its schedule.</p>
</section>`;
}
