// Each check of a contract run has a total time budget: a service that answers its health route and then
// hangs, trickles or floods on every other route fails the check that met it, saying which check ran out
// of time and on which request, instead of holding the run for minutes. The client enforces it
// (client.ts: every request is cut at what is left of the budget); this turns what it throws into the
// check's row. A service that stopped answering altogether fails the check it was in; the runner skips
// the rest (index.ts).
import { CheckBudgetExceeded, ServiceSilent } from './client.ts';
import type { CheckContext, CheckResult, ContractCheck } from './types.ts';

/** A check's budget when none is given: a minute per 100 generated requests per route, at least a minute. */
export function defaultCheckBudgetMs(cases: number): number {
  return 60_000 * Math.max(1, Math.ceil(cases / 100));
}

/** Runs one check within `budgetMs`; a check that ran out of time, or met a silent service, is one failed row. */
export async function runWithinBudget(check: ContractCheck, ctx: CheckContext, budgetMs: number): Promise<CheckResult[]> {
  ctx.client.beginBudget(check.family, budgetMs);
  try {
    return await check.run(ctx);
  } catch (err) {
    if (err instanceof CheckBudgetExceeded) {
      const cut = err.exchange ? `; the last request was cut off unanswered` : '';
      const reason = `ran out of its time budget: ${err.budgetMs / 1000} s for the whole ${check.family} check, spent after ${err.requests} request${err.requests === 1 ? '' : 's'}${cut} (a service answers each within the card network's 2 s)`;
      return [{ family: check.family, subject: '(time budget)', verdict: 'fail', requests: err.requests, detail: reason, failure: { reason, ...(err.exchange ? { exchange: err.exchange } : {}) } }];
    }
    if (err instanceof ServiceSilent) {
      return [{ family: check.family, subject: '(all)', verdict: 'fail', requests: err.requests, detail: err.message, failure: { reason: err.message, ...(err.exchange ? { exchange: err.exchange } : {}) } }];
    }
    throw err;
  } finally {
    ctx.client.endBudget();
  }
}
