// The summary printed at the end of `faultline run`: what was replaced, outcomes, success per phase,
// declines by reason (and the false ones), invariants, verdict.
import type { DeclineSummary, Summary } from '../summary/types.ts';
import { replacedText, routerTuningLine } from '../report/sections/run.ts';
import { notApplicableLine } from '../summary/lines.ts';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);

/** "insufficient_funds 12, card_mismatch 1", largest first. */
const counted = (table: Record<string, number>): string =>
  Object.entries(table)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** The declines line, and the false declines (by reason, hop, fault, the first few) when there are any. */
export function declineLines(d: DeclineSummary): string[] {
  const f = d.false_declines;
  const lines = [`declines ${d.total}${d.total > 0 ? `: ${counted(d.by_reason)}` : ''}; stand-in declines ${d.standin_declined}; false declines ${f.total}`];
  if (f.total > 0) {
    lines.push(`  FALSE DECLINES ${f.total}: by reason ${counted(f.by_reason)}; by hop ${counted(f.by_hop)}; by fault ${counted(f.by_fault)}`);
    for (const x of f.first.slice(0, 3)) {
      const money = x.amount === null ? '' : ` ${x.amount}${x.currency ? ` ${x.currency}` : ''}`;
      const lowest = x.lowest_available === null ? '' : `, lowest available ${x.lowest_available}`;
      lines.push(`    ${x.id} ${x.reason} ${x.account_id}${money}${lowest}: ${x.why}`);
    }
  }
  return lines;
}

/** A figure, or "not measured" when the run could not measure it (NaN or null, e.g. a k6 run's driver loop). */
function measured(v: number | null, unit: string, digits?: number): string {
  if (v === null || !Number.isFinite(v)) return 'not measured';
  return `${digits === undefined ? v : v.toFixed(digits)}${unit}`;
}

export function printSummary(s: Summary, out: (line: string) => void): void {
  const a = s.authorizations;
  out('');
  out(`${s.scenario}  router=${s.router}  stand-in=${s.standin ? 'on' : 'off'}  seed=${s.seed}  ${s.duration_s}s (+${s.warmup?.duration_s ?? 0}s warm-up, not gated)${s.incomplete ? '  (INCOMPLETE)' : ''}`);
  if (s.replaced?.length) out(`replaced: ${s.replaced.map(replacedText).join('; ')}`);
  if (s.router_tuning && Object.keys(s.router_tuning).length > 0) out(`router tuning: ${routerTuningLine(s.router_tuning)}`);
  out(`authorizations ${a.total}: approved ${a.approved}, declined ${a.declined}, stand-in ${a.standin_approved}/${a.standin_declined}, failed ${a.failed}, unknown ${a.unknown}`);
  const answered = a.approved + a.declined;
  out(`success rate ${pct(a.success_rate)} (issuer ${pct(a.issuer_success_rate)}), approval rate ${pct(answered > 0 ? a.approved / answered : null)}   latency p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms, max ${s.latency_ms.max} ms`);
  out(`load: ${s.load.model} target ${s.load.target_rate}/s achieved ${s.load.achieved_rate}/s, late ${s.load.late}, dropped ${s.load.dropped}   app reads ${s.app.total} ok ${pct(s.app.success_rate)}`);
  for (const f of s.faults) {
    const phases = s.phases.filter((p) => p.fault === f.name);
    const row = phases.map((p) => `${p.name} ${pct(p.success_rate)}${p.approval_rate !== undefined ? ` (approval ${pct(p.approval_rate)})` : ''}`).join(', ');
    const recovery = f.recovery_applicable === false ? 'n/a (lasts to the end)' : f.recovery_s === null ? 'never' : `${f.recovery_s}s`;
    out(`fault ${f.name} (${f.fault} on ${f.target}) ${f.scheduled_s}-${f.scheduled_end_s}s applied ${f.applied_s ?? '-'}s healed ${f.healed_s ?? '-'}s recovery ${recovery}: ${row}`);
  }
  const v = s.validity;
  if (v) {
    const f = v.figures;
    const cpu = f.foreign_cpu;
    const foreign = cpu
      ? `, other processes' CPU ${(cpu.share * 100).toFixed(1)}% of the machine (limit ${((v.limits.foreign_cpu_share ?? Number.NaN) * 100).toFixed(0)}%; the run's own ${(cpu.run_share * 100).toFixed(1)}%)`
      : cpu === null
        ? ", other processes' CPU not measured"
        : '';
    out(
      `run health: driver loop delay p99 ${measured(f.event_loop_delay_ms.p99, ' ms')}, send lateness p99 ${measured(f.send_lateness_ms.p99, ' ms')} ` +
        `(${measured(f.send_lateness_ms.late_share * 100, '%', 2)} > 10 ms late)${foreign}${v.ok ? ', within limits' : ''}`,
    );
    for (const r of v.reasons) out(`  distorted: ${r}`);
    for (const a of v.advice) out(`  what to do: ${a}`);
  }
  if (s.declines) for (const line of declineLines(s.declines)) out(line);
  const unjudged = s.invariants.filter((i) => !i.ok && i.validity === 'unknown' && i.not_judged);
  const bad = s.invariants.filter((i) => !i.ok && !unjudged.includes(i));
  out(
    `invariants: ${s.invariants.length - bad.length - unjudged.length}/${s.invariants.length - unjudged.length} hold` +
      `${bad.length ? `; failing: ${bad.map((i) => `${i.name} (${i.offending.slice(0, 3).join(', ')})`).join('; ')}` : ''}` +
      `${unjudged.length ? `; not judged: ${unjudged.map((i) => i.name).join(', ')}` : ''}`,
  );
  for (const t of s.thresholds) if (t.not_applicable !== undefined) out(notApplicableLine(t));
  out(`${s.verdict.toUpperCase()}: ${s.reasons.join('; ')}`);
}
