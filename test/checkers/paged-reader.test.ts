// The reader's account and balance reads through the paged listings, over real sockets: against faultline's
// own ledger (store + a replica) and feed the paged reads equal the one-by-one reads on the same state, in the
// order asked, in a handful of requests; against a ledger without the listing (404 or 405) it falls back to
// one by one; ids the pages do not hold are read one by one; a malformed page is a read error naming it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { seedAccounts } from '../../services/common/accounts.ts';
import { createApp } from '../../services/common/app.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { ledgerReplicaPlugin } from '../../services/ledger/replica-plugin.ts';
import { FeedState } from '../../services/feed/feed-state.ts';
import { FEED_BODY_LIMIT, feedPlugin } from '../../services/feed/plugin.ts';
import type { AccountView, HoldResponse } from '../../services/ledger/contract.ts';
import { createLedgerReader, LedgerReadError, type LedgerReader, type LedgerReaderOptions } from '../../harness/checkers/ledger-reader.ts';

const SEED = 3;
const COUNT = 30;
const ids = seedAccounts(SEED, COUNT).map((s) => s.id);
const book = createLedgerBook({ seed: SEED, accounts: COUNT, idempotency: true });
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

/** Paths asked of an app, by kind: the listing or one account. */
const asked = { list: 0, one: 0 };
async function listen(app: FastifyInstance, count = false): Promise<string> {
  if (count) {
    app.addHook('onRequest', async (request) => {
      if (/^\/v1\/(accounts|balances)\?/.test(request.url) || /^\/v1\/(accounts|balances)$/.test(request.url)) asked.list++;
      else if (request.url.startsWith('/v1/accounts/')) asked.one++;
    });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function serve(handler: RequestListener): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const store = createApp();
await store.register(ledgerStorePlugin, { book, replica: 'ledger-store' });
const storeUrl = await listen(store);
const replica = createApp();
await replica.register(ledgerReplicaPlugin, { replica: 'ledger-1', storeUrl, storeConnections: 2 });
const ledgerUrl = await listen(replica, true);
const feedState = new FeedState({ accounts: seedAccounts(SEED, COUNT), seed: SEED });
const feed = createApp({ bodyLimit: FEED_BODY_LIMIT });
await feed.register(feedPlugin, { state: feedState, replica: 'feed-1' });
const feedUrl = await listen(feed, true);

// Some state: holds on a few accounts, the feed told of most of them.
for (const [i, id] of [ids[2], ids[9], ids[17], ids[29]].entries()) {
  const res = await store.inject({
    method: 'POST',
    url: '/v1/holds',
    payload: { request_id: `h-${i}`, authorization_id: `a-${i}`, account_id: id, amount: { value: 10 + i, currency: 'GBP' } },
  });
  const held = res.json<HoldResponse>();
  if (i < 3 && held.account) {
    feedState.apply([{ event_id: `e-${i}`, account_id: id!, kind: 'hold', authorization_id: `a-${i}`, amount: 10 + i, currency: 'GBP', account: held.account, at: 1 + i }]);
  }
}

async function withReader<T>(options: Partial<LedgerReaderOptions> & { ledgerUrl: string }, fn: (reader: LedgerReader) => Promise<T>): Promise<T> {
  const reader = createLedgerReader({ timeoutMs: 5000, ...options });
  try {
    return await fn(reader);
  } finally {
    await reader.close();
  }
}

/** The ids in a mixed order, with repeats: the answer must follow it. */
const order = [ids[5], ids[0], ids[29], ids[5], ...ids.slice(10, 20).reverse(), ids[2]] as string[];

test('paged reads equal the one-by-one reads on the same state, in the order asked, in a few requests', { timeout: 20_000 }, async () => {
  asked.list = 0;
  asked.one = 0;
  const one = await withReader({ ledgerUrl, feedUrl, pagedAccounts: false }, async (r) => ({ accounts: await r.accounts(ids), feed: await r.feedBalances(ids), some: await r.accounts(order) }));
  assert.deepEqual(asked, { list: 0, one: COUNT * 2 + order.length });
  asked.list = 0;
  asked.one = 0;
  const paged = await withReader({ ledgerUrl, feedUrl, accountPageSize: 7 }, async (r) => ({ accounts: await r.accounts(ids), feed: await r.feedBalances(ids), some: await r.accounts(order) }));
  // 30 accounts in pages of 7: 5 pages each for the ledger and the feed. The 14 ids of `order` allow 14/7 + 1 = 3
  // pages (acc-000001..21): the one id past them (acc-000030) is read by itself.
  assert.equal(asked.list, 5 + 5 + 3, `listing requests: ${asked.list}`);
  assert.equal(asked.one, 1, 'only the id past the page bound read one by one');
  assert.deepEqual(paged, one);
  assert.deepEqual(paged.some.map((a) => a.account_id), order);
  assert.equal(paged.accounts.find((a) => a.account_id === ids[9])?.holds, 11);
  assert.equal(paged.feed.find((b) => b.account_id === ids[9])?.version, paged.accounts.find((a) => a.account_id === ids[9])?.version);
});

test('an id the pages do not hold is read one by one: an unknown account still fails naming its URL', { timeout: 20_000 }, async () => {
  await withReader({ ledgerUrl, retries: 0 }, async (r) => {
    await assert.rejects(r.accounts([ids[1]!, 'acc-999999']), (err: unknown) => {
      assert.ok(err instanceof LedgerReadError);
      assert.match(err.message, new RegExp(`^GET ${ledgerUrl}/v1/accounts/acc-999999 failed: HTTP 404`));
      return true;
    });
  });
});

/** A ledger written from the older contract: one account at a time; the listing answered `listing`. */
function perIdLedger(listing: (url: URL) => { status: number; body: unknown }, calls: string[]): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    calls.push(url.pathname);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/v1\/accounts\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const view = book.account(decodeURIComponent(m[1]!));
      return view ? send(200, view) : send(404, { error: 'unknown account', code: 'unknown_account', status: 404 });
    }
    if (url.pathname === '/v1/accounts') {
      const answer = listing(url);
      return send(answer.status, answer.body);
    }
    return send(404, { error: 'no route' });
  };
}

