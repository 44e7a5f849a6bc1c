// The card-processor plugin through app.inject(), with a real router resolving a real ledger store
// (both Fastify apps in this process, on loopback port 0) from a real discovery stub.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import { createDiscoveryApp } from '../../services/discovery/plugin.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { cardProcessorPlugin } from '../../services/card-processor/plugin.ts';
import { createRouter, type Router } from '../../services/router/index.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import type { AuthorizationRequest } from '../../services/card-processor/contract.ts';
import type { AuthorizationState, JournalPage } from '../../services/ledger/contract.ts';

const SEED = 5;
const accounts = seedAccounts(SEED, 50);
const rich = accounts.find((a) => a.opening_balance > 100_000) as (typeof accounts)[number];
const poor = accounts.find((a) => a.opening_balance < 1_000) as (typeof accounts)[number];

let discovery: FastifyInstance;
let ledger: FastifyInstance;
let processor: FastifyInstance;
let router: Router;
let ledgerUrl = '';

function auth(id: string, account = rich, value = 1234): AuthorizationRequest {
  return {
    id,
    account_id: account.id,
    card: { token: account.card_token, last4: account.card_last4 },
    amount: { value, currency: 'GBP' },
    merchant: { name: 'Corner Shop', mcc: '5411', country: 'GB' },
    channel: 'contactless',
  };
}

before(async () => {
  const d = await createDiscoveryApp({ bookmarkMs: 200 });
  discovery = d.app;
  await discovery.listen({ host: '127.0.0.1', port: 0 });
  ledger = createApp();
  await ledger.register(ledgerStorePlugin, { book: createLedgerBook({ seed: SEED, accounts: 50, idempotency: true }), replica: 'ledger-store' });
  await ledger.listen({ host: '127.0.0.1', port: 0 });
  const ledgerPort = (ledger.server.address() as { port: number }).port;
  ledgerUrl = `http://127.0.0.1:${ledgerPort}`;
  const discoveryUrl = `http://127.0.0.1:${(discovery.server.address() as { port: number }).port}`;
  await discovery.inject({ method: 'POST', url: '/__admin/register', payload: { service: 'ledger', replica: 'ledger-1', ip: '127.0.0.1', port: ledgerPort } });
  router = await createRouter({ policy: 'hardened', discoveryUrl, services: ['ledger', 'feed'] });
  processor = createApp();
  await processor.register(cardProcessorPlugin, { replica: 'card-processor-1', router, seed: SEED, accounts: 50, feedEvents: false });
  await processor.ready();
});

after(async () => {
  await processor?.close();
  await ledger?.close();
  await discovery?.close();
});

async function journal(): Promise<JournalPage> {
  return (await (await fetch(`${ledgerUrl}/v1/journal?limit=10000`)).json()) as JournalPage;
}

test('an authorization is approved with a hold; a repeated id replays the answer and never holds twice', async () => {
  const first = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth('p-1') });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().decision, 'approved');
  assert.equal(first.json().replayed, false);
  const again = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth('p-1') });
  assert.equal(again.json().decision, 'approved');
  assert.equal(again.json().replayed, true);
  const state = (await (await fetch(`${ledgerUrl}/v1/authorizations/p-1`)).json()) as AuthorizationState;
  assert.equal(state.holds, 1);
});

test('business declines: insufficient funds, and a card that is not the account\'s', async () => {
  const broke = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth('p-2', poor, 50_000) });
  assert.deepEqual([broke.json().decision, broke.json().reason], ['declined', 'insufficient_funds']);
  const stolen = { ...auth('p-3'), card: { token: poor.card_token, last4: poor.card_last4 } };
  const mismatch = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: stolen });
  assert.deepEqual([mismatch.json().decision, mismatch.json().reason], ['declined', 'card_mismatch']);
});

test('an advice captures the hold once; a reversal of a stand-in posting refunds it', async () => {
  await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth('p-4') });
  const a = auth('p-4');
  const advice = { id: 'adv-p-4', authorization_id: 'p-4', account_id: a.account_id, card: a.card, amount: a.amount, merchant: a.merchant, channel: a.channel };
  const posted = await processor.inject({ method: 'POST', url: '/v1/advices', payload: advice });
  assert.equal(posted.json().result, 'captured');
  const twice = await processor.inject({ method: 'POST', url: '/v1/advices', payload: { ...advice, id: 'adv-p-4-again' } });
  assert.equal(twice.json().replayed, true);
  const reversal = await processor.inject({ method: 'POST', url: '/v1/reversals', payload: { id: 'rev-p-4', authorization_id: 'p-4', account_id: a.account_id, amount: a.amount } });
  assert.equal(reversal.json().result, 'refunded');
});

test('an authorization held and released in full is never held again: 409 one_hold_per_authorization, not a decline', async () => {
  const post = (path: string, body: unknown) =>
    fetch(`${ledgerUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // Held under another request id (another caller of the ledger), then released in full.
  const held = await post('/v1/holds', { request_id: 'manual:p-9', authorization_id: 'p-9', account_id: rich.id, amount: { value: 1234, currency: 'GBP' } });
  assert.equal(((await held.json()) as { result: string }).result, 'held');
  await post('/v1/releases', { request_id: 'manual-rev:p-9', authorization_id: 'p-9', account_id: rich.id, amount: { value: 1234, currency: 'GBP' } });
  const res = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth('p-9') });
  assert.equal(res.statusCode, 409, res.body);
  assert.equal(res.json().code, 'one_hold_per_authorization');
  assert.equal(res.json().decision, undefined, 'a refusal, not a decline');
  const state = (await (await fetch(`${ledgerUrl}/v1/authorizations/p-9`)).json()) as AuthorizationState;
  assert.equal(state.holds, 1, 'held once');
});

test('bad input gets a 4xx naming the field and writes nothing to the ledger', async () => {
  const before = (await journal()).entries.length;
  const cases: Array<[unknown, RegExp | null, number]> = [
    [{ ...auth('b-1'), amount: { value: -5, currency: 'GBP' } }, /amount\/value/, 400],
    [{ ...auth('b-2'), amount: { value: 12.5, currency: 'GBP' } }, /amount\/value must be integer/, 400],
    [{ ...auth('b-3'), amount: { value: '100', currency: 'GBP' } }, /amount\/value must be integer/, 400],
    [{ ...auth('b-4'), amount: { value: 100, currency: 'XXX' } }, /amount\/currency/, 400],
    [{ ...auth('b-5'), merchant: undefined }, /merchant/, 400],
    [{ ...auth('b-6'), pan: '4111111111111111' }, /body\/pan is not an allowed field/, 400],
    [{ ...auth('b-7'), card: { token: 'tok_1', last4: '12345' } }, /card\/last4/, 400],
  ];
  for (const [payload, message, status] of cases) {
    const res = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: payload as object });
    assert.equal(res.statusCode, status, res.body);
    if (message) assert.match(res.json().error, message);
  }
  const malformed = await processor.inject({ method: 'POST', url: '/v1/authorizations', headers: { 'content-type': 'application/json' }, payload: '{"id": "b-8",' });
  assert.equal(malformed.statusCode, 400);
  const huge = await processor.inject({ method: 'POST', url: '/v1/authorizations', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...auth('b-9'), merchant: { name: 'x'.repeat(200_000), mcc: '5411', country: 'GB' } }) });
  assert.equal(huge.statusCode, 413);
  assert.equal((await journal()).entries.length, before, 'nothing written');
});
