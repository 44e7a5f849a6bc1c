// The callers' idempotency keys in the ledger store, through app.inject(): a key's first use is kept with its
// content; a reuse with the same content replays, with other content it is 409 naming the key and the
// differing fields; a refused request records nothing; answers given without a write are recorded too.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../services/common/app.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { IdempotencyKeys } from '../../services/ledger/idempotency-keys.ts';
import type { HoldRequest, IdempotencyClaim, IdempotencyConflictBody, ReleaseResponse } from '../../services/ledger/contract.ts';

const book = createLedgerBook({ seed: 5, accounts: 20, idempotency: true });
const keys = new IdempotencyKeys();
const app = createApp();
await app.register(ledgerStorePlugin, { book, replica: 'ledger-store', keys });
await app.ready();
after(() => app.close());

const account = book.account('acc-000003')!;

function claim(key: string, overrides: Record<string, string | number> = {}): IdempotencyClaim {
  return {
    scope: 'authorization',
    key,
    fields: {
      account_id: account.account_id,
      'amount.value': 100,
      'amount.currency': 'GBP',
      'card.token': 'tok_abc',
      'card.last4': '4242',
      'merchant.name': 'Corner Shop',
      'merchant.mcc': '5411',
      'merchant.country': 'GB',
      channel: 'pos',
      ...overrides,
    },
  };
}

function hold(key: string, value = 100, fields: Record<string, string | number> = {}): HoldRequest {
  return {
    request_id: `hold:${key}`,
    authorization_id: key,
    account_id: account.account_id,
    amount: { value, currency: 'GBP' },
    idempotency: claim(key, { 'amount.value': value, ...fields }),
  };
}

test('a reused key with the same content replays; with other content it is 409 naming the key and the fields', async () => {
  const first = await app.inject({ method: 'POST', url: '/v1/holds', payload: hold('k-1') });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().replayed, false);
  const again = await app.inject({ method: 'POST', url: '/v1/holds', payload: hold('k-1') });
  assert.equal(again.json().replayed, true);
  const entries = book.stats().entries;
  const other = await app.inject({ method: 'POST', url: '/v1/holds', payload: hold('k-1', 99_999, { 'merchant.name': 'Elsewhere' }) });
  assert.equal(other.statusCode, 409);
  assert.deepEqual(other.json<IdempotencyConflictBody>(), {
    error: 'idempotency key k-1 was first used with different amount.value, merchant.name',
    code: 'idempotency_conflict',
    key: 'k-1',
    fields: ['amount.value', 'merchant.name'],
    status: 409,
  });
  // Only the fingerprint differs (same ledger body): still a conflict, so the card or channel cannot change.
  const card = await app.inject({ method: 'POST', url: '/v1/holds', payload: hold('k-1', 100, { 'card.token': 'tok_other', channel: 'atm' }) });
  assert.equal(card.statusCode, 409);
  assert.deepEqual(card.json<IdempotencyConflictBody>().fields, ['card.token', 'channel']);
  assert.equal(book.stats().entries, entries, 'a refused reuse writes nothing');
});

test('keys of different scopes never collide; a string and a number differ', async () => {
  const reversal = await app.inject({
    method: 'POST',
    url: '/v1/releases',
    payload: {
      request_id: 'reversal:k-1',
      authorization_id: 'k-1',
      account_id: account.account_id,
      amount: { value: 40, currency: 'GBP' },
      idempotency: { scope: 'reversal', key: 'k-1', fields: { authorization_id: 'k-1', account_id: account.account_id, 'amount.value': 40, 'amount.currency': 'GBP' } },
    },
  });
  assert.equal(reversal.statusCode, 200, reversal.body);
  assert.deepEqual(reversal.json<ReleaseResponse>().amount, { value: 40, currency: 'GBP' });
  const typed = await app.inject({ method: 'POST', url: '/v1/idempotency-records', payload: { idempotency: claim('k-typed', { 'amount.value': 5 }), outcome: 'card_mismatch' } });
  assert.equal(typed.statusCode, 200);
  const asString = await app.inject({ method: 'POST', url: '/v1/idempotency-records', payload: { idempotency: claim('k-typed', { 'amount.value': '5' }), outcome: 'card_mismatch' } });
  assert.equal(asString.statusCode, 409);
  assert.deepEqual(asString.json<IdempotencyConflictBody>().fields, ['amount.value']);
});

