// The published contracts (services/contracts/*.openapi.json): regenerated in memory from the services' route
// schemas they must equal the committed files (so they never go stale), each is a valid OpenAPI 3.1 document
// whose every $ref resolves, each is useful to a team implementing the service, and real answers of the mocks
// match the schemas they document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Ajv, type ValidateFunction } from 'ajv';
import { Validator } from '@seriousme/openapi-schema-validator';
import {
  CONTRACT_SERVICES,
  buildServiceApp,
  contractFor,
  contractPath,
  fillPath,
  openapiFor,
  readPublishedContract,
  requiredRoutes,
  responseFor,
  routesOf,
  serializeDocument,
  type ContractRoute,
  type ContractService,
  type JsonValue,
  type OpenAPIDocument,
} from '../../harness/contract/index.ts';
import { authorizationRequestSchema } from '../../services/card-processor/contract.ts';
import { authorizationResponseSchema } from '../../services/card-processor/schemas.ts';
import { holdRequestSchema } from '../../services/ledger/contract.ts';
import { accountViewSchema, holdResponseSchema } from '../../services/ledger/schemas.ts';
import { httpFaultRuleSchema } from '../../services/common/http-faults.ts';
import { seedAccounts } from '../../services/common/accounts.ts';

const generated = new Map<ContractService, OpenAPIDocument>();

async function documentOf(service: ContractService): Promise<OpenAPIDocument> {
  let document = generated.get(service);
  if (!document) {
    document = await openapiFor(service);
    generated.set(service, document);
  }
  return document;
}

/** Every `$ref` in the document, with where it is. */
function refs(value: JsonValue, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => refs(item, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [{ ref: child, at }] : refs(child, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`),
  );
}

function resolvePointer(document: JsonValue, ref: string): JsonValue | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: JsonValue | undefined = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[Number(key)] : node[key];
  }
  return node;
}

const asJson = (document: OpenAPIDocument): JsonValue => JSON.parse(JSON.stringify(document)) as JsonValue;

test('the committed documents are what the route schemas generate today (run `npm run contracts` when this fails)', async () => {
  for (const service of CONTRACT_SERVICES) {
    const committed = await readFile(contractPath(service), 'utf8').catch(() => '(missing)');
    const fresh = serializeDocument(await documentOf(service));
    assert.ok(committed === fresh, `services/contracts/${service}.openapi.json is stale: run \`npm run contracts\` and commit it`);
  }
});

test('generation is deterministic and leaves the services\' route schemas untouched', async () => {
  const before = JSON.stringify([authorizationRequestSchema, authorizationResponseSchema, holdRequestSchema, holdResponseSchema, accountViewSchema, httpFaultRuleSchema]);
  const again = serializeDocument(await openapiFor('ledger'));
  assert.equal(again, serializeDocument(await documentOf('ledger')));
  await openapiFor('card-processor');
  const after = JSON.stringify([authorizationRequestSchema, authorizationResponseSchema, holdRequestSchema, holdResponseSchema, accountViewSchema, httpFaultRuleSchema]);
  assert.equal(after, before);
});

