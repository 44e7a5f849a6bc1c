// Hostile requests against the real pipeline (embedded topology: two processor replicas, two ledger
// replicas, the ledger store, the feed, discovery, fault proxies), each sent to BOTH processor replicas:
// a reused id with other content is 409 naming the fields on either replica, the same content gets the
// original answer on either; reversals and advices must match their authorization (partial reversals
// release exactly their amount, other currencies and over-reversals are refused); the feed shows what
// the ledger did; and afterwards the books balance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import { topologySchema } from '../../harness/scenario/schema.ts';
import type { RunningTopology } from '../../harness/topology/types.ts';
import { seedAccounts, type AccountSeed } from '../../services/common/accounts.ts';
import type { AccountView, AuthorizationState } from '../../services/ledger/contract.ts';
import type { AdviceRequest, AuthorizationRequest, AuthorizationResponse, RefusalBody, ReversalRequest, ReversalResponse } from '../../services/card-processor/contract.ts';
import type { FeedPage } from '../../services/feed/contract.ts';
import { journalSum, readJournal, recomputeAccounts, sameAsRecomputed, unbalancedEntries } from '../ledger/journal-check.ts';

const SEED = 13;
const ACCOUNTS = 50;
const accounts = seedAccounts(SEED, ACCOUNTS).filter((a) => a.opening_balance > 20_000);
const [A, B, C, D] = accounts as [AccountSeed, AccountSeed, AccountSeed, AccountSeed];

let topology: RunningTopology;
let processors: string[] = [];

before(async () => {
  topology = await startEmbeddedTopology(topologySchema.parse({ accounts: ACCOUNTS }), { seed: SEED });
  processors = topology.urls.processors;
  assert.equal(processors.length, 2);
});
after(async () => {
  await topology?.stop();
});

interface Answer<T> {
  status: number;
  body: T;
}

async function send<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Answer<T>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** The same request to processor replica 1, then to replica 2. */
async function toBoth<T>(path: string, body: unknown): Promise<[Answer<T>, Answer<T>]> {
  const first = await send<T>('POST', `${processors[0]}${path}`, body);
  const second = await send<T>('POST', `${processors[1]}${path}`, body);
  return [first, second];
}

function authorization(id: string, account: AccountSeed, value: number, overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return {
    id,
    account_id: account.id,
    card: { token: account.card_token, last4: account.card_last4 },
    amount: { value, currency: 'GBP' },
    merchant: { name: 'Corner Shop', mcc: '5411', country: 'GB' },
    channel: 'contactless',
    ...overrides,
  };
}

function conflict(key: string, fields: string[]): RefusalBody {
  return { error: `idempotency key ${key} was first used with different ${fields.join(', ')}`, code: 'idempotency_conflict', key, fields, status: 409 };
}

async function ledgerAccount(id: string): Promise<AccountView> {
  return (await send<AccountView>('GET', `${topology.urls.ledgerStore}/v1/accounts/${id}`)).body;
}

async function authorizationState(id: string): Promise<AuthorizationState> {
  return (await send<AuthorizationState>('GET', `${topology.urls.ledgerStore}/v1/authorizations/${id}`)).body;
}

