// The hardened router sees the same thing whichever API it reads: through a sequence of discovery faults,
// a router on EndpointSlices and one on Endpoints settle on the same endpoints, sources and shapes at
// every step. (Why the catalog's numbers do not move with the hardened router's default.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter, type Router, type RouterSnapshot } from '../../services/router/index.ts';
import { admin, deregister, eventually, register } from '../discovery/support.ts';
import { startScene, startUpstream } from './support.ts';

/**
 * What a router routes to, per service: its endpoints (sorted; with the replica name unless two replicas
 * share an address, as under wrong_port on loopback, where the one endpoint carries whichever name came
 * last), their source, and the shape discovery showed.
 */
function seen(snapshot: RouterSnapshot): string {
  const out: Record<string, string> = {};
  for (const [name, s] of Object.entries(snapshot.services).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const keys = s.endpoints.map((e) => e.endpoint);
    const shown = s.endpoints.map((e) => (keys.indexOf(e.endpoint) === keys.lastIndexOf(e.endpoint) ? `${e.name ?? '?'}@${e.endpoint}` : e.endpoint));
    out[name] = `${s.source}/${s.subsets}: ${shown.sort().join(' ')}`;
  }
  return JSON.stringify(out);
}

describe('hardened router: EndpointSlices and Endpoints resolve alike', () => {
  it('settles on the same view after every discovery fault and change', async () => {
    const scene = await startScene({ ledger: ['ledger-1', 'ledger-2'], feed: ['feed-1'] }, { bookmarkMs: 100 });
    try {
      const url = scene.discovery.url;
      await admin(url, 'POST', '/__admin/services', { service: 'current-account' });
      const tuning = { watchIdleTimeoutMs: 500, lkgMaxAgeMs: 60_000 };
      const slices = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger', 'feed'], tuning });
      const endpoints = await createRouter({ policy: 'hardened', discoveryUrl: url, services: ['ledger', 'feed'], tuning: { ...tuning, discoveryApi: 'endpoints' } });
      scene.routers.push(slices, endpoints);
      const routers: Router[] = [slices, endpoints];

      const steps: Array<[string, () => Promise<unknown>, (view: string) => boolean]> = [
        ['start', async () => undefined, (v) => v.includes('"current-account":"none/empty: "')],
        ['null_subsets', () => admin(url, 'PUT', '/__admin/faults/null_subsets', { service: 'current-account' }), (v) => v.includes('"current-account":"none/null: "')],
        ['wrong_port', () => admin(url, 'PUT', '/__admin/faults/wrong_port', { service: 'ledger', port: 4999 }), (v) => (v.match(/:4999/g) ?? []).length === 2],
        ['heal', () => admin(url, 'DELETE', '/__admin/faults'), (v) => !v.includes(':4999') && v.includes('"current-account":"none/empty: "')],
        ['dead_endpoints', () => admin(url, 'PUT', '/__admin/faults/dead_endpoints', { service: 'ledger', count: 2 }), (v) => (v.match(/ledger-dead-/g) ?? []).length === 2],
        ['empty_subsets', () => admin(url, 'PUT', '/__admin/faults/empty_subsets', { service: 'ledger' }), (v) => v.includes('"ledger":"last_known_good/empty:')],
        ['heal', () => admin(url, 'DELETE', '/__admin/faults'), (v) => v.includes('"ledger":"live/ok:') && !v.includes('dead')],
        [
          'stall_watch, then ledger-1 moves',
          async () => {
            await admin(url, 'PUT', '/__admin/faults/stall_watch', {});
            const moved = await startUpstream('ledger-1-moved');
            scene.upstreams.set('ledger-1-moved', moved);
            await register(url, 'ledger', 'ledger-1', moved.port);
            return moved;
          },
          (v) => !v.includes(`ledger-1@127.0.0.1:${scene.upstreams.get('ledger-1')?.port}`),
        ],
        ['heal', () => admin(url, 'DELETE', '/__admin/faults'), () => true],
        ['feed scaled to zero', () => deregister(url, 'feed', 'feed-1'), (v) => v.includes('"feed":"last_known_good/empty:')],
        ['ledger deleted', () => admin(url, 'DELETE', '/__admin/services/payments/ledger'), (v) => v.includes('"ledger":"last_known_good/absent:')],
      ];
      for (const [name, act, expect] of steps) {
        await act();
        let last = '';
        await eventually(
          () => {
            const views = routers.map((r) => seen(r.snapshot()));
            last = views.join('\n  vs ');
            return views[0] === views[1] && expect(views[0] as string);
          },
          6000,
          `after ${name}: slices vs Endpoints\n  ${last}`,
        ).catch((err: Error) => {
          throw new Error(`${err.message}\n  ${last}`);
        });
      }
      assert.ok(slices.snapshot().resolution.idleRestarts >= 1 && endpoints.snapshot().resolution.idleRestarts >= 1, 'both noticed the stalled watch');
    } finally {
      await scene.close();
    }
  });
});
