// The contract check of one service, composed Jepsen-style: every family runs in turn and the whole is as
// bad as its worst row (an `info` row never fails it). If the service stops answering part-way (a bad
// input crashed it), the rest is skipped and says so.
//
//   health → accounts → routes → bad-input → idempotency → rules → read-back → admin
import type { ReplaceableService } from '../../scenario/schema.ts';
import { readPublishedContract } from '../files.ts';
import { requiredRoutes, routesOf } from '../routes.ts';
import type { ContractRoute, OpenAPIDocument } from '../types.ts';
import { contractAccounts } from './accounts.ts';
import { adminCheck } from './admin.ts';
import { badInputCheck } from './bad-input.ts';
import { defaultCheckBudgetMs, runWithinBudget } from './budget.ts';
import type { ServiceClient } from './client.ts';
import { healthCheck } from './health.ts';
import { IdFactory } from './ids.ts';
import { idempotencyCheck } from './idempotency.ts';
import { accountsCheck } from './opening.ts';
import { readBackCheck } from './read-back.ts';
import type { LedgerObserver } from './observer.ts';
import { routesCheck } from './routes.ts';
import { rulesCheck } from './rules.ts';
import type { CheckContext, CheckResult, ContractCheck } from './types.ts';

export const CONTRACT_CHECKS: readonly ContractCheck[] = [healthCheck, accountsCheck, routesCheck, badInputCheck, idempotencyCheck, rulesCheck, readBackCheck, adminCheck];

export interface ContextOptions {
  service: ReplaceableService;
  seed: number;
  cases: number;
  client: ServiceClient;
  ledger?: LedgerObserver;
  /** The id tag (ids.ts); new for every run unless given. */
  tag?: string;
}

/** The context the checks run in, from the service's published contract. */
export async function contractContext(o: ContextOptions): Promise<CheckContext> {
  const document = await readPublishedContract(o.service);
  const all = routesOf(document);
  const ctx: CheckContext = {
    service: o.service,
    routes: requiredRoutes(all),
    allRoutes: all,
    healthPath: document['x-faultline-health'],
    bodyLimit: (route) => bodyLimitOf(document, route),
    seed: o.seed,
    cases: o.cases,
    accounts: contractAccounts(o.seed),
    ids: new IdFactory(o.seed, o.tag),
    client: o.client,
  };
  if (o.ledger) ctx.ledger = o.ledger;
  return ctx;
}

/**
 * Runs every family, each within its time budget (budget.ts; default: a minute per 100 cases); `onResult`
 * sees each row as it comes.
 */
export async function runContractChecks(
  ctx: CheckContext,
  onResult: (r: CheckResult) => void = () => {},
  checks: readonly ContractCheck[] = CONTRACT_CHECKS,
  budgetMs: number = defaultCheckBudgetMs(ctx.cases),
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const gone = ctx.client.refused ?? ctx.client.silent;
    if (gone) {
      const row: CheckResult = { family: check.family, subject: '(all)', verdict: 'skip', requests: 0, detail: `not run: the service stopped answering (${gone})` };
      results.push(row);
      onResult(row);
      continue;
    }
    for (const row of await runWithinBudget(check, ctx, budgetMs)) {
      results.push(row);
      onResult(row);
    }
  }
  return results;
}

/** Passed when no row failed (info and skip rows never fail a check; a skipped family is shown). */
export function contractPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.verdict !== 'fail') && !results.some((r) => r.verdict === 'skip' && r.subject === '(all)');
}

const UNITS: Record<string, number> = { bytes: 1, KiB: 1024, MiB: 1024 * 1024 };

/** The route's body limit as its published description states it (`at most 64 KiB`); 1 MiB when it says none. */
export function bodyLimitOf(document: OpenAPIDocument, route: Pick<ContractRoute, 'method' | 'path'>): number {
  const operation = document.paths[route.path]?.[route.method.toLowerCase() as 'post'];
  const said = /at most (\d+(?:\.\d+)?) (bytes|KiB|MiB)/.exec(operation?.requestBody?.description ?? '');
  return said ? Math.round(Number(said[1]) * (UNITS[said[2] as string] as number)) : 1024 * 1024;
}
