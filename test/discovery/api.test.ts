// The Kubernetes API shapes and the admin API, through app.inject().
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createDiscoveryApp } from '../../services/discovery/plugin.ts';
import type { Endpoints, EndpointsList, Status } from '../../services/discovery/contract.ts';

describe('discovery stub: Kubernetes Endpoints API and admin API', () => {
  let app: FastifyInstance;
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
  const get = (url: string) => app.inject({ method: 'GET', url });

  before(async () => {
    ({ app } = await createDiscoveryApp({ bookmarkMs: 60_000 }));
  });
  after(async () => {
    await app.close();
  });

  it('answers /health, even while the API hangs', async () => {
    await app.inject({ method: 'PUT', url: '/__admin/faults/hang_api', payload: {} });
    try {
      const res = await get('/health');
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().status, 'ok');
    } finally {
      await app.inject({ method: 'DELETE', url: '/__admin/faults/hang_api' });
    }
  });

  it('renders registered replicas as an Endpoints object, one subset per distinct port', async () => {
    assert.equal((await post('/__admin/register', { service: 'ledger', replica: 'ledger-1', port: 4101 })).json().event, 'ADDED');
    assert.equal((await post('/__admin/register', { service: 'ledger', replica: 'ledger-2', port: 4102 })).json().event, 'MODIFIED');
    assert.equal((await post('/__admin/register', { service: 'ledger', replica: 'ledger-3', ip: '127.0.0.1', port: 4101 })).json().event, 'MODIFIED');
    assert.equal((await post('/__admin/register', { service: 'ledger', replica: 'ledger-3', ip: '127.0.0.1', port: 4101 })).json().event, 'UNCHANGED');
    const res = await get('/api/v1/namespaces/payments/endpoints/ledger');
    assert.equal(res.statusCode, 200);
    const ep = res.json<Endpoints>();
    assert.equal(ep.kind, 'Endpoints');
    assert.equal(ep.apiVersion, 'v1');
    assert.equal(ep.metadata.name, 'ledger');
    assert.equal(ep.metadata.namespace, 'payments');
    assert.match(ep.metadata.resourceVersion, /^\d+$/);
    assert.ok(ep.metadata.uid);
    assert.deepEqual(ep.subsets, [
      {
        addresses: [
          { ip: '127.0.0.1', targetRef: { kind: 'Pod', name: 'ledger-1', namespace: 'payments' } },
          { ip: '127.0.0.1', targetRef: { kind: 'Pod', name: 'ledger-3', namespace: 'payments' } },
        ],
        ports: [{ name: 'http', port: 4101, protocol: 'TCP' }],
      },
      {
        addresses: [{ ip: '127.0.0.1', targetRef: { kind: 'Pod', name: 'ledger-2', namespace: 'payments' } }],
        ports: [{ name: 'http', port: 4102, protocol: 'TCP' }],
      },
    ]);
  });

  it('register replaces a replica that moved; resourceVersion increases on every change', async () => {
    const rv1 = Number((await get('/api/v1/namespaces/payments/endpoints/ledger')).json<Endpoints>().metadata.resourceVersion);
    await post('/__admin/register', { service: 'ledger', replica: 'ledger-3', port: 4103 });
    const ep = (await get('/api/v1/namespaces/payments/endpoints/ledger')).json<Endpoints>();
    assert.ok(Number(ep.metadata.resourceVersion) > rv1);
    const ports = (ep.subsets ?? []).map((s) => s.ports?.[0]?.port);
    assert.deepEqual(ports, [4101, 4102, 4103]);
  });

  it('lists a namespace as an EndpointsList, and filters by fieldSelector=metadata.name', async () => {
    await post('/__admin/services', { service: 'feed' });
    const list = (await get('/api/v1/namespaces/payments/endpoints')).json<EndpointsList>();
    assert.equal(list.kind, 'EndpointsList');
    assert.equal(list.apiVersion, 'v1');
    assert.match(list.metadata.resourceVersion, /^\d+$/);
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['feed', 'ledger'],
    );
    const one = (await get('/api/v1/namespaces/payments/endpoints?fieldSelector=metadata.name%3Dfeed')).json<EndpointsList>();
    assert.deepEqual(
      one.items.map((i) => i.metadata.name),
      ['feed'],
    );
    const other = (await get('/api/v1/namespaces/elsewhere/endpoints')).json<EndpointsList>();
    assert.deepEqual(other.items, []);
  });

  it('a service scaled to zero renders subsets: [] (not null) when no fault is on', async () => {
    const res = await post('/__admin/services', { service: 'current-account' });
    assert.equal(res.statusCode, 201);
    assert.equal((await post('/__admin/services', { service: 'current-account' })).statusCode, 200);
    const ep = (await get('/api/v1/namespaces/payments/endpoints/current-account')).json<Endpoints>();
    assert.deepEqual(ep.subsets, []);
  });

  it('deregistering the last replica leaves the service with subsets: []', async () => {
    await post('/__admin/register', { service: 'solo', replica: 'solo-1', port: 4200 });
    const res = await post('/__admin/deregister', { service: 'solo', replica: 'solo-1' });
    assert.equal(res.json().removed, true);
    assert.equal((await post('/__admin/deregister', { service: 'solo', replica: 'solo-1' })).json().removed, false);
    assert.deepEqual((await get('/api/v1/namespaces/payments/endpoints/solo')).json<Endpoints>().subsets, []);
  });

  it('an unknown name is a 404 Status object; deleting a service makes it unknown', async () => {
    await post('/__admin/services', { service: 'doomed' });
    assert.equal((await app.inject({ method: 'DELETE', url: '/__admin/services/payments/doomed' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'DELETE', url: '/__admin/services/payments/doomed' })).statusCode, 404);
    const res = await get('/api/v1/namespaces/payments/endpoints/doomed');
    assert.equal(res.statusCode, 404);
    const status = res.json<Status>();
    assert.deepEqual(status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'endpoints "doomed" not found',
      reason: 'NotFound',
      code: 404,
      details: { name: 'doomed', kind: 'endpoints' },
    });
  });

  it('bad API input is a 400 Status naming the problem', async () => {
    const bad = await get('/api/v1/namespaces/payments/endpoints?resourceVersion=abc');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<Status>().kind, 'Status');
    assert.match(bad.json<Status>().message, /resourceVersion/);
    const selector = await get('/api/v1/namespaces/payments/endpoints?fieldSelector=spec.foo%3Dbar');
    assert.equal(selector.statusCode, 400);
    assert.match(selector.json<Status>().message, /spec\.foo/);
    assert.equal((await get('/api/v1/namespaces/Bad_NS/endpoints')).statusCode, 400);
  });

  it('bad admin input is a 4xx naming the field, and changes nothing', async () => {
    const rv = (await get('/api/v1/namespaces/payments/endpoints')).json<EndpointsList>().metadata.resourceVersion;
    const noPort = await post('/__admin/register', { service: 'ledger', replica: 'x' });
    assert.equal(noPort.statusCode, 400);
    assert.match(noPort.json().error, /port/);
    const badPort = await post('/__admin/register', { service: 'ledger', replica: 'x', port: 70000 });
    assert.equal(badPort.statusCode, 400);
    const extra = await post('/__admin/register', { service: 'ledger', replica: 'x', port: 1, weight: 3 });
    assert.equal(extra.statusCode, 400);
    const badName = await post('/__admin/services', { service: 'Not A Name' });
    assert.equal(badName.statusCode, 400);
    assert.match(badName.json().error, /service/);
    const malformed = await app.inject({ method: 'POST', url: '/__admin/register', headers: { 'content-type': 'application/json' }, payload: '{"service":' });
    assert.equal(malformed.statusCode, 400);
    assert.equal((await get('/api/v1/namespaces/payments/endpoints')).json<EndpointsList>().metadata.resourceVersion, rv);
  });

  it('faults: unknown kinds are 404, bad params 400, and PUT/DELETE report what they did', async () => {
    assert.equal((await app.inject({ method: 'PUT', url: '/__admin/faults/nope', payload: {} })).statusCode, 404);
    assert.equal((await app.inject({ method: 'DELETE', url: '/__admin/faults/nope' })).statusCode, 404);
    const bad = await app.inject({ method: 'PUT', url: '/__admin/faults/fail_api', payload: { status: 200, percent: 50 } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error, /status/);
    assert.equal((await app.inject({ method: 'PUT', url: '/__admin/faults/null_subsets', payload: {} })).statusCode, 400);
    const put = await app.inject({ method: 'PUT', url: '/__admin/faults/null_subsets', payload: { service: 'current-account' } });
    assert.equal(put.statusCode, 200);
    assert.equal(put.json().service_known, true);
    const put2 = await app.inject({ method: 'PUT', url: '/__admin/faults/null_subsets', payload: { service: 'feed' } });
    assert.equal(put2.statusCode, 200);
    const state = (await get('/__admin/state')).json<{ faults: Array<{ kind: string; service?: string }> }>();
    assert.deepEqual(
      state.faults.map((f) => `${f.kind}:${f.service}`),
      ['null_subsets:current-account', 'null_subsets:feed'],
    );
    const healOne = await app.inject({ method: 'DELETE', url: '/__admin/faults/null_subsets?service=feed' });
    assert.deepEqual(healOne.json(), { healed: 1 });
    assert.deepEqual((await app.inject({ method: 'DELETE', url: '/__admin/faults' })).json(), { healed: 1 });
    assert.deepEqual((await get('/api/v1/namespaces/payments/endpoints/current-account')).json<Endpoints>().subsets, []);
  });

  it("fault bodies follow each fault's declaration: defaults filled, fields named in 400s, no body for a fault without required params", async () => {
    const put = (kind: string, payload?: unknown) =>
      app.inject({ method: 'PUT', url: `/__admin/faults/${kind}`, ...(payload === undefined ? {} : { payload: payload as object }) });
    const dead = await put('dead_endpoints', { service: 'ledger' });
    assert.equal(dead.statusCode, 200);
    assert.deepEqual(dead.json().params, { service: 'ledger', count: 1 }, 'count defaults to 1');
    const slow = await put('slow_api', {});
    assert.deepEqual(slow.json().params, { delay_ms: 500 });
    await app.inject({ method: 'DELETE', url: '/__admin/faults' });
    for (const [kind, payload, field] of [
      ['dead_endpoints', { service: 'ledger', count: 0 }, /body\/count /],
      ['flap', { service: 'ledger', period_ms: 5 }, /body\/period_ms /],
      ['null_subsets', { service: 'Not A Name' }, /body\/service /],
      ['stall_watch', { extra: 1 }, /body\/extra is not an allowed field/],
    ] as const) {
      const res = await put(kind, payload);
      assert.equal(res.statusCode, 400, kind);
      assert.match(res.json().error, field, kind);
    }
    assert.equal((await put('stall_watch')).statusCode, 200, 'no body at all');
    assert.equal((await app.inject({ method: 'PUT', url: '/__admin/faults/hang_api', headers: { 'content-type': 'application/json' }, payload: 'null' })).statusCode, 200);
    const listed = (await get('/__admin/faults')).json<{ kinds: Array<{ kind: string; scoped: boolean; params: { properties: Record<string, unknown> } }> }>();
    const flap = listed.kinds.find((k) => k.kind === 'flap');
    assert.equal(flap?.scoped, true);
    assert.deepEqual(Object.keys(flap?.params.properties ?? {}).sort(), ['namespace', 'period_ms', 'service']);
    await app.inject({ method: 'DELETE', url: '/__admin/faults' });
  });
});
