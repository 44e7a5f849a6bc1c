// Check 5: the payment rules each route documents, beyond its schemas — one row per rule, each a short
// scenario on its own account and authorization (rules-ledger.ts, rules-processor.ts, rules-feed.ts). A
// rule is broken at the first answer that is not what the contract says; the row shows that exchange and
// the ones before it that set it up.
import type { ReplaceableService } from '../../scenario/schema.ts';
import { RouteMissing, RuleBroken, RuleRun, type Rule } from './rule-run.ts';
import { feedRules } from './rules-feed.ts';
import { ledgerRules } from './rules-ledger.ts';
import { processorRules } from './rules-processor.ts';
import type { CheckContext, CheckResult, ContractCheck } from './types.ts';

const RULES: Record<ReplaceableService, (ctx: CheckContext) => Rule[]> = {
  ledger: ledgerRules,
  'ledger-store': ledgerRules,
  'card-processor': processorRules,
  feed: feedRules,
};

export const rulesCheck: ContractCheck = {
  family: 'rules',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    for (const rule of RULES[ctx.service](ctx)) {
      if (ctx.client.refused) break;
      const session = ctx.client.session();
      const r = new RuleRun(ctx, session);
      try {
        const detail = await rule.run(r);
        results.push({ family: 'rules', subject: rule.subject, verdict: 'pass', requests: session.count, detail });
      } catch (err) {
        if (err instanceof RouteMissing) {
          results.push({ family: 'rules', subject: rule.subject, verdict: 'skip', requests: session.count, detail: err.message });
          continue;
        }
        if (!(err instanceof RuleBroken)) throw err;
        const at = err.exchange ? r.log.indexOf(err.exchange) : r.log.length;
        const context = r.log.slice(Math.max(0, at - 4), at);
        results.push({
          family: 'rules',
          subject: rule.subject,
          verdict: 'fail',
          requests: session.count,
          detail: err.reason,
          failure: { reason: err.reason, ...(err.exchange ? { exchange: err.exchange } : {}), context },
        });
      }
    }
    return results;
  },
};
