// The ledger store's routes through app.inject(): answers, schemas, errors, and bad input writing nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../services/common/app.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import type { AccountView, HoldResponse, JournalPage } from '../../services/ledger/contract.ts';
import { BAD_INPUT_CASES } from './bad-input-cases.ts';

const book = createLedgerBook({ seed: 5, accounts: 20, idempotency: true });
const app = createApp();
await app.register(ledgerStorePlugin, { book, replica: 'ledger-store' });
await app.ready();
after(() => app.close());

const hold = {
  request_id: 'hold:auth-1',
  authorization_id: 'auth-1',
  account_id: 'acc-000002',
  amount: { value: 100, currency: 'GBP' },
  card_last4: '4242',
};

test('POST /v1/holds holds, replays, and answers 409 for a reused request_id with another body', async () => {
  const first = await app.inject({ method: 'POST', url: '/v1/holds', payload: hold });
  assert.equal(first.statusCode, 200);
  const body = first.json<HoldResponse>();
  assert.equal(body.result, 'held');
  assert.equal(body.replayed, false);
  const again = await app.inject({ method: 'POST', url: '/v1/holds', payload: hold });
  assert.equal(again.json<HoldResponse>().replayed, true);
  const conflict = await app.inject({ method: 'POST', url: '/v1/holds', payload: { ...hold, amount: { value: 101, currency: 'GBP' } } });
  assert.equal(conflict.statusCode, 409);
  assert.match(conflict.json<{ error: string }>().error, /request_id/);
});

test('GET /v1/accounts/:id, /v1/authorizations/:id and /v1/journal', async () => {
  const account = await app.inject({ method: 'GET', url: '/v1/accounts/acc-000002' });
  assert.equal(account.statusCode, 200);
  const view = account.json<AccountView>();
  assert.equal(view.holds, 100);
  assert.equal(view.balance, view.available + view.holds);
  const missing = await app.inject({ method: 'GET', url: '/v1/accounts/acc-999999' });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.json<{ error: string }>().error, /id/);
  const auth = await app.inject({ method: 'GET', url: '/v1/authorizations/auth-1' });
  assert.equal(auth.json<{ held: boolean }>().held, true);
  const page = await app.inject({ method: 'GET', url: '/v1/journal?after=0&limit=5' });
  assert.equal(page.json<JournalPage>().entries.length, 5);
  assert.equal(page.json<JournalPage>().next, 5);
  const badLimit = await app.inject({ method: 'GET', url: '/v1/journal?limit=0' });
  assert.equal(badLimit.statusCode, 400);
  assert.match(badLimit.json<{ error: string }>().error, /querystring\/limit/);
  const badParam = await app.inject({ method: 'GET', url: '/v1/accounts/bad%20id' });
  assert.equal(badParam.statusCode, 400);
  assert.match(badParam.json<{ error: string }>().error, /params\/id/);
});

test('postings: unknown account is 404 and a currency mismatch 422, both writing nothing', async () => {
  const before = book.stats().entries;
  const unknown = await app.inject({
    method: 'POST',
    url: '/v1/postings',
    payload: { request_id: 'p-1', authorization_id: 'auth-p1', account_id: 'acc-999999', amount: { value: 5, currency: 'GBP' }, kind: 'advice' },
  });
  assert.equal(unknown.statusCode, 404);
  assert.match(unknown.json<{ error: string }>().error, /account_id/);
  const currency = await app.inject({
    method: 'POST',
    url: '/v1/postings',
    payload: { request_id: 'p-2', authorization_id: 'auth-p2', account_id: 'acc-000001', amount: { value: 5, currency: 'EUR' }, kind: 'advice' },
  });
  assert.equal(currency.statusCode, 422);
  assert.match(currency.json<{ error: string }>().error, /amount\/currency/);
  assert.equal(book.stats().entries, before);
});

for (const bad of BAD_INPUT_CASES) {
  test(`bad input is refused and writes nothing: ${bad.name}`, async () => {
    const before = book.stats().entries;
    const res = await app.inject({
      method: 'POST',
      url: bad.path,
      headers: { 'content-type': bad.contentType ?? 'application/json' },
      payload: bad.body,
    });
    assert.equal(res.statusCode, bad.status, res.body);
    assert.match(res.json<{ error: string }>().error, bad.message);
    assert.equal(book.stats().entries, before);
  });
}