test('a ledger without the listing (404 or 405) is read one by one, with the same result', { timeout: 20_000 }, async () => {
  const expected = await withReader({ ledgerUrl }, (r) => r.accounts(order));
  for (const status of [404, 405]) {
    const calls: string[] = [];
    const url = await serve(perIdLedger(() => ({ status, body: { error: 'no such route' } }), calls));
    await withReader({ ledgerUrl: url, retries: 0 }, async (r) => {
      assert.deepEqual(await r.accounts(order), expected, `listing answered ${status}`);
      assert.deepEqual(await r.accounts(order), expected);
    });
    assert.equal(calls.filter((c) => c === '/v1/accounts').length, 1, `the listing is asked once per reader (${status})`);
    assert.equal(calls.filter((c) => c.startsWith('/v1/accounts/')).length, order.length * 2);
  }
});

test('a listing that leaves an account out: that one is read by itself, the result unchanged', { timeout: 20_000 }, async () => {
  const calls: string[] = [];
  const gap = ids[12]!;
  const url = await serve(
    perIdLedger((u) => {
      const page = book.accountsPage(u.searchParams.get('after') ?? undefined, Number(u.searchParams.get('limit')));
      return { status: 200, body: { ...page, accounts: page.accounts.filter((a) => a.account_id !== gap) } };
    }, calls),
  );
  const expected = await withReader({ ledgerUrl }, (r) => r.accounts(ids));
  await withReader({ ledgerUrl: url }, async (r) => assert.deepEqual(await r.accounts(ids), expected));
  assert.deepEqual(calls.filter((c) => c.startsWith('/v1/accounts/')), [`/v1/accounts/${gap}`]);
});

test('a malformed page is a read error naming it, never an account missing', { timeout: 20_000 }, async () => {
  const view = (id: string): AccountView => ({ ...(book.account(ids[0]!) as AccountView), account_id: id });
  const cases: Array<[string, (u: URL) => { status: number; body: unknown }, RegExp]> = [
    ['not a page', () => ({ status: 200, body: {} }), /the answer is not a page of accounts: answer must have required property 'accounts'/],
    ['a mistyped view', () => ({ status: 200, body: { accounts: [{ ...view(ids[0]!), balance: '10' }], next: null } }), /answer\/accounts\/0\/balance must be integer/],
    ['over the limit', () => ({ status: 200, body: { accounts: [view(ids[0]!), view(ids[1]!), view(ids[2]!)], next: null } }), /3 accounts, more than the limit 2/],
    ['not ascending', () => ({ status: 200, body: { accounts: [view(ids[1]!), view(ids[0]!)], next: null } }), /answer\/accounts\/1 has id "acc-000001", not after "acc-000002"/],
    ['next not the last id', () => ({ status: 200, body: { accounts: [view(ids[0]!)], next: 'acc-000000' } }), /next is "acc-000000", not the page's last id/],
    ['the same page again', () => ({ status: 200, body: { accounts: [view(ids[0]!)], next: ids[0] } }), /has id "acc-000001", not after "acc-000001"/],
    ['a 500', () => ({ status: 500, body: { error: 'down' } }), /HTTP 500/],
  ];
  for (const [name, listing, reason] of cases) {
    const calls: string[] = [];
    const url = await serve(perIdLedger(listing, calls));
    await withReader({ ledgerUrl: url, accountPageSize: 2, retries: 0 }, async (r) => {
      await assert.rejects(r.accounts(ids.slice(0, 4)), (err: unknown) => {
        assert.ok(err instanceof LedgerReadError, name);
        assert.match(err.message, new RegExp(`^GET ${url}/v1/accounts\\?\\S*limit=2 failed: `), name);
        assert.match(err.message, reason, name);
        return true;
      });
    });
    assert.equal(calls.filter((c) => c.startsWith('/v1/accounts/')).length, 0, `${name}: no fallback to one by one`);
  }
});

test('pages without end stop at the bound (ids asked / limit + 1): the ids not listed are read one by one', { timeout: 20_000 }, async () => {
  const calls: string[] = [];
  // Ascending ids that never reach the ids asked for, a page after every page.
  const url = await serve(
    perIdLedger((u) => {
      const id = `${u.searchParams.get('after') ?? 'acc-000000'}a`;
      return { status: 200, body: { accounts: [{ ...(book.account(ids[0]!) as AccountView), account_id: id }], next: id } };
    }, calls),
  );
  const expected = await withReader({ ledgerUrl }, (r) => r.accounts(ids.slice(0, 4)));
  await withReader({ ledgerUrl: url, accountPageSize: 2 }, async (r) => assert.deepEqual(await r.accounts(ids.slice(0, 4)), expected));
  assert.equal(calls.filter((c) => c === '/v1/accounts').length, 3, '4 ids in pages of 2: at most 3 pages');
  assert.deepEqual(calls.filter((c) => c.startsWith('/v1/accounts/')).sort(), ids.slice(0, 4).map((id) => `/v1/accounts/${id}`));
});
