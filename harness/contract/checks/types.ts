// What every contract check shares: the request it sent and the answer it got (an exchange), its result
// (one row of the table, with the first offending exchange when it failed), and the context it runs in.
import type { ReplaceableService } from '../../scenario/schema.ts';
import type { ContractRoute, JsonValue } from '../types.ts';
import type { ContractAccounts } from './accounts.ts';
import type { ServiceClient } from './client.ts';
import type { Exchange } from './exchange.ts';
import type { IdFactory } from './ids.ts';
import type { LedgerObserver } from './observer.ts';

export { answered, type Answer, type Exchange, type NoAnswer, type SentRequest } from './exchange.ts';

/** The check families, in the order they run and are printed. */
export const CHECK_FAMILIES = ['health', 'accounts', 'routes', 'bad-input', 'idempotency', 'rules', 'read-back', 'admin'] as const;
export type CheckFamily = (typeof CHECK_FAMILIES)[number];

/** `info` never fails a check run; `skip` says why a check could not run. */
export type Verdict = 'pass' | 'fail' | 'info' | 'skip';

export interface Failure {
  /** What broke the contract, in one sentence. */
  reason: string;
  /** The first offending request and its answer. */
  exchange?: Exchange;
  /** Earlier exchanges the failure depends on (the first use of a reused key, the hold a reversal reverses). */
  context?: Exchange[];
}

/** One row of the table. */
export interface CheckResult {
  family: CheckFamily;
  /** The route (`POST /v1/holds`) or the rule checked. */
  subject: string;
  verdict: Verdict;
  /** Requests sent for this row. */
  requests: number;
  /** One line: what was sent and seen (a pass), or what went wrong (a failure). */
  detail: string;
  failure?: Failure;
}

/** Where a check runs: the service, its contract, and the tools to talk to it. */
export interface CheckContext {
  service: ReplaceableService;
  /** The routes a replacement must serve, health included. */
  routes: ContractRoute[];
  /** Every route of the contract, faultline-internal ones too (for the informational checks). */
  allRoutes: ContractRoute[];
  healthPath: string;
  /** The largest body a route takes, from its published description. */
  bodyLimit(route: ContractRoute): number;
  seed: number;
  /** Generated requests per route. */
  cases: number;
  accounts: ContractAccounts;
  ids: IdFactory;
  client: ServiceClient;
  /** Balances from the ledger behind the service, when faultline runs it (a processor started by command). */
  ledger?: LedgerObserver;
  /** How many seeded accounts the service was told (FAULTLINE_ACCOUNTS), when faultline started it. */
  accountsTold?: number;
  /** Fault kinds the user will run on it (`--scenario`): an admin route one of them needs must be there. */
  faultsPlanned?: readonly string[];
}

/** A family of checks: the rows it produces for a service. */
export interface ContractCheck {
  family: CheckFamily;
  run(ctx: CheckContext): Promise<CheckResult[]>;
}

/** `POST /v1/holds` */
export function routeName(route: Pick<ContractRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
