// The hardened router resolves from EndpointSlices by default (Endpoints with discoveryApi: 'endpoints');
// the naive one only ever reads Endpoints. Proved against API servers that serve one of the two APIs only,
// and with a service whose replicas sit in several slices.
import http from 'node:http';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteError, createRouter, type Router } from '../../services/router/index.ts';
import { admin, deregister, eventually, register } from '../discovery/support.ts';
import { startScene, startUpstream } from './support.ts';

/** An API server in front of the stub that serves only the paths under `prefix` (404 for the rest). */
async function onlyApi(target: string, prefix: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    if (!(req.url ?? '').startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not served here', reason: 'NotFound', code: 404 }));
      return;
    }
    const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function outcome(router: Router): Promise<string> {
  try {
    const res = await router.request('ledger', { method: 'GET', path: '/', idempotent: true, deadlineMs: 2000 });
    return `ok:${(res.body as { upstream: string }).upstream}`;
  } catch (err) {
    if (err instanceof RouteError) return err.cause;
    throw err;
  }
}

describe('router: EndpointSlices', () => {
  it('hardened reads slices by default and Endpoints when told; naive reads Endpoints only', async () => {
    const scene = await startScene({ ledger: ['ledger-1'] });
    const slicesOnly = await onlyApi(scene.discovery.url, '/apis/discovery.k8s.io/v1/');
    const endpointsOnly = await onlyApi(scene.discovery.url, '/api/v1/');
    try {
      const make = (discoveryUrl: string, policy: 'naive' | 'hardened', discoveryApi?: 'endpoints') =>
        createRouter({ policy, discoveryUrl, services: ['ledger'], startupWaitMs: 2000, ...(discoveryApi ? { tuning: { discoveryApi } } : {}) });
      const cases = [
        [slicesOnly.url, 'hardened', undefined, 'ok:ledger-1'],
        [slicesOnly.url, 'hardened', 'endpoints', 'discovery_unavailable'],
        [slicesOnly.url, 'naive', undefined, 'discovery_unavailable'],
        [endpointsOnly.url, 'hardened', undefined, 'discovery_unavailable'],
        [endpointsOnly.url, 'hardened', 'endpoints', 'ok:ledger-1'],
        [endpointsOnly.url, 'naive', undefined, 'ok:ledger-1'],
      ] as const;
      for (const [url, policy, api, expected] of cases) {
        const router = await make(url, policy, api);
        scene.routers.push(router);
        const where = `${policy}${api ? ` (${api})` : ''} against ${url === slicesOnly.url ? 'slices only' : 'Endpoints only'}`;
        assert.equal(await outcome(router), expected, where);
        assert.equal(router.snapshot().resolution.api, policy === 'naive' || api ? 'endpoints' : 'endpointslices', where);
      }
    } finally {
      await scene.close();
      await slicesOnly.close();
      await endpointsOnly.close();
    }
  });

  it("joins a service's slices: replicas on two ports are both routed to; a slice deleted takes only its replicas away", async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
    try {
      const url = scene.discovery.url;
      const router = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'], tuning: { balancer: 'round_robin', lkgMaxAgeMs: 800 } });
      scene.routers.push(router);
      // Each replica has its own port, so its own slice.
      const slices = (await admin(url, 'GET', '/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices')) as { items: unknown[] };
      assert.equal(slices.items.length, 2);
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(await outcome(router));
      assert.deepEqual([...seen].sort(), ['ok:ledger-1', 'ok:ledger-2']);

      // A third replica joins ledger-1's port: same slice, MODIFIED.
      const third = await startUpstream('ledger-3');
      scene.upstreams.set('ledger-3', third);
      await register(url, 'ledger', 'ledger-3', third.port);
      await eventually(() => router.snapshot().services.ledger?.endpoints.length === 3, 3000, 'three endpoints');

      await deregister(url, 'ledger', 'ledger-2');
      await eventually(() => router.snapshot().services.ledger?.endpoints.length === 2, 3000, "ledger-2's slice is gone");
      const left = new Set<string>();
      for (let i = 0; i < 6; i++) left.add(await outcome(router));
      assert.deepEqual([...left].sort(), ['ok:ledger-1', 'ok:ledger-3']);

      // The last replicas go: a placeholder slice (no endpoints); last-known-good bridges, then discovery_empty.
      await deregister(url, 'ledger', 'ledger-1');
      await deregister(url, 'ledger', 'ledger-3');
      await eventually(() => router.snapshot().services.ledger?.subsets === 'empty', 3000, 'the placeholder is read as empty');
      assert.equal(router.snapshot().services.ledger?.source, 'last_known_good');
      await eventually(async () => (await outcome(router)) === 'discovery_empty', 3000, 'last-known-good expires');
    } finally {
      await scene.close();
    }
  });
});
