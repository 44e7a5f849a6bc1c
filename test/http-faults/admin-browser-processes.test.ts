// Admin routes refuse browsers on the real pipeline's processes (embedded topology): every replica of every
// service, over real sockets, and faultline's Toxiproxy-compatible API too. A bodyless
// POST /__admin/router/restart from a browser is 403 and restarts nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import { topologySchema } from '../../harness/scenario/schema.ts';
import type { ReplicaInfo, RunningTopology } from '../../harness/topology/types.ts';
import type { RouterSnapshot } from '../../services/router/index.ts';

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

let topology: RunningTopology;
before(async () => {
  topology = await startEmbeddedTopology(topologySchema.parse({ accounts: 20 }), { seed: 21 });
});
after(async () => {
  await topology?.stop();
});

interface Sent {
  status: number;
  text: string;
}

async function send(method: string, url: string, userAgent?: string, body?: string): Promise<Sent> {
  const headers: Record<string, string> = {};
  if (userAgent) headers['user-agent'] = userAgent;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

const HTTP_FAULT_ROUTES: Array<[string, string, string?]> = [
  ['GET', '/__admin/http-faults'],
  ['PUT', '/__admin/http-faults', '{"abort":{"percent":100,"status":503}}'],
  ['PUT', '/__admin/http-faults/web', '{"abort":{"percent":100,"status":503}}'],
  ['DELETE', '/__admin/http-faults'],
  ['DELETE', '/__admin/http-faults/web'],
  ['POST', '/__faults'],
];

const ROUTES: Record<string, Array<[string, string, string?]>> = {
  'card-processor': [['POST', '/__admin/router/restart'], ['GET', '/__admin/router'], ['POST', '/__admin/drain'], ...HTTP_FAULT_ROUTES],
  ledger: HTTP_FAULT_ROUTES,
  'ledger-store': HTTP_FAULT_ROUTES,
  feed: HTTP_FAULT_ROUTES,
  discovery: [
    ['POST', '/__admin/register', '{"service":"ledger","replica":"evil","port":9}'],
    ['POST', '/__admin/deregister', '{"service":"ledger","replica":"ledger-1"}'],
    ['POST', '/__admin/services', '{"service":"evil"}'],
    ['DELETE', '/__admin/services/payments/ledger'],
    ['GET', '/__admin/state'],
    ['GET', '/__admin/faults'],
    ['PUT', '/__admin/faults/stall_watch', '{}'],
    ['PUT', '/__admin/faults/null_subsets', '{"service":"ledger"}'],
    ['DELETE', '/__admin/faults/stall_watch'],
    ['DELETE', '/__admin/faults'],
  ],
};

test('every admin and fault route of every replica answers 403 to a browser; nothing changes', async () => {
  const replicas = topology.replicas();
  const services = new Set(replicas.map((r) => r.service));
  assert.deepEqual([...services].sort(), ['card-processor', 'discovery', 'feed', 'ledger', 'ledger-store']);
  const processor = replicas.find((r) => r.service === 'card-processor') as ReplicaInfo;
  const routerBefore = JSON.parse((await send('GET', `${processor.directUrl}/__admin/router`)).text) as RouterSnapshot;
  const stateBefore = (await send('GET', `${topology.urls.discovery}/__admin/state`)).text;

  let checked = 0;
  for (const replica of replicas) {
    for (const [method, path, body] of ROUTES[replica.service] ?? []) {
      for (const payload of body === undefined ? [undefined] : [undefined, body]) {
        const res = await send(method, `${replica.directUrl}${path}`, BROWSER, payload);
        assert.equal(res.status, 403, `${replica.name} ${method} ${path}: ${res.text}`);
        assert.deepEqual(JSON.parse(res.text), { error: 'User agent not allowed', code: 'FORBIDDEN', status: 403 });
        checked++;
      }
    }
  }
  assert.ok(checked > 50, `${checked} requests`);

  // Nothing happened: the mesh was not restarted (no fresh list), no fault or registration changed.
  const routerAfter = JSON.parse((await send('GET', `${processor.directUrl}/__admin/router`)).text) as RouterSnapshot;
  assert.equal(routerBefore.resolution.meshRestarts, 0);
  assert.equal(routerAfter.resolution.meshRestarts, 0, 'the mesh was not restarted');
  const registrations = (text: string) => {
    const state = JSON.parse(text) as { resourceVersion: string; services: unknown; faults: unknown };
    return { resourceVersion: state.resourceVersion, services: state.services, faults: state.faults };
  };
  assert.deepEqual(registrations((await send('GET', `${topology.urls.discovery}/__admin/state`)).text), registrations(stateBefore));
  for (const replica of replicas.filter((r) => r.service !== 'discovery')) {
    assert.deepEqual(JSON.parse((await send('GET', `${replica.directUrl}/__admin/http-faults`)).text), { rules: {} }, replica.name);
  }
});

test('the same bodyless restart from a non-browser client works (the guard is the only difference)', async () => {
  const processor = topology.replicas('card-processor')[0] as ReplicaInfo;
  const refused = await send('POST', `${processor.directUrl}/__admin/router/restart`, BROWSER);
  assert.equal(refused.status, 403);
  const before = JSON.parse((await send('GET', `${processor.directUrl}/__admin/router`)).text) as RouterSnapshot;
  const restarted = await send('POST', `${processor.directUrl}/__admin/router/restart`, 'faultline-test');
  assert.equal(restarted.status, 200, restarted.text);
  assert.deepEqual(JSON.parse(restarted.text), { restarted: true });
  const after = JSON.parse((await send('GET', `${processor.directUrl}/__admin/router`)).text) as RouterSnapshot;
  assert.equal(after.resolution.meshRestarts, before.resolution.meshRestarts + 1);
  assert.ok(after.resolution.lists > before.resolution.lists, 'a restart lists again');
});

test("faultline's Toxiproxy API refuses browsers with the same rule", async () => {
  const api = topology.urls.toxiproxy;
  for (const [method, path] of [
    ['GET', '/proxies'],
    ['POST', '/reset'],
    ['GET', '/version'],
  ] as const) {
    const res = await send(method, `${api}${path}`, BROWSER);
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.equal(res.text, 'User agent not allowed\n');
  }
  assert.equal((await send('GET', `${api}/proxies`, 'toxiproxy-node-client')).status, 200);
});
