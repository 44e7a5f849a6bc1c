// The ledger as it runs: one store process and two API replica processes over real sockets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { seedAccounts } from '../../services/common/accounts.ts';
import { createRng } from '../../services/common/random.ts';
import type { HopFailureBody } from '../../services/common/failure.ts';
import type { AccountView, AuthorizationState, HoldResponse, PostingResponse, ReleaseResponse } from '../../services/ledger/contract.ts';
import { BAD_INPUT_CASES } from './bad-input-cases.ts';
import { journalSum, readJournal, recomputeAccounts, sameAsRecomputed, unbalancedEntries } from './journal-check.ts';
import { call, inParallel, startLedger, startService, stopAll, type LedgerCluster } from './service-processes.ts';

const SEED = 21;
const ACCOUNTS = 60;
let ledger: LedgerCluster;
const replicaUrl = (i: number): string => ledger.replicas[i % ledger.replicas.length]!.url;

before(async () => {
  ledger = await startLedger({ seed: SEED, accounts: ACCOUNTS }, 2);
});
after(stopAll);

async function storeEntries(): Promise<number> {
  return (await call<{ entries: number }>('GET', `${ledger.store.url}/health`)).body.entries;
}

test('concurrent duplicate holds through two replicas hold exactly once', async () => {
  const hold = { request_id: 'hold:dup-1', authorization_id: 'dup-1', account_id: 'acc-000003', amount: { value: 100, currency: 'GBP' } };
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => call<HoldResponse>('POST', `${replicaUrl(i)}/v1/holds`, hold)));
  assert.ok(answers.every((a) => a.status === 200 && a.body.result === 'held'));
  assert.equal(answers.filter((a) => !a.body.replayed).length, 1);
  // Same authorization, a different request_id per attempt: still one hold.
  const retries = await Promise.all(
    Array.from({ length: 100 }, (_, i) => call<HoldResponse>('POST', `${replicaUrl(i)}/v1/holds`, { ...hold, request_id: `hold:dup-1:attempt-${i}` })),
  );
  assert.ok(retries.every((a) => a.status === 200 && a.body.result === 'held' && a.body.replayed));
  const journal = await readJournal(replicaUrl(0));
  assert.equal(journal.filter((e) => e.kind === 'hold' && e.authorization_id === 'dup-1').length, 1);
  const state = await call<AuthorizationState>('GET', `${replicaUrl(1)}/v1/authorizations/dup-1`);
  assert.equal(state.body.holds, 1);
  const account = await call<AccountView>('GET', `${replicaUrl(1)}/v1/accounts/acc-000003`);
  assert.equal(account.body.holds, 100);
});

