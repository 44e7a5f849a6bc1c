// The summary printed at the end of `faultline run`: what was replaced, outcomes, success per phase,
// invariants, verdict.
import type { Summary } from '../summary/types.ts';
import { replacedText } from '../report/sections/run.ts';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);

export function printSummary(s: Summary, out: (line: string) => void): void {
  const a = s.authorizations;
  out('');
  out(`${s.scenario}  router=${s.router}  stand-in=${s.standin ? 'on' : 'off'}  seed=${s.seed}  ${s.duration_s}s (+${s.warmup?.duration_s ?? 0}s warm-up, not gated)${s.incomplete ? '  (INCOMPLETE)' : ''}`);
  if (s.replaced?.length) out(`replaced: ${s.replaced.map(replacedText).join('; ')}`);
  out(`authorizations ${a.total}: approved ${a.approved}, declined ${a.declined}, stand-in ${a.standin_approved}/${a.standin_declined}, failed ${a.failed}, unknown ${a.unknown}`);
  out(`success rate ${pct(a.success_rate)} (issuer ${pct(a.issuer_success_rate)})   latency p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms, max ${s.latency_ms.max} ms`);
  out(`load: ${s.load.model} target ${s.load.target_rate}/s achieved ${s.load.achieved_rate}/s, late ${s.load.late}, dropped ${s.load.dropped}   app reads ${s.app.total} ok ${pct(s.app.success_rate)}`);
  for (const f of s.faults) {
    const phases = s.phases.filter((p) => p.fault === f.name);
    const row = phases.map((p) => `${p.name} ${pct(p.success_rate)}`).join(', ');
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
      `run health: driver loop delay p99 ${f.event_loop_delay_ms.p99} ms, send lateness p99 ${f.send_lateness_ms.p99} ms ` +
        `(${(f.send_lateness_ms.late_share * 100).toFixed(2)}% > 10 ms late)${foreign}${v.ok ? ', within limits' : ''}`,
    );
    for (const r of v.reasons) out(`  distorted: ${r}`);
    for (const a of v.advice) out(`  what to do: ${a}`);
  }
  const bad = s.invariants.filter((i) => !i.ok);
  out(`invariants: ${s.invariants.length - bad.length}/${s.invariants.length} hold${bad.length ? `; failing: ${bad.map((i) => `${i.name} (${i.offending.slice(0, 3).join(', ')})`).join('; ')}` : ''}`);
  out(`${s.verdict.toUpperCase()}: ${s.reasons.join('; ')}`);
}
