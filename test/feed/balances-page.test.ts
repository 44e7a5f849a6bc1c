// GET /v1/balances?after=&limit=: the feed's paged listing of balances (inject): ascending ids strictly after
// `after`, seeded accounts and accounts first seen in an event alike, each the same BalanceView as
// GET /v1/accounts/:id/balance, and bad paging input refused naming the field.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedAccounts } from '../../services/common/accounts.ts';
import { createApp } from '../../services/common/app.ts';
import type { AccountView } from '../../services/ledger/contract.ts';
import type { BalancesPage, BalanceView, FeedEvent } from '../../services/feed/contract.ts';
import { FeedState } from '../../services/feed/feed-state.ts';
import { FEED_BODY_LIMIT, feedPlugin } from '../../services/feed/plugin.ts';

const SEED = 4;
const seeds = seedAccounts(SEED, 12);
const app = createApp({ bodyLimit: FEED_BODY_LIMIT });
await app.register(feedPlugin, { state: new FeedState({ accounts: seeds, seed: SEED }), replica: 'feed-1' });
await app.ready();
after(() => app.close());

function event(id: string, accountId: string, version: number): FeedEvent {
  const account: AccountView = { account_id: accountId, currency: 'GBP', opening_balance: 1000, balance: 1000, available: 1000 - version, holds: version, version };
  return { event_id: id, account_id: accountId, kind: 'hold', authorization_id: `auth-${id}`, amount: 1, currency: 'GBP', account, at: 1_000 + version };
}

async function page(query: string): Promise<BalancesPage> {
  const res = await app.inject({ method: 'GET', url: `/v1/balances${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<BalancesPage>();
}

async function readAll(limit: number): Promise<{ balances: BalanceView[]; pages: number }> {
  const balances: BalanceView[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const p: BalancesPage = await page(`?limit=${limit}${next === null ? '' : `&after=${next}`}`);
    assert.equal(p.next, p.next === null ? null : p.balances.at(-1)?.account_id);
    balances.push(...p.balances);
    next = p.next;
    pages++;
  } while (next !== null && pages < 50);
  return { balances, pages };
}

test('pages list every balance once, ascending, each the per-id view, accounts first seen in an event included', async () => {
  const before = await readAll(5);
  assert.equal(before.pages, 3);
  assert.deepEqual(before.balances.map((b) => b.account_id), seeds.map((s) => s.id).sort());
  // An event for a seeded account moves its balance; one for an account the feed never seeded adds it.
  const res = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [event('e1', seeds[3]!.id, 7), event('e2', 'acc-000006x', 2)] } });
  assert.equal(res.statusCode, 200, res.body);
  const all = await readAll(4);
  const ids = all.balances.map((b) => b.account_id);
  assert.deepEqual(ids, [...seeds.map((s) => s.id), 'acc-000006x'].sort());
  assert.equal(ids.indexOf('acc-000006x'), ids.indexOf('acc-000006') + 1, 'ascending by code unit');
  for (const b of all.balances) {
    const one = await app.inject({ method: 'GET', url: `/v1/accounts/${b.account_id}/balance` });
    assert.deepEqual(b, one.json<BalanceView>());
  }
  assert.equal(all.balances.find((b) => b.account_id === seeds[3]!.id)?.version, 7);
  assert.deepEqual((await page('?after=acc-000011')).balances.map((b) => b.account_id), ['acc-000012']);
  assert.deepEqual(await page('?after=acc-000012'), { balances: [], next: null });
  assert.equal((await page('')).next, null, 'the default limit holds them all');
});

test('bad paging input is 400 naming the field', async () => {
  const cases: Array<[string, RegExp]> = [
    ['?limit=0', /querystring\/limit/],
    ['?limit=1001', /querystring\/limit/],
    ['?after=', /querystring\/after/],
    ['?after=%2F..%2F', /querystring\/after/],
    [`?after=${'a'.repeat(129)}`, /querystring\/after/],
    ['?page=2', /querystring\/page is not an allowed field/],
  ];
  for (const [query, field] of cases) {
    const res = await app.inject({ method: 'GET', url: `/v1/balances${query}` });
    assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    assert.match(res.json<{ error: string }>().error, field, query);
  }
});