test('thousands of mixed operations: journal sums to zero and balances recomputed from it match the accounts', async () => {
  const seeds = seedAccounts(SEED, ACCOUNTS);
  const rng = createRng(7);
  type Op = { path: string; body: object };
  const ops: Op[] = [];
  const auths: Array<{ id: string; account: string; amount: number }> = [];
  for (let i = 0; i < 3000; i++) {
    const roll = rng.next();
    if (roll < 0.5 || auths.length === 0) {
      const auth = { id: `mix-${i}`, account: rng.pick(seeds).id, amount: rng.int(1, 40_000) };
      auths.push(auth);
      ops.push({ path: '/v1/holds', body: { request_id: `hold:${auth.id}`, authorization_id: auth.id, account_id: auth.account, amount: { value: auth.amount, currency: 'GBP' } } });
    } else if (roll < 0.65) {
      const auth = rng.pick(auths); // a retried hold
      ops.push({ path: '/v1/holds', body: { request_id: `hold:${auth.id}`, authorization_id: auth.id, account_id: auth.account, amount: { value: auth.amount, currency: 'GBP' } } });
    } else if (roll < 0.82) {
      const auth = rng.pick(auths);
      ops.push({ path: '/v1/postings', body: { request_id: `advice:${auth.id}`, authorization_id: auth.id, account_id: auth.account, amount: { value: auth.amount, currency: 'GBP' }, kind: 'advice' } });
    } else {
      const auth = rng.pick(auths);
      ops.push({ path: '/v1/releases', body: { request_id: `rev:${auth.id}:${rng.int(0, 1)}`, authorization_id: auth.id, account_id: auth.account, amount: { value: auth.amount, currency: 'GBP' } } });
    }
  }
  const failures: string[] = [];
  await inParallel(ops, 32, async (op, i) => {
    const res = await call<HoldResponse | PostingResponse | ReleaseResponse>('POST', `${replicaUrl(i)}${op.path}`, op.body);
    // Ops run 32 at a time in any order: a first hold that lands after its authorization was posted (an advice)
    // and refunded in full is refused whole by the one-hold rule, a business refusal that writes nothing.
    const oneHoldRule = res.status === 409 && (res.body as { code?: string }).code === 'one_hold_per_authorization';
    if (res.status !== 200 && !oneHoldRule) failures.push(`${op.path} ${JSON.stringify(op.body)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  });
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${ops.length} operations were not answered 200`);

  const journal = await readJournal(replicaUrl(1), 700);
  assert.ok(journal.length > 1500, `journal has ${journal.length} entries`);
  assert.deepEqual(unbalancedEntries(journal).map((e) => e.seq), []);
  assert.equal(journalSum(journal), 0);
  assert.deepEqual(journal.map((e) => e.seq), journal.map((_, i) => i + 1));
  const recomputed = recomputeAccounts(journal);
  for (const seed of seeds) {
    const view = (await call<AccountView>('GET', `${replicaUrl(0)}/v1/accounts/${seed.id}`)).body;
    assert.ok(sameAsRecomputed(view, recomputed.get(seed.id)), `${seed.id}: ledger ${JSON.stringify(view)} journal ${JSON.stringify(recomputed.get(seed.id))}`);
    assert.equal(view.opening_balance, seed.opening_balance);
  }
  const holdsPerAuth = new Map<string, number>();
  for (const e of journal) if (e.kind === 'hold') holdsPerAuth.set(e.authorization_id!, (holdsPerAuth.get(e.authorization_id!) ?? 0) + 1);
  assert.deepEqual([...holdsPerAuth].filter(([, n]) => n > 1), []);
});

test('bad input through a replica gets a 4xx naming the field and writes nothing', async () => {
  const before = await storeEntries();
  for (const bad of BAD_INPUT_CASES) {
    const res = await request(`${replicaUrl(0)}${bad.path}`, {
      method: 'POST',
      headers: { 'content-type': bad.contentType ?? 'application/json' },
      body: bad.body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.body.text();
    assert.equal(res.statusCode, bad.status, `${bad.name}: ${text}`);
    assert.match((JSON.parse(text) as { error: string }).error, bad.message, bad.name);
  }
  // Still serving after all of it.
  assert.equal((await call('GET', `${replicaUrl(0)}/health`)).status, 200);
  assert.equal(await storeEntries(), before);
});

test('idempotency: false (the deliberate defect) really holds a repeated hold twice', async () => {
  const defective = await startLedger({ seed: SEED, accounts: 5, idempotency: false }, 1);
  try {
    const hold = { request_id: 'hold:twice', authorization_id: 'twice', account_id: 'acc-000002', amount: { value: 50, currency: 'GBP' } };
    const url = defective.replicas[0]!.url;
    const first = await call<HoldResponse>('POST', `${url}/v1/holds`, hold);
    const second = await call<HoldResponse>('POST', `${url}/v1/holds`, hold);
    assert.equal(first.body.result, 'held');
    assert.equal(second.body.replayed, false);
    assert.equal((await call<AuthorizationState>('GET', `${url}/v1/authorizations/twice`)).body.holds, 2);
    assert.equal((await readJournal(url)).filter((e) => e.authorization_id === 'twice').length, 2);
  } finally {
    await Promise.all([defective.store.stop(), ...defective.replicas.map((r) => r.stop())]);
  }
});

test('a replica whose store is gone answers 503 naming the hop ledger->store', async () => {
  const store = await startService('services/ledger/main-store.ts', { seed: 1, accounts: 3 });
  const replica = await startService('services/ledger/main.ts', { replica: 'ledger-9', storeUrl: store.url });
  try {
    await store.stop();
    const res = await call<HopFailureBody>('POST', `${replica.url}/v1/holds`, {
      request_id: 'hold:x',
      authorization_id: 'x',
      account_id: 'acc-000001',
      amount: { value: 1, currency: 'GBP' },
    });
    assert.equal(res.status, 503);
    assert.equal(res.body.hop, 'ledger->store');
    assert.equal(res.body.cause, 'connection_refused');
    assert.equal((await call('GET', `${replica.url}/health`)).status, 200);
  } finally {
    await replica.stop();
  }
});
