// The Monzo watch timeouts: the watch goes silent while the ledger moves to a new port. The naive router
// keeps routing to the dead port; the hardened one notices the silence, re-lists and recovers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteError, createRouter, type Router } from '../../services/router/index.ts';
import { admin, eventually, register } from '../discovery/support.ts';
import { startScene, startUpstream } from './support.ts';

async function outcome(router: Router): Promise<string> {
  try {
    const res = await router.request('ledger', { method: 'GET', path: '/', idempotent: true, deadlineMs: 1000 });
    return `ok:${res.endpoint}`;
  } catch (err) {
    if (err instanceof RouteError) return err.cause;
    throw err;
  }
}

describe('stalled watch and a ledger that moved', () => {
  it('naive routes to the dead port until restarted; hardened re-lists and recovers within seconds', async () => {
    const scene = await startScene({ ledger: ['ledger-1'] });
    try {
      const url = scene.discovery.url;
      const old = scene.upstreams.get('ledger-1')!;
      const naive = await createRouter({ policy: 'naive', discoveryUrl: url, services: ['ledger'] });
      const hardened = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'] });
      const onEndpoints = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger'], tuning: { discoveryApi: 'endpoints' } });
      scene.routers.push(naive, hardened, onEndpoints);
      for (const router of [naive, hardened, onEndpoints]) assert.equal(await outcome(router), `ok:127.0.0.1:${old.port}`);

      await admin(url, 'PUT', '/__admin/faults/stall_watch', {});
      const moved = await startUpstream('ledger-1-new');
      scene.upstreams.set('ledger-1-new', moved);
      await register(url, 'ledger', 'ledger-1', moved.port);
      await old.close();
      const movedAt = performance.now();

      // Hardened on slices (its default) and on Endpoints: the same defence, the same recovery.
      for (const router of [hardened, onEndpoints]) {
        const api = router.snapshot().resolution.api;
        const recoveredIn = await eventually(async () => (await outcome(router)) === `ok:127.0.0.1:${moved.port}`, 12_000, `hardened (${api}) recovers`, 100);
        assert.ok(performance.now() - movedAt < 10_000, `hardened (${api}) recovered ${Math.round(recoveredIn)} ms after checking`);
        assert.ok(router.snapshot().resolution.idleRestarts >= 1, `hardened (${api}) recovered by noticing the silent watch`);
      }

      // The naive router never noticed: still the old port, still refused, even seconds later.
      while (performance.now() - movedAt < 4000) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await outcome(naive), 'connection_refused');
      assert.deepEqual(
        naive.snapshot().services.ledger?.endpoints.map((e) => e.endpoint),
        [`127.0.0.1:${old.port}`],
      );
      assert.equal(naive.snapshot().resolution.lists, 1);

      // Restarting it re-lists: GETs are fresh during the stall, so it finds the new port.
      await naive.restart();
      assert.equal(await outcome(naive), `ok:127.0.0.1:${moved.port}`);
      await admin(url, 'DELETE', '/__admin/faults/stall_watch');
    } finally {
      await scene.close();
    }
  });
});
