// The ledger replica's test-only defect (decline_holds_percent): about that share of holds is answered
// insufficient_funds by the replica itself, the same on a retry, and never reaches the store; without it
// every hold goes to the store. A real store behind a real socket.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../services/common/app.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { ledgerReplicaPlugin } from '../../services/ledger/replica-plugin.ts';
import { ledgerReplicaConfigSchema } from '../../services/ledger/config.ts';
import type { HoldResponse } from '../../services/ledger/contract.ts';
import { seedAccounts } from '../../services/common/accounts.ts';

const store = createApp();
await store.register(ledgerStorePlugin, { book: createLedgerBook({ seed: 3, accounts: 50, idempotency: true }), replica: 'ledger-store' });
const storeUrl = await store.listen({ host: '127.0.0.1', port: 0 });
const broken = createApp();
await broken.register(ledgerReplicaPlugin, { replica: 'ledger-1', storeUrl, declineHoldsPercent: 10 });
await broken.ready();
const sound = createApp();
await sound.register(ledgerReplicaPlugin, { replica: 'ledger-2', storeUrl });
await sound.ready();
after(async () => {
  await Promise.all([broken.close(), sound.close()]);
  await store.close();
});

const rich = seedAccounts(3, 50).filter((a) => a.opening_balance >= 20_000);
const hold = (i: number) => ({
  request_id: `hold:auth-${i}`,
  authorization_id: `auth-${i}`,
  account_id: (rich[i % rich.length] as { id: string }).id,
  amount: { value: 1, currency: 'GBP' },
});

test('about 10% of holds are declined insufficient_funds for no reason, the same on a retry, and never reach the store', async () => {
  let declined = 0;
  for (let i = 0; i < 400; i++) {
    const res = await broken.inject({ method: 'POST', url: '/v1/holds', payload: hold(i) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<HoldResponse>();
    if (body.result === 'held') continue;
    assert.equal(body.result, 'insufficient_funds');
    declined++;
    const again = await broken.inject({ method: 'POST', url: '/v1/holds', payload: hold(i) });
    assert.equal(again.json<HoldResponse>().result, 'insufficient_funds', 'a retry gets the same answer');
    const state = await store.inject({ method: 'GET', url: `/v1/authorizations/auth-${i}` });
    if (state.statusCode === 200) assert.equal(state.json<{ holds: number }>().holds, 0, 'the store holds nothing for it');
    else assert.equal(state.statusCode, 404);
  }
  assert.ok(declined >= 20 && declined <= 65, `declined ${declined} of 400`);
});

test('without the defect every hold reaches the store; the config refuses a share outside 0..100', async () => {
  for (let i = 1000; i < 1100; i++) {
    const res = await sound.inject({ method: 'POST', url: '/v1/holds', payload: hold(i) });
    assert.equal(res.json<HoldResponse>().result, 'held');
  }
  assert.equal(ledgerReplicaConfigSchema.parse({ storeUrl }).decline_holds_percent, 0);
  assert.equal(ledgerReplicaConfigSchema.safeParse({ storeUrl, decline_holds_percent: 101 }).success, false);
});
