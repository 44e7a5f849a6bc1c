// Both policies balance across real upstreams and follow discovery changes through the watch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter, type RouterPolicy } from '../../services/router/index.ts';
import { deregister, eventually, register } from '../discovery/support.ts';
import { startScene, startUpstream } from './support.ts';

for (const policy of ['naive', 'hardened'] as RouterPolicy[]) {
  describe(`${policy} router: balancing and following discovery`, () => {
    it('balances across both endpoints, sequentially and concurrently', async () => {
      const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
      try {
        // Generous attempt timeouts: the machine may be loaded, and this test counts attempts.
        const router = await createRouter({ policy, discoveryUrl: scene.discovery.url, services: ['ledger'], seed: 7, tuning: { attemptTimeoutMs: 5000 } });
        scene.routers.push(router);
        for (let i = 0; i < 100; i++) {
          const res = await router.request('ledger', { method: 'POST', path: '/v1/holds', body: { i }, idempotent: true, deadlineMs: 10_000 });
          assert.equal(res.status, 200);
          assert.equal(res.attempts, 1);
          assert.deepEqual((res.body as { body: unknown }).body, { i });
        }
        const a = scene.upstreams.get('ledger-1')!;
        const b = scene.upstreams.get('ledger-2')!;
        assert.ok(a.hits >= 20 && b.hits >= 20, `hits ${a.hits}/${b.hits}`);
        a.hits = 0;
        b.hits = 0;
        const results = await Promise.all(Array.from({ length: 200 }, () => router.request('ledger', { method: 'GET', path: '/ping', idempotent: true, deadlineMs: 10_000 })));
        assert.ok(results.every((r) => r.status === 200));
        assert.ok(a.hits >= 40 && b.hits >= 40, `concurrent hits ${a.hits}/${b.hits}`);
        const snap = router.snapshot();
        assert.equal(snap.policy, policy);
        assert.equal(snap.services.ledger?.endpoints.length, 2);
        assert.equal(snap.counters.requests, 300);
      } finally {
        await scene.close();
      }
    });

    it('follows a deregistration and a new registration via the watch', async () => {
      const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'] });
      try {
        const router = await createRouter({ policy, discoveryUrl: scene.discovery.url, services: ['ledger'], seed: 3, tuning: { attemptTimeoutMs: 5000 } });
        scene.routers.push(router);
        const lists = router.snapshot().resolution.lists;
        await deregister(scene.discovery.url, 'ledger', 'ledger-1');
        await eventually(() => router.snapshot().services.ledger?.endpoints.length === 1, 3000, 'the deregistration reaches the router');
        const b = scene.upstreams.get('ledger-2')!;
        const before = b.hits;
        for (let i = 0; i < 20; i++) {
          const res = await router.request('ledger', { method: 'GET', path: '/x', idempotent: true, deadlineMs: 10_000 });
          assert.equal(res.endpoint, `127.0.0.1:${b.port}`);
        }
        assert.equal(b.hits - before, 20);

        const c = await startUpstream('ledger-3');
        scene.upstreams.set('ledger-3', c);
        await register(scene.discovery.url, 'ledger', 'ledger-3', c.port);
        await eventually(() => router.snapshot().services.ledger?.endpoints.length === 2, 3000, 'the registration reaches the router');
        for (let i = 0; i < 20; i++) await router.request('ledger', { method: 'GET', path: '/x', idempotent: true, deadlineMs: 10_000 });
        assert.ok(c.hits > 0);
        assert.equal(router.snapshot().resolution.lists, lists, 'followed by the watch, without re-listing');
      } finally {
        await scene.close();
      }
    });

    it('restart() re-lists from discovery', async () => {
      const scene = await startScene({ ledger: ['ledger-1'] });
      try {
        const router = await createRouter({ policy, discoveryUrl: scene.discovery.url, services: ['ledger'], tuning: { attemptTimeoutMs: 5000 } });
        scene.routers.push(router);
        const lists = router.snapshot().resolution.lists;
        await router.restart();
        assert.equal(router.snapshot().resolution.lists, lists + 1);
        assert.equal(router.snapshot().services.ledger?.endpoints.length, 1);
        assert.equal((await router.request('ledger', { method: 'GET', path: '/', idempotent: true, deadlineMs: 10_000 })).status, 200);
      } finally {
        await scene.close();
      }
    });
  });
}
