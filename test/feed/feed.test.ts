// The feed/balance API: idempotent events, highest-version balances, bounded newest-first feeds, bad
// batches refused whole, agreement with the ledger over real processes, and the miss-events defect.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { seedAccounts } from '../../services/common/accounts.ts';
import { createApp } from '../../services/common/app.ts';
import type { AccountView, HoldResponse, PostingResponse, ReleaseResponse } from '../../services/ledger/contract.ts';
import { openingView } from '../../services/ledger/opening.ts';
import type { BalanceView, FeedEvent, FeedPage } from '../../services/feed/contract.ts';
import { FeedState } from '../../services/feed/feed-state.ts';
import { FEED_BODY_LIMIT, feedPlugin } from '../../services/feed/plugin.ts';
import { createRng } from '../../services/common/random.ts';
import { call, inParallel, startLedger, startService, stopAll } from '../ledger/service-processes.ts';

after(stopAll);

const SEED = 9;
const seeds = seedAccounts(SEED, 10);
const acc = seeds[0]!;

function event(id: string, version: number, overrides: Partial<FeedEvent> = {}): FeedEvent {
  const view: AccountView = { ...openingView(acc), available: acc.opening_balance - version, holds: version, version };
  return {
    event_id: id,
    account_id: acc.id,
    kind: 'hold',
    authorization_id: `auth-${id}`,
    amount: 1,
    currency: 'GBP',
    merchant_name: 'Corner Shop',
    card_last4: acc.card_last4,
    account: view,
    at: 1_000_000 + version,
    ...overrides,
  };
}

async function feedApp(missPercent = 0) {
  const app = createApp({ bodyLimit: FEED_BODY_LIMIT });
  await app.register(feedPlugin, { state: new FeedState({ accounts: seeds, seed: SEED, missPercent }), replica: 'feed-1' });
  await app.ready();
  return app;
}

test('events apply once by event_id; the balance keeps the highest ledger version', async () => {
  const app = await feedApp();
  try {
    const opening = await app.inject({ method: 'GET', url: `/v1/accounts/${acc.id}/balance` });
    assert.deepEqual(opening.json<BalanceView>(), {
      account_id: acc.id,
      currency: 'GBP',
      balance: acc.opening_balance,
      available: acc.opening_balance,
      version: openingView(acc).version,
    });
    const first = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [event('e3', 3), event('e2', 2)] } });
    assert.deepEqual(first.json(), { received: 2, applied: 2, duplicates: 0 });
    const again = await app.inject({ method: 'POST', url: '/v1/events', payload: { events: [event('e3', 3), event('e2', 2)] } });
    assert.deepEqual(again.json(), { received: 2, applied: 0, duplicates: 2 });
    const balance = (await app.inject({ method: 'GET', url: `/v1/accounts/${acc.id}/balance` })).json<BalanceView>();
    assert.equal(balance.version, 3);
    assert.equal(balance.available, acc.opening_balance - 3);
    const feed = (await app.inject({ method: 'GET', url: `/v1/accounts/${acc.id}/feed` })).json<FeedPage>();
    assert.deepEqual(feed.items.map((i) => i.event_id), ['e3', 'e2']);
    assert.equal(feed.items[0]?.merchant_name, 'Corner Shop');
  } finally {
    await app.close();
  }
});

test('the feed is newest first, limited, and bounded in memory per account', async () => {
  const app = await feedApp();
  try {
    const events = Array.from({ length: 250 }, (_, i) => event(`n${i}`, i + 1));
    const res = await app.inject({ method: 'POST', url: '/v1/events', payload: { events } });
    assert.equal(res.statusCode, 200);
    const page = (await app.inject({ method: 'GET', url: `/v1/accounts/${acc.id}/feed?limit=100` })).json<FeedPage>();
    assert.equal(page.items.length, 100);
    assert.equal(page.items[0]?.event_id, 'n249');
    assert.equal(page.items[99]?.event_id, 'n150');
    const five = (await app.inject({ method: 'GET', url: `/v1/accounts/${acc.id}/feed?limit=5` })).json<FeedPage>();
    assert.equal(five.items.length, 5);
    assert.equal((await app.inject({ method: 'GET', url: `/v1/accounts/${acc.id}/feed?limit=101` })).statusCode, 400);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/accounts/acc-999999/balance' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/accounts/acc-999999/feed' })).statusCode, 404);
  } finally {
    await app.close();
  }
});

test('a bad batch is refused whole with the field named, and applies nothing', async () => {
  const app = await feedApp();
  try {
    const cases: Array<[unknown, RegExp]> = [
      [{ events: [event('ok-1', 1), { ...event('bad-1', 2), amount: -5 }] }, /events\/1\/amount/],
      [{ events: [event('ok-1', 1), { ...event('bad-2', 2), amount: 1.5 }] }, /events\/1\/amount/],
      [{ events: [{ ...event('bad-3', 2), currency: 'XYZ' }] }, /events\/0\/currency/],
      [{ events: [{ ...event('bad-4', 2), kind: 'opening' }] }, /events\/0\/kind/],
      [{ events: [{ ...event('bad-5', 2), account_id: seeds[1]!.id }] }, /events\/0\/account\/account_id/],
      [{ events: [{ ...event('bad-6', 2), card_last4: '4111111111111111' }] }, /events\/0\/card_last4/],
      [{}, /events/],
    ];
    for (const [payload, message] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/events', payload: payload as object });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json<{ error: string }>().error, message);
    }
    const malformed = await app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/json' }, payload: '{"events": [' });
    assert.equal(malformed.statusCode, 400);
    const huge = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ events: [event('big', 1, { merchant_name: 'x'.repeat(FEED_BODY_LIMIT) })] }),
    });
    assert.equal(huge.statusCode, 413);
    const feed = (await app.inject({ method: 'GET', url: `/v1/accounts/${acc.id}/feed` })).json<FeedPage>();
    assert.deepEqual(feed.items, []);
  } finally {
    await app.close();
  }
});

