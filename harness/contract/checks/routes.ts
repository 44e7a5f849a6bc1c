// Check 2: every route a replacement must serve answers valid requests as documented. First the fixed
// realistic examples (examples.ts, each with the statuses it must get), then `cases` requests per route
// drawn from its request schemas (generate.ts, seeded per route) and made realistic (realistic.ts). A
// valid request must get a status the route documents by number (a `4XX` range is not enough: a 404 from a
// route that is not there is not an answer), never 400/413 (the request is valid) nor 5xx (its
// dependencies are up), with a body that validates against that status's schema.
import { createRng, hashSeed } from '../../../services/common/random.ts';
import { sampleValues } from '../generate.ts';
import type { ContractRoute, JsonValue } from '../types.ts';
import { examplesFor } from './examples.ts';
import { realisticBody, realisticParams, type HeldAuthorization, type RealisticContext } from './realistic.ts';
import { queryStrings, requestFor, type RequestParts } from './requests.ts';
import { answerProblem, bodyOf } from './validate.ts';
import { answered, routeName, type CheckContext, type CheckResult, type ContractCheck, type Exchange, type Failure } from './types.ts';

/** Fastify's (and many servers') longest path parameter; the contracts allow ids up to 128 characters. */
const MAX_PATH_PARAM = 100;

interface Tally {
  route: ContractRoute;
  examples: number;
  generated: number;
  statuses: Map<number, number>;
  failure?: Failure;
}

export const routesCheck: ContractCheck = {
  family: 'routes',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    const routes = ctx.routes.filter((r) => !(r.method === 'GET' && r.path === ctx.healthPath));
    const tallies = new Map(routes.map((route) => [routeName(route), { route, examples: 0, generated: 0, statuses: new Map<number, number>() } as Tally]));
    const held: HeldAuthorization[] = [];
    const session = ctx.client.session();
    const record = (tally: Tally, exchange: Exchange, problem: string | null, what: string): void => {
      if (answered(exchange.response)) tally.statuses.set(exchange.response.status, (tally.statuses.get(exchange.response.status) ?? 0) + 1);
      if (problem && !tally.failure) tally.failure = { reason: `${what}: ${problem}`, exchange };
      if (!problem) noteHeld(tally.route, exchange, ctx, held);
    };

    for (const example of examplesFor(ctx.service, ctx.accounts, ctx.ids)) {
      const tally = tallies.get(example.route);
      if (!tally) continue;
      const exchange = await session.send(requestFor(tally.route, example));
      tally.examples++;
      record(tally, exchange, validAnswerProblem(tally.route, exchange, example.expect), `example "${example.name}"`);
    }

    for (const tally of tallies.values()) {
      if (ctx.client.refused) break;
      const route = tally.route;
      const seed = hashSeed('contract-routes', ctx.seed, route.method, route.path);
      const real: RealisticContext = { accounts: ctx.accounts, ids: ctx.ids, rng: createRng(seed), held };
      const bodies = route.request.body ? sampleValues(route.request.body, seed, ctx.cases) : [];
      const params = route.request.params ? sampleValues(route.request.params, seed + 1, ctx.cases, { maxStringLength: MAX_PATH_PARAM }) : [];
      const queries = route.request.query ? sampleValues(route.request.query, seed + 2, ctx.cases) : [];
      const writes = isAuthorizationWrite(route);
      for (let i = 0; i < ctx.cases && !tally.failure; i++) {
        const parts: RequestParts = {};
        if (route.request.body) parts.body = realisticBody(bodies[i] as JsonValue, real, writes);
        if (route.request.params) parts.params = realisticParams(noDotSegments(queryStrings(params[i] as JsonValue)), route.path, real);
        if (route.request.query) parts.query = queryStrings(queries[i] as JsonValue);
        const exchange = await session.send(requestFor(route, parts));
        tally.generated++;
        record(tally, exchange, validAnswerProblem(route, exchange), `generated request ${i + 1} of ${ctx.cases} (seed ${ctx.seed})`);
      }
    }

    return [...tallies.values()].map((t): CheckResult => {
      const requests = t.examples + t.generated;
      const statuses = [...t.statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(', ');
      const sent = `${t.examples} example${t.examples === 1 ? '' : 's'} + ${t.generated} generated`;
      if (t.failure) return { family: 'routes', subject: routeName(t.route), verdict: 'fail', requests, detail: t.failure.reason, failure: t.failure };
      return { family: 'routes', subject: routeName(t.route), verdict: 'pass', requests, detail: `${sent}: ${statuses || 'no answer'}` };
    });
  },
};

/** Null when a valid request got a documented, schema-valid, non-failure answer (and one of `expect`). */
export function validAnswerProblem(route: ContractRoute, exchange: Exchange, expect?: readonly number[]): string | null {
  const response = exchange.response;
  if (!answered(response)) return `no answer (${response.error})`;
  if (response.status >= 500) return `a valid request answered ${response.status}: a technical failure while everything behind the service is up`;
  if (response.status === 400 || response.status === 413) return `a request its contract accepts was refused with ${response.status}`;
  if (expect && !expect.includes(response.status)) return `answered ${response.status}, expected ${expect.join(' or ')}`;
  return answerProblem(route, response, { exactStatus: true });
}

/** `.` and `..` are dot segments to every URL parser and proxy, never a value a path can carry: `.x`, `..x`. */
function noDotSegments(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = /^\.{1,2}$/.test(v) ? `${v}x` : v;
  return out;
}

function isAuthorizationWrite(route: ContractRoute): boolean {
  return route.method === 'POST' && (route.path === '/v1/holds' || route.path === '/v1/authorizations');
}

/** A hold or approval that went through: later reversals and advices may point at it. */
function noteHeld(route: ContractRoute, exchange: Exchange, ctx: CheckContext, held: HeldAuthorization[]): void {
  if (!isAuthorizationWrite(route) || exchange.request.body === undefined) return;
  const answer = bodyOf(exchange.response);
  if (!answer || (answer.result !== 'held' && answer.decision !== 'approved') || answer.replayed === true) return;
  const sent = JSON.parse(exchange.request.body) as { id?: string; authorization_id?: string; account_id?: string; amount?: { value?: number } };
  const account = ctx.accounts.all.find((a) => a.id === sent.account_id);
  const authorizationId = sent.authorization_id ?? sent.id;
  if (account && authorizationId && typeof sent.amount?.value === 'number') held.push({ authorizationId, account, value: sent.amount.value });
}
