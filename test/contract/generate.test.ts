// The request generators of `faultline contract`: every value drawn from a route's request schemas is one
// the schema accepts, the same seed draws the same values, and every bad-input variant is one the schema
// refuses — over every route a replacement must serve, for every replaceable service.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { readPublishedContract, requiredRoutes, routesOf, type ContractRoute, type JsonSchema } from '../../harness/contract/index.ts';
import { sampleValues } from '../../harness/contract/generate.ts';
import { accepts, invalidBodies, invalidParams, malformedBodies, oversizeBody } from '../../harness/contract/generate-invalid.ts';
import { bodyLimitOf } from '../../harness/contract/checks/index.ts';
import { contractAccounts } from '../../harness/contract/checks/accounts.ts';
import { examplesFor } from '../../harness/contract/checks/examples.ts';
import { IdFactory } from '../../harness/contract/checks/ids.ts';
import { realisticBody } from '../../harness/contract/checks/realistic.ts';
import { createRng } from '../../services/common/random.ts';
import { REPLACEABLE_SERVICES, type ReplaceableService } from '../../harness/scenario/schema.ts';

const ajv = new Ajv({ strict: false, coerceTypes: false });

async function routesOfService(service: ReplaceableService): Promise<ContractRoute[]> {
  return requiredRoutes(routesOf(await readPublishedContract(service)));
}

function schemasOf(route: ContractRoute): Array<[string, JsonSchema]> {
  return (['params', 'query', 'body'] as const).flatMap((part) => (route.request[part] ? [[part, route.request[part]] as [string, JsonSchema]] : []));
}

describe('valid requests drawn from the schemas', () => {
  for (const service of REPLACEABLE_SERVICES) {
    it(`${service}: 50 values per request schema, every one valid`, async () => {
      for (const route of await routesOfService(service)) {
        for (const [part, schema] of schemasOf(route)) {
          const validate = ajv.compile(schema);
          for (const value of sampleValues(schema, 42, 50)) {
            assert.ok(validate(value), `${route.method} ${route.path} ${part}: ${JSON.stringify(value).slice(0, 300)} breaks its schema: ${ajv.errorsText(validate.errors)}`);
          }
        }
      }
    });
  }

  it('the same seed draws the same values, another seed others', async () => {
    const [holds] = (await routesOfService('ledger')).filter((r) => r.path === '/v1/holds');
    const schema = holds?.request.body as JsonSchema;
    assert.deepEqual(sampleValues(schema, 7, 20), sampleValues(schema, 7, 20));
    assert.notDeepEqual(sampleValues(schema, 7, 20), sampleValues(schema, 8, 20));
  });

  it('made realistic, a generated request stays valid and gets new ids and seeded accounts', async () => {
    const accounts = contractAccounts(1);
    for (const service of REPLACEABLE_SERVICES) {
      for (const route of await routesOfService(service)) {
        const schema = route.request.body;
        if (!schema) continue;
        const ids = new IdFactory(1, 'test0');
        const rng = createRng(5);
        const values = sampleValues(schema, 9, 30).map((v) => realisticBody(v, { accounts, ids, rng, held: [] }, false));
        const validate = ajv.compile(schema);
        for (const v of values) assert.ok(validate(v), `${service} ${route.path}: ${JSON.stringify(v).slice(0, 300)}: ${ajv.errorsText(validate.errors)}`);
        const text = JSON.stringify(values);
        assert.ok(text.includes('ct1-test0-g'), `${route.path}: ids are the run's own`);
        if (route.path !== '/v1/idempotency-records') assert.ok(accounts.generated.some((a) => text.includes(`"${a.id}"`)), `${route.path}: seeded accounts are used`);
      }
    }
  });

  it('every fixed example is valid against its route', async () => {
    const accounts = contractAccounts(1);
    for (const service of REPLACEABLE_SERVICES) {
      const routes = await routesOfService(service);
      for (const example of examplesFor(service, accounts, new IdFactory(1, 'test0'))) {
        const route = routes.find((r) => `${r.method} ${r.path}` === example.route);
        assert.ok(route, `${service}: the contract has ${example.route}`);
        if (example.body !== undefined) assert.ok(accepts(route.request.body as JsonSchema, example.body), `${service} ${example.name}`);
        if (example.params) assert.ok(accepts(route.request.params as JsonSchema, example.params), `${service} ${example.name}`);
      }
    }
  });
});

describe('bad input made from a valid example', () => {
  it('every variant breaks the schema, and each kind is there', async () => {
    const accounts = contractAccounts(1);
    for (const service of REPLACEABLE_SERVICES) {
      const routes = await routesOfService(service);
      for (const route of routes.filter((r) => r.request.body)) {
        const example = examplesFor(service, accounts, new IdFactory(1, 't')).find((e) => e.route === `${route.method} ${route.path}`);
        assert.ok(example?.body, `${service} ${route.path} has an example`);
        const variants = invalidBodies(route.request.body as JsonSchema, example.body);
        for (const v of variants) assert.equal(accepts(route.request.body as JsonSchema, v.body), false, `${route.path}: ${v.description}`);
        const kinds = new Set(variants.map((v) => v.kind));
        for (const kind of ['missing', 'wrong-type', 'unknown-field', 'out-of-range'] as const) assert.ok(kinds.has(kind), `${service} ${route.path}: a ${kind} variant`);
        for (const m of malformedBodies(JSON.stringify(example.body))) assert.throws(() => JSON.parse(m.text), m.description);
      }
    }
  });

  it('names the field at fault: amount.value as a string, request_id missing, an unknown field', async () => {
    const [holds] = (await routesOfService('ledger')).filter((r) => r.path === '/v1/holds');
    const example = examplesFor('ledger', contractAccounts(1), new IdFactory(1, 't')).find((e) => e.route === 'POST /v1/holds');
    const descriptions = invalidBodies(holds?.request.body as JsonSchema, example?.body ?? {}).map((v) => v.description);
    assert.ok(descriptions.includes('amount.value is the string "1250"'), descriptions.join('\n'));
    assert.ok(descriptions.includes('request_id is missing (required)'));
    assert.ok(descriptions.includes('unknown field unexpected_field'));
    assert.ok(descriptions.includes('unknown field amount.unexpected_field'));
  });

  it('a body past the published limit, and parameters that break their schemas', async () => {
    const ledger = await readPublishedContract('ledger');
    const feed = await readPublishedContract('feed');
    assert.equal(bodyLimitOf(ledger, { method: 'POST', path: '/v1/holds' }), 64 * 1024);
    assert.equal(bodyLimitOf(feed, { method: 'POST', path: '/v1/events' }), 4 * 1024 * 1024);
    assert.ok(Buffer.byteLength(oversizeBody({ request_id: 'x' }, 64 * 1024)) > 64 * 1024);
    const [journal] = routesOf(ledger).filter((r) => r.path === '/v1/journal');
    const bad = invalidParams(journal?.request.query as JsonSchema, {});
    assert.deepEqual(bad.map((b) => b.description), ['after=abc (not a number)', 'after=-1 (below its minimum 0)', 'limit=abc (not a number)', 'limit=0 (below its minimum 1)', 'limit=10001 (above its maximum 10000)']);
  });
});
