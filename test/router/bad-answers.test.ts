// Discovery answering outside the Kubernetes API: a list that is `{}`, not JSON, or holds something that is
// not an object, and a watch that sends an event of no known type. Neither router reads such an answer as
// "no endpoints": requests fail at processor->discovery with cause bad_answer (not discovery_empty), and
// resolve once discovery answers properly. The hardened router's lenient reading keeps a malformed object
// to its own service (bad_answer for it only); the naive router's 2017 crash on `subsets: null` is kept
// (discovery_null), while any other object it cannot parse poisons it as bad_answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RouteError, createRouter, type Router, type RouterPolicy } from '../../services/router/index.ts';
import { eventually } from '../discovery/support.ts';
import { startUpstream, type Upstream } from './support.ts';

/** A fake API server: `list` is the body of every list answer; `watchLines` are written to every watch. */
interface FakeApi {
  url: string;
  list: string;
  watchLines: string[];
  lists: number;
  close(): Promise<void>;
}

async function fakeApi(): Promise<FakeApi> {
  const api: FakeApi = { url: '', list: '{}', watchLines: [], lists: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    if (req.url?.includes('watch=')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (const line of api.watchLines) res.write(`${line}\n`);
      return; // kept open, as a watch is
    }
    api.lists++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(api.list);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return api;
}

const endpoints = (name: string, subsets: unknown, rv = '7') => ({ kind: 'Endpoints', apiVersion: 'v1', metadata: { name, namespace: 'payments', resourceVersion: rv }, subsets });
const list = (items: unknown[], rv = '7') => JSON.stringify({ kind: 'EndpointsList', apiVersion: 'v1', metadata: { resourceVersion: rv }, items });
const good = (u: Upstream) => endpoints('ledger', [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'http', port: u.port, protocol: 'TCP' }] }]);

async function failure(router: Router): Promise<RouteError | undefined> {
  try {
    await router.request('ledger', { method: 'POST', path: '/v1/holds', body: {}, idempotent: true, deadlineMs: 3000 });
    return undefined;
  } catch (err) {
    if (err instanceof RouteError) return err;
    throw err;
  }
}

async function scene(policy: RouterPolicy, run: (api: FakeApi, router: Router, upstream: Upstream) => Promise<void>): Promise<void> {
  const api = await fakeApi();
  const upstream = await startUpstream('ledger-1');
  const router = await createRouter({
    policy,
    discoveryUrl: api.url,
    services: ['ledger'],
    startupWaitMs: 500,
    // The hardened router reads Endpoints here (its default is EndpointSlices: test/discovery/k8s-client.test.ts
    // and test/router/slices*.test.ts cover those), so both policies meet the same bad answers.
    ...(policy === 'naive' ? { naive: { retryIntervalMs: 100 } } : { tuning: { relistBackoffMs: 50, relistBackoffMaxMs: 200, discoveryApi: 'endpoints' as const } }),
  });
  try {
    await run(api, router, upstream);
  } finally {
    await router.close();
    await upstream.close();
    await api.close();
  }
}

for (const policy of ['naive', 'hardened'] as const) {
  describe(`${policy}: a discovery list outside the Kubernetes API`, () => {
    it('is bad_answer at processor->discovery, never an empty list; a proper list resolves', async () => {
      await scene(policy, async (api, router, upstream) => {
        for (const body of ['{}', 'not json', JSON.stringify({ items: [null] }), JSON.stringify({ kind: 'Status', items: [] })]) {
          api.list = body;
          const seen = api.lists;
          await eventually(() => api.lists > seen, 3000, `the router lists again (${body})`);
          const err = await failure(router);
          assert.ok(err, `${body}: fails`);
          assert.deepEqual([err.hop, err.cause], ['processor->discovery', 'bad_answer'], `${body}: ${err.message}`);
          assert.match(router.snapshot().resolution.error ?? '', /not JSON|not an EndpointsList/);
        }
        api.list = list([good(upstream)]);
        await eventually(async () => (await failure(router)) === undefined, 5000, 'resolves once the list is proper');
      });
    });
  });
}

describe('hardened on EndpointSlices (its default): a slice list outside the API', () => {
  it('is bad_answer at processor->discovery, naming the EndpointSliceList', async () => {
    const api = await fakeApi();
    const router = await createRouter({ policy: 'hardened', discoveryUrl: api.url, services: ['ledger'], startupWaitMs: 500, tuning: { relistBackoffMs: 50, relistBackoffMaxMs: 200 } });
    try {
      for (const body of ['{}', 'not json', JSON.stringify({ kind: 'EndpointSliceList', items: [null] })]) {
        api.list = body;
        const seen = api.lists;
        await eventually(() => api.lists > seen, 3000, `the router lists again (${body})`);
        const err = await failure(router);
        assert.ok(err, `${body}: fails`);
        assert.deepEqual([err.hop, err.cause], ['processor->discovery', 'bad_answer'], `${body}: ${err.message}`);
        assert.match(router.snapshot().resolution.error ?? '', /not JSON|not an EndpointSliceList/);
      }
    } finally {
      await router.close();
      await api.close();
    }
  });
});

describe('objects inside a proper list', () => {
  it('hardened: subsets that are not a list fail that service as bad_answer (lenient: the others still route)', async () => {
    await scene('hardened', async (api, router, upstream) => {
      api.list = list([endpoints('ledger', 'oops'), endpoints('feed', [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: upstream.port }] }])]);
      await eventually(() => router.snapshot().resolution.state === 'ok', 3000, 'listed');
      const err = await failure(router);
      assert.ok(err);
      assert.deepEqual([err.hop, err.cause], ['processor->discovery', 'bad_answer']);
      const feed = await router.request('feed', { method: 'GET', path: '/x', idempotent: true });
      assert.equal(feed.status, 200, 'another service still routes');
    });
  });

  it('naive: an object without a name poisons it as bad_answer; subsets: null is still the 2017 discovery_null', async () => {
    await scene('naive', async (api, router, upstream) => {
      api.list = list([good(upstream), { kind: 'Endpoints', metadata: {}, subsets: [] }]);
      await eventually(() => router.snapshot().resolution.state === 'poisoned', 3000, 'poisoned by the unnamed object');
      assert.equal((await failure(router))?.cause, 'bad_answer');
      api.list = list([good(upstream), endpoints('current-account', null)]);
      await eventually(async () => (await failure(router))?.cause === 'discovery_null', 3000, 'the null poisons it as in 2017');
    });
  });
});

describe('a watch event outside the Kubernetes API', () => {
  it('hardened: ends the watch and re-lists (an event of no known type is not "nothing changed")', async () => {
    await scene('hardened', async (api, router, upstream) => {
      api.list = list([good(upstream)]);
      api.watchLines = [JSON.stringify({ type: 'SOMETHING', object: good(upstream) })];
      await eventually(() => router.snapshot().resolution.watchRestarts >= 2, 5000, 'the watch is dropped, again and again');
      assert.ok(api.lists >= 3, `re-listed each time: ${api.lists}`);
      assert.equal(await failure(router), undefined, 'the endpoints from the proper list still route');
    });
  });
});
