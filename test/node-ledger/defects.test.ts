// The fixture's deliberate defects (NODE_LEDGER_DEFECT), each shown against the contract's rule it breaks,
// next to the correct fixture on the same ledger store: what a contract check must catch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { HoldResponse, IdempotencyRecordResponse } from '../../services/ledger/contract.ts';
import { readJournal } from '../ledger/journal-check.ts';
import { call, startService, stopAll, type RunningService } from '../ledger/service-processes.ts';
import { rawRequest, startNodeLedger, stopNodeLedgers, type NodeLedger } from './node-ledger.ts';

let store: RunningService;
let good: NodeLedger;
let reuse: NodeLedger;
let crash: NodeLedger;
let lossy: NodeLedger;

before(async () => {
  store = await startService('services/ledger/main-store.ts', { seed: 5, accounts: 6 });
  [good, reuse, crash, lossy] = await Promise.all([
    startNodeLedger({ storeUrl: store.url, replica: 'ledger-1' }),
    startNodeLedger({ storeUrl: store.url, replica: 'ledger-2', defect: 'reuse-first-answer' }),
    startNodeLedger({ storeUrl: store.url, replica: 'ledger-3', defect: '500-on-malformed' }),
    startNodeLedger({ storeUrl: store.url, replica: 'ledger-4', defect: 'lose-writes' }),
  ]);
});
after(async () => {
  await Promise.all([stopNodeLedgers(), stopAll()]);
});

const hold = (value: number) => ({ request_id: 'hold:reuse-1', authorization_id: 'reuse-1', account_id: 'acc-000002', amount: { value, currency: 'GBP' } });

test('reuse-first-answer: a reused request_id is answered from the replica\'s cache with the first answer, whatever the body', async () => {
  assert.match(reuse.output(), /DEFECT reuse-first-answer/);
  const first = await call<HoldResponse>('POST', `${reuse.url}/v1/holds`, hold(100));
  assert.equal(first.status, 200);
  assert.equal(first.body.result, 'held');

  // Other content under the same request_id: the contract says 409 (the correct replica says so) ...
  const correct = await call<{ code: string }>('POST', `${good.url}/v1/holds`, hold(5000));
  assert.equal(correct.status, 409);
  assert.equal(correct.body.code, 'idempotency_conflict');
  // ... the defective one answers 200 with the first answer, for 100, to a request for 5000.
  const wrong = await call<HoldResponse>('POST', `${reuse.url}/v1/holds`, hold(5000));
  assert.equal(wrong.status, 200);
  assert.deepEqual(wrong.body, first.body);

  // A true retry: the contract's answer is the original marked replayed; the cache answers replayed: false.
  assert.equal((await call<HoldResponse>('POST', `${good.url}/v1/holds`, hold(100))).body.replayed, true);
  assert.equal((await call<HoldResponse>('POST', `${reuse.url}/v1/holds`, hold(100))).body.replayed, false);

  // The same for a recorded idempotency key.
  const record = (token: string) => ({ idempotency: { scope: 'authorization', key: 'net-reuse-1', fields: { 'card.token': token } }, outcome: 'card_mismatch' });
  assert.equal((await call<IdempotencyRecordResponse>('POST', `${reuse.url}/v1/idempotency-records`, record('tok_a'))).status, 200);
  assert.equal((await call('POST', `${good.url}/v1/idempotency-records`, record('tok_b'))).status, 409);
  const cached = await call<IdempotencyRecordResponse>('POST', `${reuse.url}/v1/idempotency-records`, record('tok_b'));
  assert.equal(cached.status, 200);
  assert.equal(cached.body.replayed, false);

  // The store holds once: the defect is in what the client is told, which is what a contract check sees.
  const holds = (await readJournal(store.url)).filter((e) => e.kind === 'hold' && e.authorization_id === 'reuse-1');
  assert.equal(holds.length, 1);
  assert.equal(holds[0]!.amount, 100);
});

test('500-on-malformed: a malformed JSON body answers 500 instead of 400; valid requests are unaffected', async () => {
  assert.match(crash.output(), /DEFECT 500-on-malformed/);
  for (const body of ['{"request_id": "x", ', '', '{"amount": {"value": 1,}}']) {
    const correct = await rawRequest(`${good.url}/v1/holds`, { body });
    assert.equal(correct.status, 400, `correct replica, body ${JSON.stringify(body)}`);
    assert.equal((JSON.parse(correct.text) as { status: number }).status, 400);
    const broken = await rawRequest(`${crash.url}/v1/holds`, { body });
    assert.equal(broken.status, 500, `defective replica, body ${JSON.stringify(body)}: ${broken.text}`);
    assert.equal((JSON.parse(broken.text) as { code: string }).code, 'INTERNAL_SERVER_ERROR');
  }
  // Well-formed requests, good or bad, are answered as the contract says.
  const ok = await call<HoldResponse>('POST', `${crash.url}/v1/holds`, { ...hold(10), request_id: 'hold:crash-1', authorization_id: 'crash-1' });
  assert.equal(ok.body.result, 'held');
  const invalid = await call<{ error: string }>('POST', `${crash.url}/v1/holds`, { ...hold(10), amount: { value: '10', currency: 'GBP' } });
  assert.equal(invalid.status, 400);
  assert.match(invalid.body.error, /body\/amount\/value must be integer/);
  assert.equal((await call('GET', `${crash.url}/health`)).status, 200, 'the process survived');
});

test('lose-writes: every 200th hold is answered held, with the balances it would leave, and never written', async () => {
  assert.match(lossy.output(), /DEFECT lose-writes/);
  const answers: HoldResponse[] = [];
  for (let i = 1; i <= 400; i++) {
    const res = await call<HoldResponse>('POST', `${lossy.url}/v1/holds`, { request_id: `hold:lose-${i}`, authorization_id: `lose-${i}`, account_id: 'acc-000001', amount: { value: 1, currency: 'GBP' } });
    assert.equal(res.status, 200);
    answers.push(res.body);
  }
  // Every answer says held, with the account one more unit lower each time: nothing to see in the answers.
  assert.ok(answers.every((a) => a.result === 'held' && a.replayed === false));
  const journal = (await readJournal(store.url)).filter((e) => e.kind === 'hold' && e.authorization_id?.startsWith('lose-'));
  const written = new Set(journal.map((e) => e.authorization_id));
  const lost = answers.map((a) => a.authorization_id).filter((id) => !written.has(id));
  assert.deepEqual(lost, ['lose-200', 'lose-400']);
  const state = await call<{ holds: number; held: boolean }>('GET', `${good.url}/v1/authorizations/lose-200`);
  assert.deepEqual([state.body.holds, state.body.held], [0, false]);
  const release = await call<{ result: string }>('POST', `${good.url}/v1/releases`, { request_id: 'rel:lose-200', authorization_id: 'lose-200', account_id: 'acc-000001', amount: { value: 1, currency: 'GBP' } });
  assert.equal(release.body.result, 'nothing_to_reverse');
});
