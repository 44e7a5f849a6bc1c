// Admin and fault routes refuse web browsers (services/common/browser-guard.ts), checked on every admin
// route every service plugin registers (collected with an onRoute hook, so a route added later is covered
// too), through app.inject(): 403 for a browser User-Agent before any handler runs; other clients and
// non-admin routes are unaffected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, FastifyPluginAsync, FastifyPluginOptions } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import { httpFaultsPlugin } from '../../services/common/http-faults.ts';
import { isAdminPath, isBrowserUserAgent } from '../../services/common/browser-guard.ts';
import { cardProcessorPlugin } from '../../services/card-processor/plugin.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { ledgerReplicaPlugin } from '../../services/ledger/replica-plugin.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { feedPlugin } from '../../services/feed/plugin.ts';
import { FeedState } from '../../services/feed/feed-state.ts';
import { discoveryPlugin } from '../../services/discovery/plugin.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import type { Router, RouterSnapshot } from '../../services/router/index.ts';

const BROWSERS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0',
];

test('the rule is Toxiproxy\'s: a User-Agent starting "Mozilla/"; admin paths are /__admin and /__faults', () => {
  for (const ua of BROWSERS) assert.equal(isBrowserUserAgent(ua), true);
  for (const ua of [undefined, '', 'node', 'undici', 'curl/8.5.0', 'toxiproxy-cli', 'mozilla/5.0 lower-case is not a browser']) assert.equal(isBrowserUserAgent(ua), false, String(ua));
  for (const path of ['/__admin', '/__admin/router/restart', '/__faults', '/__faults/x']) assert.equal(isAdminPath(path), true, path);
  for (const path of ['/health', '/__administrator', '/v1/__admin', '/__faultsx']) assert.equal(isAdminPath(path), false, path);
});

/** A router stand-in that counts restarts (the guard is under test, not the mesh). */
function countingRouter(): Router & { restarts: number } {
  const snapshot = { policy: 'hardened', namespace: 'payments', discoveryUrl: '', resolution: { state: 'ok' }, services: {}, counters: {} } as unknown as RouterSnapshot;
  const router = {
    restarts: 0,
    request: async () => ({ status: 503, body: null, attempts: 1 }),
    restart: async () => {
      router.restarts++;
    },
    snapshot: () => snapshot,
    close: async () => {},
  };
  return router as unknown as Router & { restarts: number };
}

interface Service {
  name: string;
  app: FastifyInstance;
  admin: Array<{ method: string; url: string }>;
}

async function build(name: string, register: (app: FastifyInstance) => Promise<void>): Promise<Service> {
  const app = createApp();
  const admin: Service['admin'] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!isAdminPath(route.url)) return;
    for (const method of methods) if (method !== 'HEAD') admin.push({ method, url: route.url.replace(/:([A-Za-z]+)/g, 'x') });
  });
  await register(app);
  await app.ready();
  return { name, app, admin };
}

const register = <O extends FastifyPluginOptions>(plugin: FastifyPluginAsync<O>, opts: O) => async (app: FastifyInstance) => {
  await app.register(httpFaultsPlugin, { seed: 1, replica: 'r' });
  await app.register(plugin, opts);
};

test('every admin and fault route of every service answers 403 to a browser, before its handler runs', async () => {
  const router = countingRouter();
  const accounts = seedAccounts(1, 5);
  const services = [
    await build('card-processor', register(cardProcessorPlugin, { replica: 'card-processor-1', router, seed: 1, accounts: 5, feedEvents: false })),
    await build('ledger-store', register(ledgerStorePlugin, { book: createLedgerBook({ seed: 1, accounts: 5, idempotency: true }), replica: 'ledger-store' })),
    await build('ledger', register(ledgerReplicaPlugin, { replica: 'ledger-1', storeUrl: 'http://127.0.0.1:9' })),
    await build('feed', register(feedPlugin, { state: new FeedState({ accounts, seed: 1 }), replica: 'feed-1' })),
    await build('discovery', async (app) => {
      await app.register(discoveryPlugin, { bookmarkMs: 60_000 });
    }),
  ];
  try {
    for (const service of services) {
      assert.ok(service.admin.length > 0, `${service.name} registers admin routes`);
      for (const { method, url } of service.admin) {
        for (const ua of BROWSERS) {
          // A bodyless request (what a web page can send without a CORS preflight) and one with a body.
          for (const payload of [undefined, '{}']) {
            const res = await service.app.inject({
              method: method as 'GET',
              url,
              headers: { 'user-agent': ua, ...(payload ? { 'content-type': 'application/json' } : {}) },
              payload,
            });
            assert.equal(res.statusCode, 403, `${service.name} ${method} ${url}: ${res.body}`);
            assert.deepEqual(res.json(), { error: 'User agent not allowed', code: 'FORBIDDEN', status: 403 });
          }
        }
      }
      // A path no route matches, and one percent-encoded: still an admin path.
      for (const url of ['/__admin/nothing-here', '/__faults', '/%5F%5Fadmin/http-faults']) {
        const res = await service.app.inject({ method: 'POST', url, headers: { 'user-agent': BROWSERS[0] } });
        assert.equal(res.statusCode, 403, `${service.name} POST ${url}`);
      }
    }
    assert.equal(router.restarts, 0, 'no browser request restarted the mesh');

    // Other clients still reach the admin routes; browsers still reach the public ones.
    const processor = services[0]!.app;
    const restart = await processor.inject({ method: 'POST', url: '/__admin/router/restart', headers: { 'user-agent': 'node' } });
    assert.equal(restart.statusCode, 200, restart.body);
    assert.equal(router.restarts, 1);
    const faults = await services[3]!.app.inject({ method: 'GET', url: '/__admin/http-faults' });
    assert.equal(faults.statusCode, 200);
    const balance = await services[3]!.app.inject({ method: 'GET', url: `/v1/accounts/${accounts[0]!.id}/balance`, headers: { 'user-agent': BROWSERS[0] } });
    assert.equal(balance.statusCode, 200);
    const health = await services[4]!.app.inject({ method: 'GET', url: '/health', headers: { 'user-agent': BROWSERS[1] } });
    assert.equal(health.statusCode, 200);
  } finally {
    await Promise.all(services.map((s) => s.app.close()));
  }
});
