// GET /v1/accounts?after=&limit=: the paged listing of the accounts, on the store (inject) and through a
// replica (a real socket to the store): ascending ids, strictly after `after`, bounded limit, the same
// AccountView as GET /v1/accounts/:id, and bad paging input refused naming the field.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../services/common/app.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { ledgerReplicaPlugin } from '../../services/ledger/replica-plugin.ts';
import type { AccountsPage, AccountView } from '../../services/ledger/contract.ts';

const book = createLedgerBook({ seed: 11, accounts: 23, idempotency: true });
const store = createApp();
await store.register(ledgerStorePlugin, { book, replica: 'ledger-store' });
await store.listen({ port: 0, host: '127.0.0.1' });
const storeUrl = `http://127.0.0.1:${(store.server.address() as AddressInfo).port}`;
const replica = createApp();
await replica.register(ledgerReplicaPlugin, { replica: 'ledger-1', storeUrl, storeConnections: 2 });
await replica.ready();
after(async () => {
  await replica.close();
  await store.close();
});

// One hold, so the views are not all opening balances.
await store.inject({
  method: 'POST',
  url: '/v1/holds',
  payload: { request_id: 'h-1', authorization_id: 'a-1', account_id: 'acc-000007', amount: { value: 5, currency: 'GBP' } },
});

async function page(app: typeof store, query: string): Promise<AccountsPage> {
  const res = await app.inject({ method: 'GET', url: `/v1/accounts${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<AccountsPage>();
}

test('pages list every account once, ascending, each the per-id view; next is the last id, null at the end', async () => {
  const seen: AccountView[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const p: AccountsPage = await page(store, `?limit=5${next === null ? '' : `&after=${next}`}`);
    assert.ok(p.accounts.length <= 5);
    assert.equal(p.next, p.next === null ? null : p.accounts.at(-1)?.account_id);
    seen.push(...p.accounts);
    next = p.next;
    pages++;
  } while (next !== null && pages < 20);
  assert.equal(pages, 5, '23 accounts in pages of 5');
  const ids = seen.map((a) => a.account_id);
  assert.deepEqual(ids, Array.from({ length: 23 }, (_, i) => `acc-${String(i + 1).padStart(6, '0')}`));
  for (const view of seen) {
    const one = await store.inject({ method: 'GET', url: `/v1/accounts/${view.account_id}` });
    assert.deepEqual(view, one.json<AccountView>());
  }
  assert.equal(seen.find((a) => a.account_id === 'acc-000007')?.holds, 5);
  const whole = await page(store, '');
  assert.equal(whole.accounts.length, 23, 'default limit 500 holds them all');
  assert.equal(whole.next, null);
});

test('after: strictly after it, whether or not it names an account', async () => {
  assert.deepEqual((await page(store, '?after=acc-000020&limit=2')).accounts.map((a) => a.account_id), ['acc-000021', 'acc-000022']);
  assert.deepEqual((await page(store, '?after=acc-000020&limit=2')).next, 'acc-000022');
  assert.deepEqual((await page(store, '?after=acc-0000205&limit=1')).accounts.map((a) => a.account_id), ['acc-000021']);
  assert.deepEqual((await page(store, '?after=a&limit=1')).accounts.map((a) => a.account_id), ['acc-000001']);
  assert.deepEqual(await page(store, '?after=acc-000023'), { accounts: [], next: null });
  assert.deepEqual(await page(store, '?after=zzz'), { accounts: [], next: null });
});

test('bad paging input is 400 naming the field', async () => {
  const cases: Array<[string, RegExp]> = [
    ['?limit=0', /querystring\/limit/],
    ['?limit=1001', /querystring\/limit/],
    ['?limit=ten', /querystring\/limit/],
    ['?after=', /querystring\/after/],
    ['?after=bad%20id', /querystring\/after/],
    [`?after=${'a'.repeat(129)}`, /querystring\/after/],
    ['?cursor=1', /querystring\/cursor is not an allowed field/],
  ];
  for (const [query, field] of cases) {
    for (const app of [store, replica]) {
      const res = await app.inject({ method: 'GET', url: `/v1/accounts${query}` });
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.match(res.json<{ error: string }>().error, field, query);
    }
  }
  assert.equal((await page(store, '?limit=1000')).accounts.length, 23, 'limit 1000 is allowed');
});

test('a replica relays the store\'s pages as they are', async () => {
  for (const query of ['', '?limit=4', '?after=acc-000010&limit=3']) {
    assert.deepEqual(await page(replica, query), await page(store, query), query);
  }
});
