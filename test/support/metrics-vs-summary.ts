// Compares a parsed scrape with the numbers of summary.json: every count the summary has and the metrics
// count too. Returns one line per mismatch (empty when they agree), so a test can also show that a scrape
// that misses a record is caught.
import { AUTH_OUTCOMES, type AggregateResult, type Summary } from '../../harness/summary/types.ts';
import { NO_FAULT } from '../../harness/history/aggregate.ts';
import { type Family, total } from './prometheus-text.ts';

type Families = Map<string, Family>;
const measured = (l: Record<string, string>): boolean => l.phase !== 'warmup';

/** The counts the history aggregator produces (the summary's measured and warm-up figures). */
export function compareCounts(f: Families, s: Pick<AggregateResult, 'authorizations' | 'warmup' | 'causes' | 'causes_by_fault' | 'app' | 'reversals' | 'load' | 'retry_amplification' | 'phases'>, options: { faults: number }): string[] {
  const bad: string[] = [];
  const eq = (what: string, metric: number, summary: number): void => {
    if (metric !== summary) bad.push(`${what}: metrics ${metric}, summary ${summary}`);
  };
  for (const o of AUTH_OUTCOMES) {
    eq(`authorizations ${o}`, total(f, 'faultline_authorizations_total', (l) => l.outcome === o && measured(l)), s.authorizations[o]);
    eq(`warm-up authorizations ${o}`, total(f, 'faultline_authorizations_total', { outcome: o, phase: 'warmup' }), s.warmup.authorizations[o]);
  }
  eq('authorization latency count', total(f, 'faultline_authorization_latency_seconds_count', measured), s.authorizations.total);
  eq('warm-up latency count', total(f, 'faultline_authorization_latency_seconds_count', { phase: 'warmup' }), s.warmup.authorizations.total);
  eq('stand-in approved', total(f, 'faultline_standin_total', (l) => l.decision === 'approved' && measured(l)), s.authorizations.standin_approved);
  eq('stand-in declined', total(f, 'faultline_standin_total', (l) => l.decision === 'declined' && measured(l)), s.authorizations.standin_declined);

  let causes = 0;
  for (const [hop, row] of Object.entries(s.causes)) {
    for (const [cause, n] of Object.entries(row)) {
      causes += n;
      eq(`causes ${hop} ${cause}`, total(f, 'faultline_authorizations_total', (l) => l.hop === hop && l.cause === cause && measured(l)), n);
    }
  }
  eq('attributed authorizations', total(f, 'faultline_authorizations_total', (l) => l.hop !== 'none' && measured(l)), causes);
  if (options.faults <= 1) {
    // With at most one window the fault label names the window itself (or none), as causes_by_fault does.
    for (const [fault, row] of Object.entries(s.causes_by_fault)) {
      for (const [key, n] of Object.entries(row)) {
        const [hop, cause] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
        const label = fault === NO_FAULT ? 'none' : fault;
        eq(`causes_by_fault ${fault} ${key}`, total(f, 'faultline_authorizations_total', (l) => l.fault === label && l.hop === hop && l.cause === cause && measured(l)), n);
      }
    }
    // ... and the phases partition the run as the summary's do.
    for (const p of s.phases) {
      eq(`phase ${p.name}${p.fault ? ` ${p.fault}` : ''} authorizations`, total(f, 'faultline_authorization_latency_seconds_count', { phase: p.name }), p.authorizations);
    }
  }

  const app = (kind: string, ok: boolean): number => total(f, 'faultline_app_requests_total', (l) => l.kind === kind && measured(l) && (!ok || l.outcome === 'ok'));
  eq('balance reads', app('balance', false), s.app.balance.total);
  eq('balance reads ok', app('balance', true), s.app.balance.ok);
  eq('feed reads', app('feed', false), s.app.feed.total);
  eq('feed reads ok', app('feed', true), s.app.feed.ok);
  eq('reversals', total(f, 'faultline_reversals_total', measured), s.reversals.total);
  eq('reversals ok', total(f, 'faultline_reversals_total', (l) => l.outcome === 'ok' && measured(l)), s.reversals.ok);
  eq('sent', total(f, 'faultline_requests_sent_total', measured), s.load.sent);
  eq('late', total(f, 'faultline_requests_late_total', measured), s.load.late);
  eq('dropped', total(f, 'faultline_requests_dropped_total', measured), s.load.dropped);
  eq('send lateness count', total(f, 'faultline_send_lateness_seconds_count', measured), s.load.sent);

  const attempts = total(f, 'faultline_ledger_attempts_total', measured);
  const reached = total(f, 'faultline_ledger_authorizations_total', measured);
  eq('retry amplification (x 10^4)', reached === 0 ? 0 : Math.round((attempts / reached) * 1e4), Math.round(s.retry_amplification * 1e4));
  eq('ledger retries', total(f, 'faultline_ledger_retries_total', measured), attempts - reached);
  return bad;
}

/** Everything summary.json says that the final scrape shows: the counts, the advice queue, the checks, the verdict. */
export function compareWithSummary(f: Families, s: Summary): string[] {
  const bad = compareCounts(f, s, { faults: s.faults.length });
  const eq = (what: string, metric: number, summary: number): void => {
    if (metric !== summary) bad.push(`${what}: metrics ${metric}, summary ${summary}`);
  };
  eq('advices queued', total(f, 'faultline_advices_queued_total'), s.advices.queued);
  eq('advices delivered', total(f, 'faultline_advices_delivered_total'), s.advices.delivered);
  eq('advice attempts', total(f, 'faultline_advice_attempts_total'), s.advices.attempts);
  eq('advices pending', total(f, 'faultline_advices_pending'), s.advices.pending);
  for (const r of ['held', 'not_held', 'unresolved'] as const) eq(`unknown resolved ${r}`, total(f, 'faultline_unknown_resolutions_total', { resolution: r }), s.unknown_resolution[r]);
  const value = { valid: 1, invalid: 0, unknown: -1 } as const;
  for (const inv of s.invariants) eq(`invariant ${inv.name}`, total(f, 'faultline_invariant_valid', { invariant: inv.name }), value[inv.validity]);
  eq('invariants shown', f.get('faultline_invariant_valid')?.samples.length ?? 0, s.invariants.length);
  eq(`verdict ${s.verdict}`, total(f, 'faultline_run_verdict', { verdict: s.verdict }), 1);
  eq('verdicts shown', total(f, 'faultline_run_verdict'), 1);
  eq('finished', total(f, 'faultline_run_finished'), 1);
  eq('record errors', total(f, 'faultline_metrics_record_errors_total'), 0);
  return bad;
}