/** Runs random ledger operations and turns each answer into the event the processor would send. */
async function ledgerTraffic(ledgerUrls: string[], accounts: number, count: number): Promise<FeedEvent[]> {
  const ids = seedAccounts(SEED, accounts).map((a) => a.id);
  const rng = createRng(99);
  const events: FeedEvent[] = [];
  const auths: Array<{ id: string; account: string; amount: number }> = [];
  const plan = Array.from({ length: count }, (_, i) => {
    const roll = rng.next();
    if (roll < 0.6 || auths.length === 0) {
      const auth = { id: `f-${i}`, account: rng.pick(ids), amount: rng.int(1, 20_000) };
      auths.push(auth);
      return { kind: 'hold' as const, auth };
    }
    return { kind: roll < 0.8 ? ('advice' as const) : ('reversal' as const), auth: rng.pick(auths) };
  });
  await inParallel(plan, 16, async ({ kind, auth }, i) => {
    const url = ledgerUrls[i % ledgerUrls.length]!;
    const money = { value: auth.amount, currency: 'GBP' };
    if (kind === 'hold') {
      const res = await call<HoldResponse>('POST', `${url}/v1/holds`, { request_id: `hold:${auth.id}`, authorization_id: auth.id, account_id: auth.account, amount: money });
      if (res.body.result === 'held' && !res.body.replayed && res.body.account) events.push(toEvent(`hold:${auth.id}`, 'hold', auth, res.body.account));
    } else if (kind === 'advice') {
      const res = await call<PostingResponse>('POST', `${url}/v1/postings`, { request_id: `advice:${auth.id}`, authorization_id: auth.id, account_id: auth.account, amount: money, kind: 'advice' });
      if (!res.body.replayed && res.body.account) events.push(toEvent(`post:${auth.id}`, res.body.result === 'captured' ? 'capture' : 'posting', auth, res.body.account));
    } else {
      const res = await call<ReleaseResponse>('POST', `${url}/v1/releases`, { request_id: `rev:${auth.id}`, authorization_id: auth.id, account_id: auth.account, amount: money });
      if (res.body.result !== 'nothing_to_reverse' && !res.body.replayed && res.body.account) {
        events.push(toEvent(`rev:${auth.id}`, res.body.result === 'refunded' ? 'refund' : 'release', auth, res.body.account));
      }
    }
  });
  return events;
}

function toEvent(id: string, kind: FeedEvent['kind'], auth: { id: string; account: string; amount: number }, account: AccountView): FeedEvent {
  return { event_id: id, account_id: auth.account, kind, authorization_id: auth.id, amount: auth.amount, currency: 'GBP', account, at: Date.now() };
}

async function sendShuffled(feedUrl: string, events: FeedEvent[], seed: number): Promise<void> {
  const rng = createRng(seed);
  const shuffled = [...events];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  // Out of order, in batches, every batch sent twice (an outbox retry).
  for (let i = 0; i < shuffled.length; i += 200) {
    const batch = shuffled.slice(i, i + 200);
    for (let k = 0; k < 2; k++) assert.equal((await call('POST', `${feedUrl}/v1/events`, { events: batch })).status, 200);
  }
}

async function disagreements(ledgerUrl: string, feedUrl: string, accounts: number): Promise<string[]> {
  const bad: string[] = [];
  for (const seed of seedAccounts(SEED, accounts)) {
    const ledger = (await call<AccountView>('GET', `${ledgerUrl}/v1/accounts/${seed.id}`)).body;
    const feed = (await call<BalanceView>('GET', `${feedUrl}/v1/accounts/${seed.id}/balance`)).body;
    if (ledger.balance !== feed.balance || ledger.available !== feed.available || ledger.version !== feed.version) bad.push(seed.id);
  }
  return bad;
}

test('over real processes the feed agrees with the ledger once events are in; a feed missing events does not', async () => {
  const accounts = 40;
  const ledger = await startLedger({ seed: SEED, accounts }, 2);
  const [good, lossy] = await Promise.all([
    startService('services/feed/main.ts', { replica: 'feed-1', seed: SEED, accounts }),
    startService('services/feed/main.ts', { replica: 'feed-2', seed: SEED, accounts, miss_events_percent: 30 }),
  ]);
  const ledgerUrls = ledger.replicas.map((r) => r.url);
  const events = await ledgerTraffic(ledgerUrls, accounts, 1200);
  assert.ok(events.length > 500, `${events.length} events`);
  await sendShuffled(good.url, events, 1);
  await sendShuffled(lossy.url, events, 2);

  assert.deepEqual(await disagreements(ledgerUrls[0]!, good.url, accounts), []);
  const goodHealth = (await call<{ events_applied: number; events_missed: number; events_duplicate: number }>('GET', `${good.url}/health`)).body;
  assert.equal(goodHealth.events_applied, events.length);
  assert.equal(goodHealth.events_duplicate, events.length);
  assert.equal(goodHealth.events_missed, 0);

  const lossyHealth = (await call<{ events_applied: number; events_missed: number }>('GET', `${lossy.url}/health`)).body;
  const missedShare = lossyHealth.events_missed / (events.length * 2);
  assert.ok(missedShare > 0.2 && missedShare < 0.4, `missed share ${missedShare}`);
  assert.equal(lossyHealth.events_applied + lossyHealth.events_missed / 2, events.length);
  const wrong = await disagreements(ledgerUrls[0]!, lossy.url, accounts);
  assert.ok(wrong.length > 0, 'a feed that misses events must disagree with the ledger somewhere');
});
