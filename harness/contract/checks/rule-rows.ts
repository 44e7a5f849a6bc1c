// Runs a list of rules (rule-run.ts) as rows of one check family: a pass with what it saw, a failure with
// the exchange that broke it and the ones that led to it, a skip when a route the rule needs is missing.
// The rules check (rules.ts) runs its rules the same way; the accounts, read-back and admin checks use this.
import { RouteMissing, RuleBroken, RuleRun, type Rule } from './rule-run.ts';
import type { CheckContext, CheckFamily, CheckResult, Exchange } from './types.ts';

/** A rule that decided not to run (no ledger to read behind a processor checked by URL). */
export class RuleSkipped extends Error {}

export async function runRules(ctx: CheckContext, family: CheckFamily, rules: readonly Rule[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const rule of rules) {
    if (ctx.client.refused) break;
    const session = ctx.client.session();
    const r = new RuleRun(ctx, session);
    try {
      const detail = await rule.run(r);
      results.push({ family, subject: rule.subject, verdict: 'pass', requests: session.count, detail });
    } catch (err) {
      if (err instanceof RouteMissing || err instanceof RuleSkipped) {
        results.push({ family, subject: rule.subject, verdict: 'skip', requests: session.count, detail: err.message });
        continue;
      }
      if (err instanceof InfoOnly) {
        results.push({ family, subject: rule.subject, verdict: 'info', requests: session.count, detail: err.message });
        continue;
      }
      if (!(err instanceof RuleBroken)) throw err;
      const at = err.exchange ? r.log.indexOf(err.exchange) : r.log.length;
      const before: Exchange[] = err instanceof ReadBackBroken ? err.writes : r.log.slice(Math.max(0, at - 4), at);
      results.push({
        family,
        subject: rule.subject,
        verdict: 'fail',
        requests: session.count,
        detail: err.reason,
        failure: { reason: err.reason, ...(err.exchange ? { exchange: err.exchange } : {}), context: before },
      });
    }
  }
  return results;
}

/** A rule that saw nothing wrong but has only information to give (an optional route that is absent). */
export class InfoOnly extends Error {}

/** A broken rule whose context is not simply the exchanges before it (the write a read-back contradicts). */
export class ReadBackBroken extends RuleBroken {
  constructor(
    reason: string,
    exchange: Exchange | undefined,
    readonly writes: Exchange[],
  ) {
    super(reason, exchange);
    this.name = 'ReadBackBroken';
  }
}
