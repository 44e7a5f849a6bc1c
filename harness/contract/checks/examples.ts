// The fixed list of realistic requests each service gets before the generated ones, in order (a reversal
// follows the authorization it reverses). Each names the statuses it must get: a known account is 200, an
// unknown one is what the contract says (a 200 decline for a hold, a 404 for an advice or a balance).
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { ReplaceableService } from '../../scenario/schema.ts';
import type { JsonObject } from '../types.ts';
import type { ContractAccounts } from './accounts.ts';
import * as b from './bodies.ts';
import type { IdFactory } from './ids.ts';

export interface Example {
  /** `POST /v1/holds`: the route it is for. */
  route: string;
  name: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: JsonObject;
  /** The statuses it must get. */
  expect: number[];
}

export function examplesFor(service: ReplaceableService, accounts: ContractAccounts, ids: IdFactory): Example[] {
  const rich = [...accounts.generated].sort((x, y) => y.opening_balance - x.opening_balance);
  const payer = rich[0] as AccountSeed;
  const other = (rich[1] ?? payer) as AccountSeed;
  switch (service) {
    case 'ledger':
    case 'ledger-store':
      return ledgerExamples(payer, other, accounts.unknown, ids);
    case 'card-processor':
      return processorExamples(payer, other, accounts.unknown, ids);
    case 'feed':
      return feedExamples(payer, other, accounts.unknown, ids);
  }
}

function ledgerExamples(payer: AccountSeed, other: AccountSeed, unknown: string, ids: IdFactory): Example[] {
  const auth = ids.next('ex-auth');
  const w = (authorizationId: string, account: string, value: number, currency = payer.currency): b.LedgerWrite => ({
    request_id: ids.next('ex'),
    authorization_id: authorizationId,
    account_id: account,
    amount: b.money(value, currency),
  });
  const claimed = w(ids.next('ex-auth'), payer.id, 899);
  return [
    { route: 'POST /v1/holds', name: 'a hold of 12.50 GBP', body: b.hold(w(auth, payer.id, 1250), payer), expect: [200] },
    {
      route: 'POST /v1/holds',
      name: "a hold with the caller's idempotency key",
      body: { ...b.hold(claimed, payer), idempotency: { scope: 'authorization', key: ids.next('ex-key'), fields: { account_id: payer.id, 'amount.value': 899, 'amount.currency': payer.currency } } },
      expect: [200],
    },
    { route: 'POST /v1/holds', name: 'a hold on an unknown account (a 200 decline)', body: b.hold(w(ids.next('ex-auth'), unknown, 500)), expect: [200] },
    { route: 'POST /v1/holds', name: 'a hold larger than the balance (a 200 decline)', body: b.hold(w(ids.next('ex-auth'), other.id, 1_000_000_000), other), expect: [200] },
    { route: 'POST /v1/releases', name: 'a partial reversal of the first hold', body: b.release(w(auth, payer.id, 250)), expect: [200] },
    { route: 'POST /v1/releases', name: 'a reversal of an authorization never held', body: b.release(w(ids.next('ex-auth'), payer.id, 400)), expect: [200] },
    { route: 'POST /v1/postings', name: 'an advice with no hold', body: b.posting(w(ids.next('ex-auth'), other.id, 990, other.currency)), expect: [200] },
    { route: 'POST /v1/postings', name: 'an advice that captures the rest of the first hold', body: b.posting(w(auth, payer.id, 1000)), expect: [200] },
    { route: 'POST /v1/postings', name: 'an advice on an unknown account', body: b.posting(w(ids.next('ex-auth'), unknown, 990)), expect: [404] },
    { route: 'POST /v1/idempotency-records', name: 'a decline recorded without a ledger write', body: b.idempotencyRecord(ids.next('ex-key'), payer, 1250), expect: [200] },
    { route: 'GET /v1/accounts/{id}', name: 'a seeded account', params: { id: payer.id }, expect: [200] },
    { route: 'GET /v1/accounts/{id}', name: 'an unknown account', params: { id: unknown }, expect: [404] },
    { route: 'GET /v1/journal', name: 'the first page', expect: [200] },
    { route: 'GET /v1/journal', name: 'five entries', query: { limit: '5' }, expect: [200] },
    { route: 'GET /v1/journal', name: 'two entries after the first', query: { after: '1', limit: '2' }, expect: [200] },
    { route: 'GET /v1/authorizations/{id}', name: 'the first hold', params: { id: auth }, expect: [200] },
    { route: 'GET /v1/authorizations/{id}', name: 'an authorization never seen', params: { id: ids.next('ex-auth') }, expect: [200] },
  ];
}