test('a request the book refuses records nothing: the key stays free for the corrected request', async () => {
  await app.inject({ method: 'POST', url: '/v1/holds', payload: hold('k-2', 500) });
  const release = (key: string, value: number, currency = 'GBP') => ({
    request_id: `reversal:${key}`,
    authorization_id: 'k-2',
    account_id: account.account_id,
    amount: { value, currency },
    idempotency: { scope: 'reversal', key, fields: { authorization_id: 'k-2', account_id: account.account_id, 'amount.value': value, 'amount.currency': currency } },
  });
  const over = await app.inject({ method: 'POST', url: '/v1/releases', payload: release('rev-k2', 501) });
  assert.equal(over.statusCode, 422);
  assert.equal(over.json().code, 'amount_exceeds_remaining');
  assert.equal(over.json().field, 'amount/value');
  const eur = await app.inject({ method: 'POST', url: '/v1/releases', payload: release('rev-k2', 5, 'EUR') });
  assert.equal(eur.statusCode, 422);
  assert.equal(eur.json().code, 'currency_mismatch');
  const ok = await app.inject({ method: 'POST', url: '/v1/releases', payload: release('rev-k2', 200) });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual([ok.json().result, ok.json().amount], ['released', { value: 200, currency: 'GBP' }]);
  assert.equal(book.account(account.account_id)?.holds, 100 + 500 - 40 - 200);
});

test('POST /v1/idempotency-records: first use recorded, same content replays the first outcome, other content 409', async () => {
  const first = await app.inject({ method: 'POST', url: '/v1/idempotency-records', payload: { idempotency: claim('k-3'), outcome: 'card_mismatch' } });
  assert.deepEqual(first.json(), { scope: 'authorization', key: 'k-3', outcome: 'card_mismatch', replayed: false });
  const again = await app.inject({ method: 'POST', url: '/v1/idempotency-records', payload: { idempotency: claim('k-3'), outcome: 'card_mismatch' } });
  assert.equal(again.json().replayed, true);
  // The same key later used for a hold with other content (the right card): refused.
  const hold3 = await app.inject({ method: 'POST', url: '/v1/holds', payload: hold('k-3', 100, { 'card.token': 'tok_right' }) });
  assert.equal(hold3.statusCode, 409);
  assert.deepEqual(hold3.json<IdempotencyConflictBody>().fields, ['card.token']);
});

test('bad idempotency claims are 400 naming the field and write nothing', async () => {
  const entries = book.stats().entries;
  const before = keys.size;
  const cases: Array<[unknown, RegExp]> = [
    [{ ...hold('k-bad-1'), idempotency: { scope: 'refund', key: 'k', fields: { a: 1 } } }, /idempotency\/scope/],
    [{ ...hold('k-bad-2'), idempotency: { scope: 'authorization', key: 'k', fields: {} } }, /idempotency\/fields/],
    [{ ...hold('k-bad-3'), idempotency: { scope: 'authorization', key: 'k', fields: { 'Bad Name': 1 } } }, /idempotency\/fields/],
    [{ ...hold('k-bad-4'), idempotency: { scope: 'authorization', key: 'k', fields: { a: { nested: true } } } }, /idempotency\/fields\/a/],
    [{ ...hold('k-bad-5'), idempotency: { scope: 'authorization', key: 'a b', fields: { a: 1 } } }, /idempotency\/key/],
  ];
  for (const [payload, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/holds', payload: payload as object });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error, message);
  }
  const noOutcome = await app.inject({ method: 'POST', url: '/v1/idempotency-records', payload: { idempotency: claim('k-bad-6') } });
  assert.equal(noOutcome.statusCode, 400);
  assert.match(noOutcome.json().error, /outcome/);
  assert.equal(book.stats().entries, entries);
  assert.equal(keys.size, before);
});