test('each document is valid OpenAPI 3.1 and every $ref resolves', async () => {
  for (const service of CONTRACT_SERVICES) {
    const document = await documentOf(service);
    assert.equal(document.openapi, '3.1.0', service);
    assert.ok(document.info.title && document.info.version && document.info.description, `${service}: info`);
    assert.ok(Object.keys(document.paths).length > 0, `${service}: paths`);
    const result = await new Validator().validate(asJson(document) as Record<string, unknown>);
    assert.ok(result.valid, `${service}: ${JSON.stringify(result.errors, null, 1)?.slice(0, 2000)}`);
    const json = asJson(document);
    const found = refs(json);
    assert.ok(found.length > 0, `${service}: expected shared schemas under components`);
    for (const { ref, at } of found) {
      assert.match(ref, /^#\/components\/schemas\/[A-Za-z]+$/, `${service}: ${at}`);
      assert.notEqual(resolvePointer(json, ref), undefined, `${service}: ${ref} at ${at} does not resolve`);
    }
    // Every component is used, so nothing in the document is dead weight.
    const used = new Set(found.map((r) => r.ref));
    for (const name of Object.keys(document.components.schemas)) assert.ok(used.has(`#/components/schemas/${name}`), `${service}: ${name} unused`);
  }
});

test('every operation is documented for a team implementing the service', async () => {
  for (const service of CONTRACT_SERVICES) {
    const document = await documentOf(service);
    const tagNames = new Set(document.tags.map((t) => t.name));
    const operationIds = new Set<string>();
    for (const route of routesOf(document)) {
      const where = `${service}: ${route.method} ${route.path}`;
      assert.ok(route.summary.length > 3 && route.description.length > 10, `${where}: summary and description`);
      assert.ok(!operationIds.has(route.operationId), `${where}: operationId ${route.operationId} twice`);
      operationIds.add(route.operationId);
      for (const tag of route.tags) assert.ok(tagNames.has(tag), `${where}: tag ${tag} not declared`);
      // Admin and fault routes are faultline's own, tagged and marked so.
      const admin = route.path.startsWith('/__admin') || route.path.startsWith('/__faults');
      assert.equal(route.internal, admin, `${where}: x-faultline-internal`);
      assert.equal(route.tags.includes('admin'), admin, `${where}: admin tag`);
      if (admin) assert.ok(responseFor(route, 403), `${where}: 403 for a browser`);
      // A success, and the error bodies: a route that takes input documents its 400.
      const onlyRefuses = service === 'discovery' && route.method === 'PUT' && route.path === '/__admin/faults/{kind}';
      assert.equal(route.responses.some((r) => /^2/.test(r.status)), !onlyRefuses, `${where}: a 2xx`);
      if (route.request.body || route.request.params || route.request.query) {
        const bad = responseFor(route, 400);
        assert.ok(bad?.schema, `${where}: 400 with a schema`);
      }
      for (const response of route.responses) {
        assert.ok(response.description.length > 0 && response.description !== 'Default Response', `${where} ${response.status}: description`);
        if (/^[45]/.test(response.status) && service !== 'discovery') {
          assert.ok(response.schema, `${where} ${response.status}: error body schema`);
        }
      }
      if (route.request.body) assert.match(JSON.stringify(route.request.body), /^\{("anyOf":\[\{)?"type":(\[)?"object"/, `${where}: a JSON object body`);
    }
    // The health route is documented and not internal.
    const health = routesOf(document).find((r) => r.method === 'GET' && r.path === document['x-faultline-health']);
    assert.ok(health && !health.internal && health.tags.includes('health'), `${service}: health route`);
  }
});

test('the documents carry the rules a replacement must follow, and nothing of this machine', async () => {
  for (const service of CONTRACT_SERVICES) {
    const text = serializeDocument(await documentOf(service));
    assert.doesNotMatch(text, /(^|[\s"'(`=])\/(home|root|tmp|work|Users|var|opt|private)\//m, `${service}: a machine path`);
    assert.doesNotMatch(text, /file:\/\//, `${service}: a file URL`);
    assert.doesNotMatch(text, /password|secret|api[_-]?key|bearer/i, `${service}: a secret-looking word`);
  }
  const processor = await documentOf('card-processor');
  for (const words of ['replayed: true', '409 `idempotency_conflict`', 'amount_exceeds_remaining', 'overdraft', '`GET /health`', '/__admin/http-faults']) {
    assert.ok(processor.info.description.includes(words), `card-processor info: ${words}`);
  }
  const ledger = await documentOf('ledger');
  for (const words of ['replayed: true', 'idempotency_conflict', 'amount_exceeds_remaining', 'overdraft', 'journal']) {
    assert.ok(ledger.info.description.includes(words), `ledger info: ${words}`);
  }
  // The HTTP-fault routes are the ones a replacement serves only for http.* faults.
  const rule = routesOf(ledger).find((r) => r.method === 'PUT' && r.path === '/__admin/http-faults/{name}');
  assert.deepEqual(rule?.neededFor, ['http.abort', 'http.delay', 'http.fail_after_commit']);
  const restart = routesOf(processor).find((r) => r.path === '/__admin/router/restart');
  assert.deepEqual(restart?.neededFor, ['router.restart']);
});

test('routes: self-contained schemas that compile, the required set, and the published files read back', async () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const service of CONTRACT_SERVICES) {
    const contract = await contractFor(service);
    assert.equal(contract.healthPath, '/health');
    assert.deepEqual(await readPublishedContract(service), JSON.parse(serializeDocument(contract.document)), service);
    for (const route of contract.routes) {
      const schemas = [route.request.params, route.request.query, route.request.body, route.watch?.item, ...route.responses.map((r) => r.schema)];
      for (const schema of schemas) {
        if (!schema) continue;
        assert.doesNotMatch(JSON.stringify(schema), /"\$ref"/, `${service} ${route.operationId}: $ref left`);
        ajv.compile(schema);
      }
    }
  }
  const ledger = routesOf(await documentOf('ledger'));
  const required = requiredRoutes(ledger).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(required, [
    'POST /v1/holds',
    'POST /v1/releases',
    'POST /v1/postings',
    'POST /v1/idempotency-records',
    'GET /v1/accounts/{id}',
    'GET /v1/journal',
    'GET /v1/authorizations/{id}',
    'GET /health',
  ]);
  const account = ledger.find((r) => r.path === '/v1/accounts/{id}') as ContractRoute;
  assert.equal(fillPath(account.path, { id: 'acc 1/2' }), '/v1/accounts/acc%201%2F2');
  assert.throws(() => fillPath(account.path, {}), /no value for path parameter "id"/);
  assert.equal(responseFor(account, 404)?.status, '404');
  assert.equal(responseFor(account, 418), undefined);
  const holds = ledger.find((r) => r.path === '/v1/holds') as ContractRoute;
  assert.equal(responseFor(holds, 418)?.status, '4XX');
  assert.deepEqual(account.request.params?.required, ['id']);
  // The documented error bodies are not vacuous: a conflict names the key and fields, a 422 carries its codes.
  const conflict = ajv.compile(responseFor(holds, 409)?.schema ?? {});
  assert.ok(conflict({ error: 'x', code: 'idempotency_conflict', status: 409, key: 'hold:a1', fields: ['amount.value'] }));
  assert.ok(conflict({ error: 'x', code: 'authorization_conflict', status: 409, field: 'amount' }));
  assert.ok(!conflict({ error: 'x', code: 'idempotency_conflict', status: 409 }), 'a conflict without key and fields');
  assert.ok(!conflict({ error: 'x', code: 'something_else', status: 409 }), 'a 409 with another code');
  const releases = ledger.find((r) => r.path === '/v1/releases') as ContractRoute;
  const refused = ajv.compile(responseFor(releases, 422)?.schema ?? {});
  assert.ok(refused({ error: 'x', code: 'amount_exceeds_remaining', status: 422, field: 'amount/value' }));
  assert.ok(!refused({ error: 'x', code: 'amount_exceeds_remaining', status: 400 }), 'status must be 422');
});

/** Checks an injected answer against the route's documented response for its status. */
function conforms(ajv: Ajv, route: ContractRoute, status: number, body: string): void {
  const response = responseFor(route, status);
  assert.ok(response, `${route.method} ${route.path}: ${status} is not documented (body ${body.slice(0, 200)})`);
  if (!response.schema) return;
  const validate: ValidateFunction = ajv.compile(response.schema);
  const ok = validate(JSON.parse(body));
  assert.ok(ok, `${route.method} ${route.path} ${status}: ${ajv.errorsText(validate.errors)}; body ${body.slice(0, 300)}`);
}

test('real answers of the mocks match the schemas their documents give', async () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const find = (routes: ContractRoute[], method: string, path: string): ContractRoute => {
    const route = routes.find((r) => r.method === method && r.path === path);
    assert.ok(route, `${method} ${path}`);
    return route;
  };
  const account = seedAccounts(1, 10).find((a) => a.opening_balance > 10_000) as ReturnType<typeof seedAccounts>[number];

  // The ledger store: a hold, its replay, a conflicting reuse, an over-reversal, unknown reads, bad input.
  const store = await buildServiceApp('ledger-store');
  try {
    const routes = routesOf(await documentOf('ledger-store'));
    const hold = { request_id: 'hold:a1', authorization_id: 'a1', account_id: account.id, amount: { value: 500, currency: account.currency } };
    const cases: [string, string, unknown, number][] = [
      ['POST', '/v1/holds', hold, 200],
      ['POST', '/v1/holds', hold, 200],
      ['POST', '/v1/holds', { ...hold, amount: { value: 501, currency: account.currency } }, 409],
      ['POST', '/v1/releases', { request_id: 'rev:a1', authorization_id: 'a1', account_id: account.id, amount: { value: 900, currency: account.currency } }, 422],
      ['POST', '/v1/postings', { request_id: 'adv:x', authorization_id: 'x', account_id: 'nobody', amount: { value: 1, currency: 'GBP' }, kind: 'advice' }, 404],
      ['POST', '/v1/holds', { ...hold, amount: { value: '500', currency: 'GBP' } }, 400],
      ['GET', '/v1/accounts/nobody', undefined, 404],
      ['GET', `/v1/accounts/${account.id}`, undefined, 200],
      ['GET', '/v1/journal?limit=2', undefined, 200],
      ['GET', '/v1/journal?limit=0', undefined, 400],
      ['GET', '/v1/authorizations/a1', undefined, 200],
      ['GET', '/health', undefined, 200],
    ];
    for (const [method, url, payload, status] of cases) {
      const res = await store.inject({ method: method as 'GET' | 'POST', url, payload: payload as object | undefined });
      assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
      const path = url.startsWith('/v1/accounts/') ? '/v1/accounts/{id}' : url.startsWith('/v1/authorizations/') ? '/v1/authorizations/{id}' : url.split('?')[0] as string;
      conforms(ajv, find(routes, method, path), status, res.body);
    }
    const again = await store.inject({ method: 'POST', url: '/v1/holds', payload: hold });
    assert.equal(JSON.parse(again.body).replayed, true);
  } finally {
    await store.close();
  }

  // The card processor: health and a refused body (nothing reaches its ledger).
  const processor = await buildServiceApp('card-processor');
  try {
    const routes = routesOf(await documentOf('card-processor'));
    const health = await processor.inject({ method: 'GET', url: '/health' });
    conforms(ajv, find(routes, 'GET', '/health'), health.statusCode, health.body);
    const bad = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: { id: 'x' } });
    assert.equal(bad.statusCode, 400);
    conforms(ajv, find(routes, 'POST', '/v1/authorizations'), 400, bad.body);
    const browser = await processor.inject({ method: 'GET', url: '/__admin/http-faults', headers: { 'user-agent': 'Mozilla/5.0' } });
    conforms(ajv, find(routes, 'GET', '/__admin/http-faults'), browser.statusCode, browser.body);
    const rules = await processor.inject({ method: 'PUT', url: '/__admin/http-faults/w1', payload: { abort: { status: 503 } } });
    conforms(ajv, find(routes, 'PUT', '/__admin/http-faults/{name}'), rules.statusCode, rules.body);
  } finally {
    await processor.close();
  }

  // The feed: an unknown account, a bad batch, a balance.
  const feed = await buildServiceApp('feed');
  try {
    const routes = routesOf(await documentOf('feed'));
    for (const [url, path] of [
      ['/v1/accounts/nobody/balance', '/v1/accounts/{id}/balance'],
      [`/v1/accounts/${account.id}/balance`, '/v1/accounts/{id}/balance'],
      [`/v1/accounts/${account.id}/feed?limit=5`, '/v1/accounts/{id}/feed'],
    ] as const) {
      const res = await feed.inject({ method: 'GET', url });
      conforms(ajv, find(routes, 'GET', path), res.statusCode, res.body);
    }
    const bad = await feed.inject({ method: 'POST', url: '/v1/events', payload: { events: [{}] } });
    assert.equal(bad.statusCode, 400);
    conforms(ajv, find(routes, 'POST', '/v1/events'), 400, bad.body);
  } finally {
    await feed.close();
  }

  // Discovery: Kubernetes objects and Status errors, which its routes do not declare.
  const discovery = await buildServiceApp('discovery');
  try {
    const routes = routesOf(await documentOf('discovery'));
    const registered = await discovery.inject({ method: 'POST', url: '/__admin/register', payload: { service: 'ledger', replica: 'ledger-1', port: 4100 } });
    assert.equal(registered.statusCode, 200);
    await discovery.inject({ method: 'POST', url: '/__admin/services', payload: { service: 'current-account' } });
    await discovery.inject({ method: 'PUT', url: '/__admin/faults/null_subsets', payload: { service: 'current-account' } });
    const list = '/api/v1/namespaces/{namespace}/endpoints';
    const one = '/api/v1/namespaces/{namespace}/endpoints/{name}';
    const slices = '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices';
    for (const [url, path, status] of [
      ['/api/v1/namespaces/payments/endpoints', list, 200],
      ['/api/v1/namespaces/payments/endpoints/ledger', one, 200],
      ['/api/v1/namespaces/payments/endpoints/current-account', one, 200],
      ['/api/v1/namespaces/payments/endpoints/nothing', one, 404],
      ['/api/v1/namespaces/payments/endpoints?fieldSelector=spec.x%3D1', list, 400],
      ['/api/v1/namespaces/payments/endpoints?timeoutSeconds=-1', list, 400],
      ['/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices', slices, 200],
      ['/apis/discovery.k8s.io/v1/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dledger', '/apis/discovery.k8s.io/v1/endpointslices', 200],
      ['/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices?labelSelector=a%20in%20b', slices, 400],
      ['/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices/ledger-zzzzz', `${slices}/{name}`, 404],
    ] as const) {
      const res = await discovery.inject({ method: 'GET', url });
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      conforms(ajv, find(routes, 'GET', path), status, res.body);
    }
    const nulls = await discovery.inject({ method: 'GET', url: '/api/v1/namespaces/payments/endpoints/current-account' });
    assert.equal(JSON.parse(nulls.body).subsets, null);
    const unknownKind = await discovery.inject({ method: 'PUT', url: '/__admin/faults/nope', payload: {} });
    conforms(ajv, find(routes, 'PUT', '/__admin/faults/{kind}'), unknownKind.statusCode, unknownKind.body);
    // One line of a watch stream is a WatchEvent.
    const watch = find(routes, 'GET', list).watch;
    assert.ok(watch);
    const event = ajv.compile(watch.item);
    const sample = { type: 'BOOKMARK', object: { kind: 'Endpoints', apiVersion: 'v1', metadata: { resourceVersion: '7' } } };
    assert.ok(event(sample), ajv.errorsText(event.errors));
    const added = { type: 'ADDED', object: JSON.parse((await discovery.inject({ method: 'GET', url: '/api/v1/namespaces/payments/endpoints/ledger' })).body) };
    assert.ok(event(added), ajv.errorsText(event.errors));
    // The same for a slice watch: every slice (the null placeholder too) and a slice bookmark.
    const sliceEvent = ajv.compile(find(routes, 'GET', slices).watch?.item ?? {});
    const sliceList = JSON.parse((await discovery.inject({ method: 'GET', url: '/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices' })).body) as { items: unknown[] };
    assert.ok(sliceList.items.length >= 2);
    for (const object of sliceList.items) assert.ok(sliceEvent({ type: 'MODIFIED', object }), ajv.errorsText(sliceEvent.errors));
    const sliceBookmark = { type: 'BOOKMARK', object: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: { resourceVersion: '7' } } };
    assert.ok(sliceEvent(sliceBookmark), ajv.errorsText(sliceEvent.errors));
  } finally {
    await discovery.close();
  }
});