function processorExamples(payer: AccountSeed, other: AccountSeed, unknown: string, ids: IdFactory): Example[] {
  const first = ids.next('ex-auth');
  const unknownAccount: AccountSeed = { ...payer, id: unknown };
  return [
    { route: 'POST /v1/authorizations', name: 'a contactless payment of 12.50 GBP', body: b.authorization({ id: first, account: payer, amount: b.money(1250, payer.currency) }), expect: [200] },
    {
      route: 'POST /v1/authorizations',
      name: "a card that is not the account's (a 200 decline)",
      body: b.authorization({ id: ids.next('ex-auth'), account: other, amount: b.money(700, other.currency), card: { token: 'tok_0000notthiscard', last4: '0000' } }),
      expect: [200],
    },
    { route: 'POST /v1/authorizations', name: 'an unknown account (a 200 decline)', body: b.authorization({ id: ids.next('ex-auth'), account: unknownAccount, amount: b.money(700) }), expect: [200] },
    { route: 'POST /v1/authorizations', name: 'another currency than the account (a 200 decline)', body: b.authorization({ id: ids.next('ex-auth'), account: payer, amount: b.money(700, b.otherCurrency(payer.currency)) }), expect: [200] },
    { route: 'POST /v1/reversals', name: 'a partial reversal of the first payment', body: b.reversal({ id: ids.next('ex-rev'), authorizationId: first, account: payer, amount: b.money(250, payer.currency) }), expect: [200] },
    { route: 'POST /v1/reversals', name: 'a reversal of an authorization never seen', body: b.reversal({ id: ids.next('ex-rev'), authorizationId: ids.next('ex-auth'), account: payer, amount: b.money(400, payer.currency) }), expect: [200] },
    { route: 'POST /v1/advices', name: 'a stand-in advice with no authorization held', body: b.advice({ id: ids.next('ex-adv'), authorizationId: ids.next('ex-auth'), account: other, amount: b.money(990, other.currency), merchant: 1 }), expect: [200] },
    { route: 'POST /v1/advices', name: 'an advice that captures the rest of the first payment', body: b.advice({ id: ids.next('ex-adv'), authorizationId: first, account: payer, amount: b.money(1000, payer.currency) }), expect: [200] },
  ];
}

function feedExamples(payer: AccountSeed, other: AccountSeed, unknown: string, ids: IdFactory): Example[] {
  const at = 1_760_000_000_000;
  const snapshot = (account: AccountSeed, version: number, spent: number): b.FeedSnapshot => ({ account, version, available: account.opening_balance - spent, holds: spent });
  const auth = ids.next('ex-auth');
  return [
    { route: 'POST /v1/events', name: 'one hold event', body: { events: [b.feedEvent(ids.next('ex-evt'), auth, 'hold', 1250, snapshot(payer, 2, 1250), at)] }, expect: [200] },
    {
      route: 'POST /v1/events',
      name: 'a batch of three events',
      body: {
        events: [
          b.feedEvent(ids.next('ex-evt'), auth, 'release', 250, snapshot(payer, 3, 1000), at + 1),
          b.feedEvent(ids.next('ex-evt'), ids.next('ex-auth'), 'hold', 700, snapshot(other, 2, 700), at + 2),
          b.feedEvent(ids.next('ex-evt'), auth, 'capture', 1000, { account: payer, version: 4, available: payer.opening_balance - 1000, holds: 0 }, at + 3),
        ],
      },
      expect: [200],
    },
    { route: 'POST /v1/events', name: 'an empty batch', body: { events: [] }, expect: [200] },
    { route: 'GET /v1/accounts/{id}/balance', name: 'a seeded account', params: { id: payer.id }, expect: [200] },
    { route: 'GET /v1/accounts/{id}/balance', name: 'an unknown account', params: { id: unknown }, expect: [404] },
    { route: 'GET /v1/accounts/{id}/feed', name: 'a seeded account', params: { id: payer.id }, expect: [200] },
    { route: 'GET /v1/accounts/{id}/feed', name: 'the newest item', params: { id: payer.id }, query: { limit: '1' }, expect: [200] },
  ];
}