test('a reused authorization id: same content gets the original answer on both replicas, other content 409 naming the fields on both', async () => {
  const first = await send<AuthorizationResponse>('POST', `${processors[0]}/v1/authorizations`, authorization('dup-1', A, 1_000));
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual([first.body.decision, first.body.replayed, first.body.amount], ['approved', false, { value: 1_000, currency: 'GBP' }]);

  for (const again of await toBoth<AuthorizationResponse>('/v1/authorizations', authorization('dup-1', A, 1_000))) {
    assert.equal(again.status, 200);
    assert.deepEqual([again.body.decision, again.body.reason, again.body.replayed, again.body.amount.value], ['approved', 'ok', true, 1_000]);
  }

  const hostile: Array<[string, AuthorizationRequest, string[]]> = [
    ['another amount', authorization('dup-1', A, 99_999), ['amount.value']],
    ['another currency', authorization('dup-1', A, 1_000, { amount: { value: 1_000, currency: 'EUR' } }), ['amount.currency']],
    [
      'another account (with its own card)',
      authorization('dup-1', B, 1_000),
      ['account_id', ...(B.card_last4 === A.card_last4 ? [] : ['card.last4']), 'card.token'],
    ],
    ['another merchant', authorization('dup-1', A, 1_000, { merchant: { name: 'Elsewhere Ltd', mcc: '5812', country: 'GB' } }), ['merchant.mcc', 'merchant.name']],
    ['another channel', authorization('dup-1', A, 1_000, { channel: 'ecommerce' }), ['channel']],
  ];
  for (const [what, body, fields] of hostile) {
    const answers = await toBoth<RefusalBody>('/v1/authorizations', body);
    answers.forEach((answer, i) => {
      assert.equal(answer.status, 409, `${what} on replica ${i + 1}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(answer.body, conflict('dup-1', fields), `${what} on replica ${i + 1}`);
    });
  }
  assert.equal((await authorizationState('dup-1')).holds, 1);
  assert.equal((await ledgerAccount(A.id)).holds, 1_000);
  assert.equal((await ledgerAccount(B.id)).available, B.opening_balance, 'the other account was never touched');
});

test('a decline given without a ledger write (card_mismatch) is judged by content on both replicas too', async () => {
  const stolen = authorization('cm-1', C, 2_000, { card: { token: D.card_token, last4: D.card_last4 } });
  const first = await send<AuthorizationResponse>('POST', `${processors[1]}/v1/authorizations`, stolen);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual([first.body.decision, first.body.reason, first.body.replayed], ['declined', 'card_mismatch', false]);
  for (const again of await toBoth<AuthorizationResponse>('/v1/authorizations', stolen)) {
    assert.deepEqual([again.status, again.body.decision, again.body.reason, again.body.replayed], [200, 'declined', 'card_mismatch', true]);
  }
  // The same id with the account's own card: not a fresh authorization, a reuse with other content.
  const cardFields = [...(C.card_last4 === D.card_last4 ? [] : ['card.last4']), 'card.token'];
  for (const answer of await toBoth<RefusalBody>('/v1/authorizations', authorization('cm-1', C, 2_000))) {
    assert.equal(answer.status, 409);
    assert.deepEqual(answer.body, conflict('cm-1', cardFields));
  }
  for (const answer of await toBoth<RefusalBody>('/v1/authorizations', { ...stolen, amount: { value: 2_001, currency: 'GBP' } })) {
    assert.deepEqual([answer.status, answer.body.fields], [409, ['amount.value']]);
  }
  assert.equal((await authorizationState('cm-1')).holds, 0);
});

test('concurrent duplicates with two contents on both replicas at once: one content wins everywhere, held once', async () => {
  const bodies = Array.from({ length: 16 }, (_, i) => authorization('race-1', D, i % 2 === 0 ? 1_500 : 2_500));
  const answers = await Promise.all(
    bodies.map((body, i) => send<AuthorizationResponse & RefusalBody>('POST', `${processors[i % 4 < 2 ? 0 : 1]}/v1/authorizations`, body)),
  );
  const byAmount = new Map<number, number[]>();
  answers.forEach((a, i) => byAmount.set(bodies[i]!.amount.value, [...(byAmount.get(bodies[i]!.amount.value) ?? []), a.status]));
  const winner = answers.find((a) => a.status === 200)?.body.amount.value;
  assert.ok(winner === 1_500 || winner === 2_500, `no approval: ${JSON.stringify(answers.map((a) => a.status))}`);
  const loser = winner === 1_500 ? 2_500 : 1_500;
  assert.deepEqual(byAmount.get(winner), Array(8).fill(200));
  assert.deepEqual(byAmount.get(loser), Array(8).fill(409));
  for (const [i, a] of answers.entries()) {
    if (a.status === 200) assert.deepEqual([a.body.decision, a.body.amount.value], ['approved', winner]);
    else assert.deepEqual(a.body.fields, ['amount.value'], `answer ${i}`);
  }
  assert.equal((await authorizationState('race-1')).holds, 1);
  assert.equal((await ledgerAccount(D.id)).holds, winner);
});

function reversal(id: string, value: number, currency = 'GBP'): ReversalRequest {
  return { id, authorization_id: 'dup-1', account_id: A.id, amount: { value, currency } };
}

test('reversals match their authorization: partial releases exactly its amount, other currency and over-reversal are refused on both replicas', async () => {
  const partial = await send<ReversalResponse>('POST', `${processors[1]}/v1/reversals`, reversal('rev-1', 400));
  assert.equal(partial.status, 200, JSON.stringify(partial.body));
  assert.deepEqual(partial.body, { id: 'rev-1', authorization_id: 'dup-1', result: 'released', amount: { value: 400, currency: 'GBP' }, replayed: false });
  assert.equal((await ledgerAccount(A.id)).holds, 600);

  for (const again of await toBoth<ReversalResponse>('/v1/reversals', reversal('rev-1', 400))) {
    assert.deepEqual([again.status, again.body.result, again.body.amount, again.body.replayed], [200, 'released', { value: 400, currency: 'GBP' }, true]);
  }
  for (const reused of await toBoth<RefusalBody>('/v1/reversals', reversal('rev-1', 500))) {
    assert.equal(reused.status, 409);
    assert.deepEqual(reused.body, conflict('rev-1', ['amount.value']));
  }
  for (const eur of await toBoth<RefusalBody>('/v1/reversals', reversal('rev-eur', 5, 'EUR'))) {
    assert.equal(eur.status, 422, JSON.stringify(eur.body));
    assert.deepEqual([eur.body.code, eur.body.field], ['currency_mismatch', 'amount/currency']);
    assert.match(eur.body.error, /body\/amount\/currency EUR does not match the currency of authorization dup-1 \(GBP\)/);
  }
  for (const over of await toBoth<RefusalBody>('/v1/reversals', reversal('rev-over', 601))) {
    assert.equal(over.status, 422, JSON.stringify(over.body));
    assert.deepEqual([over.body.code, over.body.field], ['amount_exceeds_remaining', 'amount/value']);
    assert.match(over.body.error, /601 is more than the 600 GBP still held for authorization dup-1/);
  }
  assert.equal((await ledgerAccount(A.id)).holds, 600, 'refused reversals wrote nothing');

  // A refused request does not use up its key: the corrected reversal takes the rest.
  const rest = await send<ReversalResponse>('POST', `${processors[0]}/v1/reversals`, reversal('rev-over', 600));
  assert.deepEqual([rest.status, rest.body.result, rest.body.amount], [200, 'released', { value: 600, currency: 'GBP' }]);
  const view = await ledgerAccount(A.id);
  assert.deepEqual([view.holds, view.available], [0, A.opening_balance]);
  const nothing = await send<ReversalResponse>('POST', `${processors[1]}/v1/reversals`, reversal('rev-late', 1_000));
  assert.deepEqual([nothing.status, nothing.body.result, nothing.body.amount], [200, 'nothing_to_reverse', null]);
  assert.equal((await authorizationState('dup-1')).releases, 2);
});

function advice(id: string, value: number, currency = 'GBP', overrides: Partial<AdviceRequest> = {}): AdviceRequest {
  return {
    id,
    authorization_id: 'adv-auth-1',
    account_id: B.id,
    card: { token: B.card_token, last4: B.card_last4 },
    amount: { value, currency },
    merchant: { name: 'Night Bus', mcc: '4111', country: 'GB' },
    channel: 'contactless',
    ...overrides,
  };
}

test('advices: another currency than the hold is refused on both replicas; a reused advice id is judged by content', async () => {
  const held = await send<AuthorizationResponse>('POST', `${processors[0]}/v1/authorizations`, authorization('adv-auth-1', B, 700));
  assert.equal(held.body.decision, 'approved');
  for (const eur of await toBoth<RefusalBody>('/v1/advices', advice('adv-1', 700, 'EUR'))) {
    assert.equal(eur.status, 422, JSON.stringify(eur.body));
    assert.deepEqual([eur.body.code, eur.body.field], ['currency_mismatch', 'amount/currency']);
    assert.match(eur.body.error, /adv-auth-1's hold/);
  }
  assert.equal((await ledgerAccount(B.id)).holds, 700);
  const posted = await send<{ result: string; replayed: boolean }>('POST', `${processors[1]}/v1/advices`, advice('adv-1', 700));
  assert.deepEqual([posted.status, posted.body.result, posted.body.replayed], [200, 'captured', false]);
  for (const again of await toBoth<{ result: string; replayed: boolean }>('/v1/advices', advice('adv-1', 700))) {
    assert.deepEqual([again.status, again.body.result, again.body.replayed], [200, 'captured', true]);
  }
  for (const reused of await toBoth<RefusalBody>('/v1/advices', advice('adv-1', 700, 'GBP', { merchant: { name: 'Day Bus', mcc: '4111', country: 'GB' } }))) {
    assert.equal(reused.status, 409);
    assert.deepEqual(reused.body, conflict('adv-1', ['merchant.name']));
  }
  const state = await authorizationState('adv-auth-1');
  assert.deepEqual([state.holds, state.captures, state.postings], [1, 1, 0]);
});

test('the feed shows what the ledger did, and the books balance afterwards', async () => {
  for (const url of processors) {
    const drained = await send<{ drained: boolean }>('POST', `${url}/__admin/drain`, { deadline_ms: 10_000 });
    assert.equal(drained.body.drained, true);
  }
  const feed = await send<FeedPage>('GET', `${topology.urls.feeds[0]}/v1/accounts/${A.id}/feed?limit=100`);
  const releases = feed.body.items.filter((item) => item.kind === 'release').map((item) => [item.event_id, item.amount, item.currency]);
  assert.deepEqual(releases.sort(), [
    ['rev:rev-1', 400, 'GBP'],
    ['rev:rev-over', 600, 'GBP'],
  ]);

  const journal = await readJournal(topology.urls.ledgerStore);
  assert.deepEqual(unbalancedEntries(journal).map((e) => e.seq), []);
  assert.equal(journalSum(journal), 0);
  const recomputed = recomputeAccounts(journal);
  for (const seed of seedAccounts(SEED, ACCOUNTS)) {
    const view = await ledgerAccount(seed.id);
    assert.ok(sameAsRecomputed(view, recomputed.get(seed.id)), `${seed.id}: ${JSON.stringify(view)} vs ${JSON.stringify(recomputed.get(seed.id))}`);
  }
  // Nothing hostile moved money: A is back to its opening balance, B paid the captured advice only.
  assert.equal((await ledgerAccount(A.id)).balance, A.opening_balance);
  assert.equal((await ledgerAccount(B.id)).balance, B.opening_balance - 700);
});
