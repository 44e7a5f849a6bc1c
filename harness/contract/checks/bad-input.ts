// Check 3: bad input is refused. From a valid example of each route (with new ids), generate.ts and
// generate-invalid.ts make requests the schema refuses — a required field missing, a field of the wrong
// type, an unknown field, a value out of its range or pattern, a body that is not JSON, a body past the
// route's limit, a path or query parameter that breaks its schema — and each must be answered 4xx with a
// JSON error body (`error`, a string), never 2xx (it was accepted) and never 5xx (it broke the service).
import { createRng, hashSeed, type Rng } from '../../../services/common/random.ts';
import { invalidBodies, invalidParams, malformedBodies, oversizeBody, type InvalidBody } from '../generate-invalid.ts';
import { isObject } from '../generate.ts';
import type { ContractRoute } from '../types.ts';
import { examplesFor, type Example } from './examples.ts';
import { requestFor, type RequestParts } from './requests.ts';
import { bodyOf } from './validate.ts';
import { answered, routeName, type CheckContext, type CheckResult, type ContractCheck, type Exchange } from './types.ts';

interface BadRequest {
  description: string;
  parts: RequestParts;
}

export const badInputCheck: ContractCheck = {
  family: 'bad-input',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    const examples = examplesFor(ctx.service, ctx.accounts, ctx.ids);
    const results: CheckResult[] = [];
    for (const route of ctx.routes) {
      if (ctx.client.refused) break;
      const example = examples.find((e) => e.route === routeName(route));
      const bad = example ? badRequestsFor(route, example, ctx) : [];
      if (bad.length === 0) continue;
      const session = ctx.client.session();
      const statuses = new Map<number, number>();
      let failed: CheckResult | undefined;
      for (const request of bad) {
        const exchange = await session.send(requestFor(route, request.parts));
        if (answered(exchange.response)) statuses.set(exchange.response.status, (statuses.get(exchange.response.status) ?? 0) + 1);
        const problem = refusalProblem(exchange);
        if (problem) {
          const reason = `${request.description}: ${problem}`;
          failed = { family: 'bad-input', subject: routeName(route), verdict: 'fail', requests: session.count, detail: reason, failure: { reason, exchange } };
          break;
        }
      }
      const seen = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(', ');
      results.push(failed ?? { family: 'bad-input', subject: routeName(route), verdict: 'pass', requests: session.count, detail: `${bad.length} bad request${bad.length === 1 ? '' : 's'} refused: ${seen}` });
    }
    return results;
  },
};

/** Null when the answer is a 4xx with a JSON error body; else what is wrong with it. */
export function refusalProblem(exchange: Exchange): string | null {
  const response = exchange.response;
  if (!answered(response)) return `no answer (${response.error}), expected 4xx with a JSON error body`;
  if (response.status >= 200 && response.status < 300) return `accepted with ${response.status}, expected 4xx`;
  if (response.status >= 500) return `answered ${response.status}, expected 4xx: bad input must never fail the service`;
  if (response.status < 400) return `answered ${response.status}, expected 4xx`;
  const body = bodyOf(response);
  if (!body || typeof body.error !== 'string') return `answered ${response.status} without a JSON error body ({"error": "…"})`;
  return null;
}

/** The bad requests for one route, at most max(cases, 12) invalid bodies plus the malformed and oversize ones. */
function badRequestsFor(route: ContractRoute, example: Example, ctx: CheckContext): BadRequest[] {
  const out: BadRequest[] = [];
  const rng = createRng(hashSeed('contract-bad-input', ctx.seed, route.method, route.path));
  const base: RequestParts = {};
  if (example.params) base.params = example.params;
  if (example.query) base.query = example.query;
  if (route.request.body && isObject(example.body)) {
    const valid = example.body;
    for (const v of pick(invalidBodies(route.request.body, valid), Math.max(ctx.cases, 12), rng)) out.push({ description: v.description, parts: { ...base, body: v.body } });
    for (const m of malformedBodies(JSON.stringify(valid))) out.push({ description: m.description, parts: { ...base, raw: m.text } });
    const limit = ctx.bodyLimit(route);
    out.push({ description: `a body of ${limit + 1024} bytes, past the ${formatLimit(limit)} limit`, parts: { ...base, raw: oversizeBody(valid, limit) } });
  }
  for (const [part, schema] of [['params', route.request.params], ['query', route.request.query]] as const) {
    if (!schema) continue;
    const valid = (part === 'params' ? example.params : example.query) ?? {};
    for (const p of invalidParams(schema, valid)) out.push({ description: `${part === 'params' ? 'path parameter' : 'query'} ${p.description}`, parts: { ...base, [part]: p.values } });
  }
  return out;
}

/** All of them when few; else one of each kind, then a seeded draw of the rest, in their original order. */
function pick(variants: InvalidBody[], max: number, rng: Rng): InvalidBody[] {
  if (variants.length <= max) return variants;
  const chosen = new Set<InvalidBody>();
  for (const kind of ['missing', 'wrong-type', 'unknown-field', 'out-of-range'] as const) {
    const first = variants.find((v) => v.kind === kind);
    if (first) chosen.add(first);
  }
  const rest = variants.filter((v) => !chosen.has(v));
  while (chosen.size < max && rest.length > 0) chosen.add(rest.splice(rng.int(0, rest.length - 1), 1)[0] as InvalidBody);
  return variants.filter((v) => chosen.has(v));
}

function formatLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
