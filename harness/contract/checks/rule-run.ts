// The toolkit of a payment rule (rules.ts): requests to the service, each recorded so a broken rule can
// show the exchange that broke it and the ones that led to it, and assertions that name the wrong answer.
import type { ContractRoute, JsonValue } from '../types.ts';
import type { Session } from './client.ts';
import { requestFor, type RequestParts } from './requests.ts';
import { bodyOf, describeStatus, statusOf } from './validate.ts';
import { routeName, type CheckContext, type Exchange } from './types.ts';

export interface Rule {
  subject: string;
  /** Runs the rule; resolves with what it saw (a pass), throws RuleBroken at the first wrong answer. */
  run(r: RuleRun): Promise<string>;
}

export class RuleBroken extends Error {
  constructor(
    readonly reason: string,
    readonly exchange?: Exchange,
  ) {
    super(reason);
    this.name = 'RuleBroken';
  }
}

/** A missing route: the rule cannot run (a skip, not a failure: check 2 reports the route). */
export class RouteMissing extends Error {}

/** What a rule uses: requests to the service, recorded, and assertions that name the offending answer. */
export class RuleRun {
  readonly log: Exchange[] = [];

  constructor(
    readonly ctx: CheckContext,
    readonly session: Session,
  ) {}

  /** How many replicas the service has (requests may go to any of them). */
  get replicas(): number {
    return this.session.replicas;
  }

  async send(route: string, parts: RequestParts): Promise<Exchange> {
    // A faultline admin route is not required of a replacement, but the contract still documents it.
    const found: ContractRoute | undefined = this.ctx.routes.find((r) => routeName(r) === route) ?? this.ctx.allRoutes.find((r) => routeName(r) === route);
    if (!found) throw new RouteMissing(`the contract has no ${route}`);
    const exchange = await this.session.send(requestFor(found, parts));
    this.log.push(exchange);
    return exchange;
  }

  /** The answer's body when its status is `status`; else the rule is broken, naming `what`. */
  expect(exchange: Exchange, status: number, what: string): Record<string, JsonValue> {
    if (statusOf(exchange.response) !== status) throw new RuleBroken(`${what}: answered ${describeStatus(exchange.response)}, expected ${status}`, exchange);
    return bodyOf(exchange.response) ?? {};
  }

  /** A refusal: `status` with a JSON error body (and `code`, when the service sends one, among `codes` if any are given). */
  expectRefusal(exchange: Exchange, status: number, codes: readonly string[], what: string): void {
    const body = this.expect(exchange, status, what);
    if (typeof body.error !== 'string') throw new RuleBroken(`${what}: the ${status} has no JSON error body`, exchange);
    if (codes.length > 0 && typeof body.code === 'string' && !codes.includes(body.code)) throw new RuleBroken(`${what}: the ${status} has code ${body.code}, expected ${codes.join(' or ')}`, exchange);
  }

  check(condition: boolean, reason: string, exchange?: Exchange): void {
    if (!condition) throw new RuleBroken(reason, exchange ?? this.log[this.log.length - 1]);
  }
}

/** The parts of an answer a rule looks at: `result: "released", amount: {…}`. */
export function describeAnswer(body: Record<string, JsonValue>): string {
  const parts = ['result', 'decision', 'reason', 'amount', 'replayed'].filter((k) => k in body).map((k) => `${k}: ${JSON.stringify(body[k])}`);
  return parts.length > 0 ? parts.join(', ') : JSON.stringify(body).slice(0, 120);
}
