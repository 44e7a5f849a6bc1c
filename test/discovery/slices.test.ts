// The EndpointSlice API (discovery.k8s.io/v1) and the Status bodies of every API error, through app.inject().
// Slices and Endpoints are two views of the same replicas: each test compares them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createDiscoveryApp } from '../../services/discovery/plugin.ts';
import type { EndpointSlice, EndpointSliceList, Endpoints, EndpointsList, Status } from '../../services/discovery/contract.ts';
import { viewOfEndpoints, viewOfSlices } from './support.ts';

const SLICES = '/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices';
const ENDPOINTS = '/api/v1/namespaces/payments/endpoints';
const NAME = /^[a-z0-9.-]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

describe('discovery stub: EndpointSlices, consistent with Endpoints', () => {
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
  const put = (kind: string, payload: unknown) => app.inject({ method: 'PUT', url: `/__admin/faults/${kind}`, payload: payload as object });
  const heal = () => app.inject({ method: 'DELETE', url: '/__admin/faults' });
  const slicesOf = async (service: string): Promise<EndpointSlice[]> => {
    const res = await get(`${SLICES}?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<EndpointSliceList>().items;
  };
  const endpointsOf = async (service: string): Promise<Endpoints> => (await get(`${ENDPOINTS}/${service}`)).json<Endpoints>();
  /** Both views of a service, asserted equal; returns the view. */
  const agree = async (service: string, when: string) => {
    const fromEndpoints = viewOfEndpoints(await endpointsOf(service));
    const fromSlices = viewOfSlices(await slicesOf(service));
    assert.deepEqual(fromSlices, fromEndpoints, `${service} ${when}: slices and Endpoints disagree`);
    return fromEndpoints;
  };

  before(async () => {
    ({ app } = await createDiscoveryApp({ bookmarkMs: 60_000 }));
    await post('/__admin/register', { service: 'ledger', replica: 'ledger-1', port: 4101 });
    await post('/__admin/register', { service: 'ledger', replica: 'ledger-2', port: 4102 });
    await post('/__admin/register', { service: 'ledger', replica: 'ledger-3', port: 4101 });
  });
  after(async () => {
    await app.close();
  });

  it('one slice per port set, shaped as the EndpointSlice controller writes it, at the same resourceVersion as the Endpoints', async () => {
    const slices = await slicesOf('ledger');
    assert.equal(slices.length, 2);
    const byPort = new Map(slices.map((s) => [s.ports?.[0]?.port, s]));
    const s4101 = byPort.get(4101) as EndpointSlice;
    assert.equal(s4101.kind, 'EndpointSlice');
    assert.equal(s4101.apiVersion, 'discovery.k8s.io/v1');
    assert.equal(s4101.addressType, 'IPv4');
    assert.match(s4101.metadata.name, NAME);
    assert.ok(s4101.metadata.name.startsWith('ledger-'));
    assert.equal(s4101.metadata.generateName, 'ledger-');
    assert.equal(s4101.metadata.namespace, 'payments');
    assert.deepEqual(s4101.metadata.labels, { 'kubernetes.io/service-name': 'ledger', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    const owner = s4101.metadata.ownerReferences[0];
    assert.equal(owner?.kind, 'Service');
    assert.equal(owner?.name, 'ledger');
    assert.equal(owner?.controller, true);
    assert.equal(byPort.get(4102)?.metadata.ownerReferences[0]?.uid, owner?.uid, "both slices name the same Service");
    assert.deepEqual(s4101.ports, [{ name: 'http', port: 4101, protocol: 'TCP' }]);
    assert.deepEqual(s4101.endpoints, [
      { addresses: ['127.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', name: 'ledger-1', namespace: 'payments' } },
      { addresses: ['127.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', name: 'ledger-3', namespace: 'payments' } },
    ]);
    assert.deepEqual(await agree('ledger', 'registered'), [
      'ledger-1@127.0.0.1:4101/http ready',
      'ledger-2@127.0.0.1:4102/http ready',
      'ledger-3@127.0.0.1:4101/http ready',
    ]);
    // One resourceVersion sequence: the lists agree, and the slice changed last carries the Endpoints' rv.
    const endpointsList = (await get(ENDPOINTS)).json<EndpointsList>();
    const sliceList = (await get(SLICES)).json<EndpointSliceList>();
    assert.equal(sliceList.metadata.resourceVersion, endpointsList.metadata.resourceVersion);
    const ledgerRv = (await endpointsOf('ledger')).metadata.resourceVersion;
    assert.equal(s4101.metadata.resourceVersion, ledgerRv, 'ledger-3 joined the 4101 slice in the last change');
    assert.ok(Number(byPort.get(4102)?.metadata.resourceVersion) < Number(ledgerRv), 'the 4102 slice did not change since');
  });

  it('a slice keeps its name while its port set lives; a change bumps its resourceVersion and generation', async () => {
    const before4101 = (await slicesOf('ledger')).find((s) => s.ports?.[0]?.port === 4101) as EndpointSlice;
    await post('/__admin/register', { service: 'ledger', replica: 'ledger-3', port: 4103 });
    const after = await slicesOf('ledger');
    assert.equal(after.length, 3);
    const same = after.find((s) => s.ports?.[0]?.port === 4101) as EndpointSlice;
    assert.equal(same.metadata.name, before4101.metadata.name);
    assert.equal(same.metadata.uid, before4101.metadata.uid);
    assert.equal(same.metadata.generation, before4101.metadata.generation + 1);
    assert.ok(Number(same.metadata.resourceVersion) > Number(before4101.metadata.resourceVersion));
    assert.equal(same.endpoints?.length, 1);
    await agree('ledger', 'after ledger-3 moved');
    const one = await get(`${SLICES}/${same.metadata.name}`);
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json(), same);
  });

  it('a service scaled to zero has one placeholder slice (endpoints [], ports null); null_subsets makes it endpoints: null', async () => {
    assert.equal((await post('/__admin/services', { service: 'current-account' })).statusCode, 201);
    const [placeholder, ...rest] = await slicesOf('current-account');
    assert.equal(rest.length, 0);
    assert.deepEqual(placeholder?.endpoints, []);
    assert.equal(placeholder?.ports, null);
    assert.deepEqual(await agree('current-account', 'scaled to zero'), []);
    assert.equal((await put('null_subsets', { service: 'current-account' })).statusCode, 200);
    const [nulled] = await slicesOf('current-account');
    assert.equal(nulled?.endpoints, null, 'the slice form of subsets: null');
    assert.equal(nulled?.metadata.name, placeholder?.metadata.name);
    assert.equal(await agree('current-account', 'under null_subsets'), null);
    await heal();
    assert.deepEqual((await slicesOf('current-account'))[0]?.endpoints, []);
  });

  it('every fault that reshapes a service acts on both views alike, and healing restores both', async () => {
    const healthy = await agree('ledger', 'healthy');
    for (const [kind, params, expect] of [
      ['wrong_port', { service: 'ledger', port: 4999 }, (v: string[] | null) => v?.length === 3 && v.every((l) => l.includes(':4999/'))],
      ['dead_endpoints', { service: 'ledger', count: 2 }, (v: string[] | null) => v?.length === 5 && v.filter((l) => l.startsWith('ledger-dead-')).length === 2],
      ['empty_subsets', { service: 'ledger' }, (v: string[] | null) => v?.length === 0],
      ['null_subsets', { service: 'ledger' }, (v: string[] | null) => v === null],
      // A period long enough that the first (absent) phase lasts the whole check.
      ['flap', { service: 'ledger', period_ms: 600_000 }, (v: string[] | null) => v?.length === 0],
    ] as const) {
      assert.equal((await put(kind, params)).statusCode, 200, kind);
      const view = await agree('ledger', `under ${kind}`);
      assert.ok(expect(view), `${kind}: ${JSON.stringify(view)}`);
      assert.notDeepEqual(view, healthy, `${kind} changed what discovery shows`);
      await heal();
      assert.deepEqual(await agree('ledger', `after healing ${kind}`), healthy);
    }
  });

  it('the API faults gate the slice routes as they gate Endpoints: hang, slow, fail', async () => {
    assert.equal((await put('hang_api', {})).statusCode, 200);
    let settled = false;
    const pending = get(SLICES).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(settled, false, 'a slice list hangs while hang_api is on');
    await heal();
    assert.equal((await pending).statusCode, 200);

    await put('slow_api', { delay_ms: 150 });
    const t0 = performance.now();
    assert.equal((await get(SLICES)).statusCode, 200);
    assert.ok(performance.now() - t0 >= 140, 'slowed');
    await heal();

    for (const [code, reason] of [
      [500, 'InternalError'],
      [503, 'ServiceUnavailable'],
      [504, 'Timeout'],
      [429, 'TooManyRequests'],
    ] as const) {
      await put('fail_api', { status: code });
      for (const url of [SLICES, `${ENDPOINTS}/ledger`, '/apis/discovery.k8s.io/v1/endpointslices?watch=1']) {
        const res = await get(url);
        assert.equal(res.statusCode, code, url);
        const status = res.json<Status>();
        assert.equal(status.kind, 'Status');
        assert.equal(status.reason, reason, `${code} ${url}`);
        assert.equal(status.code, code);
      }
    }
    await heal();
  });

  it('cluster-wide list, field and label selectors; a selector it cannot read is a 400 naming it', async () => {
    await post('/__admin/register', { namespace: 'risk', service: 'scoring', replica: 'scoring-1', port: 4300 });
    const all = (await get('/apis/discovery.k8s.io/v1/endpointslices')).json<EndpointSliceList>();
    assert.deepEqual([...new Set(all.items.map((s) => s.metadata.namespace))].sort(), ['payments', 'risk']);
    const risk = (await get('/apis/discovery.k8s.io/v1/endpointslices?fieldSelector=metadata.namespace%3Drisk')).json<EndpointSliceList>();
    assert.deepEqual(risk.items.map((s) => s.metadata.labels['kubernetes.io/service-name']), ['scoring']);
    const services = async (selector: string): Promise<string[]> => {
      const res = await get(`${SLICES}?labelSelector=${encodeURIComponent(selector)}`);
      assert.equal(res.statusCode, 200, `${selector}: ${res.body}`);
      return [...new Set(res.json<EndpointSliceList>().items.map((s) => s.metadata.labels['kubernetes.io/service-name']))].sort() as string[];
    };
    assert.deepEqual(await services('kubernetes.io/service-name in (ledger, current-account)'), ['current-account', 'ledger']);
    assert.deepEqual(await services('kubernetes.io/service-name!=ledger'), ['current-account']);
    assert.deepEqual(await services('kubernetes.io/service-name notin (ledger),endpointslice.kubernetes.io/managed-by'), ['current-account']);
    assert.deepEqual(await services('!kubernetes.io/service-name'), []);
    const byName = (await get(`${SLICES}?fieldSelector=metadata.name%3D${(await slicesOf('current-account'))[0]?.metadata.name}`)).json<EndpointSliceList>();
    assert.equal(byName.items.length, 1);
    for (const bad of ['kubernetes.io/service-name in ledger', 'a=b=c', 'Bad Key=x', 'x=' + 'v'.repeat(64)]) {
      const res = await get(`${SLICES}?labelSelector=${encodeURIComponent(bad)}`);
      assert.equal(res.statusCode, 400, bad);
      assert.equal(res.json<Status>().reason, 'BadRequest');
      assert.match(res.json<Status>().message, /label/i, bad);
    }
    // Endpoints carry no labels here: a label selector on them selects what it says.
    const labelled = (await get(`${ENDPOINTS}?labelSelector=kubernetes.io%2Fservice-name%3Dledger`)).json<EndpointsList>();
    assert.deepEqual(labelled.items, []);
  });

  it('every error the API answers is a Status the client can parse; the admin API keeps its own shape', async () => {
    const cases: Array<[string, string, number, string, Record<string, string>?, string?]> = [
      ['GET', '/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices/ledger-zzzzz', 404, 'NotFound'],
      ['GET', `${ENDPOINTS}/nobody`, 404, 'NotFound'],
      ['GET', '/api/v1/namespaces/payments/services', 404, 'NotFound'],
      ['GET', '/nothing/here', 404, 'NotFound'],
      ['GET', `${ENDPOINTS}/Not_A_Name`, 400, 'BadRequest'],
      ['GET', `${SLICES}/${'a'.repeat(300)}`, 414, 'BadRequest'],
      ['GET', `${ENDPOINTS}/%E0%A4%A`, 400, 'BadRequest'],
      ['POST', SLICES, 405, 'MethodNotAllowed', { 'content-type': 'application/json' }, '{}'],
      ['DELETE', `${ENDPOINTS}/ledger`, 405, 'MethodNotAllowed'],
      ['POST', ENDPOINTS, 413, 'RequestEntityTooLarge', { 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(70_000) })],
    ];
    for (const [method, url, code, reason, headers, payload] of cases) {
      const res = await app.inject({ method: method as 'GET', url, ...(headers ? { headers } : {}), ...(payload ? { payload } : {}) });
      const where = `${method} ${url.slice(0, 80)}`;
      assert.equal(res.statusCode, code, `${where}: ${res.body.slice(0, 200)}`);
      assert.match(String(res.headers['content-type']), /^application\/json/, where);
      const status = res.json<Status>();
      assert.deepEqual(
        { kind: status.kind, apiVersion: status.apiVersion, metadata: status.metadata, status: status.status, code: status.code, reason: status.reason },
        { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason },
        where,
      );
      assert.ok(status.message.length > 10, where);
      if (code === 405) assert.equal(res.headers.allow, 'GET, HEAD', where);
    }
    const missing = (await get('/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices/ledger-zzzzz')).json<Status>();
    assert.deepEqual(missing.details, { name: 'ledger-zzzzz', group: 'discovery.k8s.io', kind: 'endpointslices' });
    assert.equal(missing.message, 'endpointslices.discovery.k8s.io "ledger-zzzzz" not found');
    // The admin API answers faultline's {error, code, status}, as every faultline admin API does.
    const adminMissing = await get('/__admin/nothing');
    assert.equal(adminMissing.statusCode, 404);
    assert.equal(adminMissing.json().code, 'NOT_FOUND');
    const adminMethod = await get('/__admin/register');
    assert.equal(adminMethod.statusCode, 405);
    assert.match(adminMethod.json().error, /POST/);
  });
});
