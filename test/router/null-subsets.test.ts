// The Monzo Oct 2017 crash: a service scaled to zero is served with `subsets: null`. The naive router
// (linkerd 1.x) fails every service until a fresh list parses; the hardened one keeps routing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteError, createRouter, type Router } from '../../services/router/index.ts';
import { admin, eventually } from '../discovery/support.ts';
import { startScene } from './support.ts';

async function failure(router: Router, service: string): Promise<RouteError | undefined> {
  try {
    await router.request(service, { method: 'POST', path: '/v1/holds', body: {}, idempotent: true, deadlineMs: 8000 });
    return undefined;
  } catch (err) {
    if (err instanceof RouteError) return err;
    throw err;
  }
}

describe('subsets: null for another service in the namespace', () => {
  it('poisons the naive router for every service; the hardened router keeps routing', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'], feed: ['feed-1'] });
    try {
      const url = scene.discovery.url;
      await admin(url, 'POST', '/__admin/services', { service: 'current-account' });
      const naive = await createRouter({ policy: 'naive', discoveryUrl: url, services: ['ledger', 'feed'] });
      const hardened = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger', 'feed'], tuning: { attemptTimeoutMs: 3000 } });
      // The same defences reading Endpoints instead of slices.
      const onEndpoints = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger', 'feed'], tuning: { attemptTimeoutMs: 3000, discoveryApi: 'endpoints' } });
      scene.routers.push(naive, hardened, onEndpoints);
      assert.equal(hardened.snapshot().resolution.api, 'endpointslices');
      assert.equal(onEndpoints.snapshot().resolution.api, 'endpoints');
      assert.equal(naive.snapshot().resolution.api, 'endpoints');
      assert.equal(await failure(naive, 'ledger'), undefined);

      // Kubernetes starts serving null for the empty service: a MODIFIED event on the watch.
      await admin(url, 'PUT', '/__admin/faults/null_subsets', { service: 'current-account' });
      await eventually(async () => (await failure(naive, 'ledger')) !== undefined, 3000, 'the naive router notices the null');
      for (const service of ['ledger', 'feed']) {
        const err = await failure(naive, service);
        assert.ok(err, `naive ${service} fails`);
        assert.equal(err.cause, 'discovery_null');
        assert.equal(err.hop, 'processor->discovery');
        assert.equal(err.attempts, 0);
      }
      assert.equal(naive.snapshot().resolution.state, 'poisoned');
      assert.deepEqual(naive.snapshot().services.ledger?.endpoints, []);

      for (const router of [hardened, onEndpoints]) {
        const api = router.snapshot().resolution.api;
        await eventually(() => router.snapshot().services['current-account']?.subsets === 'null', 3000, `hardened (${api}) sees the null`);
        for (let i = 0; i < 50; i++) {
          assert.equal(await failure(router, i % 2 ? 'ledger' : 'feed'), undefined, `hardened (${api}) keeps routing`);
        }
        const zero = await failure(router, 'current-account');
        assert.equal(zero?.cause, 'discovery_null', `hardened (${api}): only the null service itself has no endpoints`);
      }

      // Restarting (as Monzo's engineers did) re-lists and meets the null again.
      await naive.restart();
      assert.equal((await failure(naive, 'ledger'))?.cause, 'discovery_null');
      await hardened.restart();
      assert.equal(await failure(hardened, 'ledger'), undefined);

      // A router that starts while the null is there never resolves anything.
      const fresh = await createRouter({ policy: 'naive', discoveryUrl: url, services: ['ledger'] });
      scene.routers.push(fresh);
      assert.equal((await failure(fresh, 'ledger'))?.cause, 'discovery_null');

      // Once discovery stops serving null (Monzo deleted the empty services), the naive router's next
      // list parses and it recovers.
      await admin(url, 'DELETE', '/__admin/services/payments/current-account');
      await eventually(async () => (await failure(naive, 'ledger')) === undefined, 5000, 'naive recovers');
      await eventually(async () => (await failure(fresh, 'ledger')) === undefined, 5000, 'the fresh naive router recovers');
    } finally {
      await scene.close();
    }
  });

  it('empty subsets: naive drops to nothing, hardened bridges with last-known-good up to its age limit', async () => {
    const scene = await startScene({ ledger: ['ledger-1'] });
    try {
      const url = scene.discovery.url;
      const naive = await createRouter({ policy: 'naive', discoveryUrl: url, services: ['ledger'] });
      const hardened = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'], tuning: { lkgMaxAgeMs: 1500, attemptTimeoutMs: 3000 } });
      const onEndpoints = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'], tuning: { lkgMaxAgeMs: 1500, attemptTimeoutMs: 3000, discoveryApi: 'endpoints' } });
      scene.routers.push(naive, hardened, onEndpoints);
      await admin(url, 'PUT', '/__admin/faults/empty_subsets', { service: 'ledger' });
      await eventually(() => naive.snapshot().services.ledger?.endpoints.length === 0, 3000, 'naive sees the empty subsets');
      assert.equal((await failure(naive, 'ledger'))?.cause, 'discovery_empty');
      for (const router of [hardened, onEndpoints]) {
        await eventually(() => router.snapshot().services.ledger?.subsets === 'empty', 3000, 'hardened sees the empty subsets');
        assert.equal(await failure(router, 'ledger'), undefined);
        assert.equal(router.snapshot().services.ledger?.source, 'last_known_good');
      }
      for (const router of [hardened, onEndpoints]) {
        await eventually(async () => (await failure(router, 'ledger'))?.cause === 'discovery_empty', 4000, 'last-known-good expires');
      }
      await admin(url, 'DELETE', '/__admin/faults/empty_subsets');
      await eventually(
        async () => (await failure(hardened, 'ledger')) === undefined && (await failure(onEndpoints, 'ledger')) === undefined && (await failure(naive, 'ledger')) === undefined,
        3000,
        'all recover',
      );
    } finally {
      await scene.close();
    }
  });
});
