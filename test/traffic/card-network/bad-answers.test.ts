// The card network reads every answer against the processor's contract (and app reads against the
// feed's): a 2xx with no decision, a decline for a reason outside the contract, an approval with a decline's
// reason, an answer about another id or a body that is not JSON is a technical failure `bad_answer` at
// network->processor — answered by stand-in (or unknown, with a timeout reversal), never counted as a
// decline. An advice answered outside the contract is not delivered: it is retried. And a conflicting
// retry's history says when it really left (sent_ms) and how long it waited for its original (waited_ms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationRequest } from '../../../services/card-processor/contract.ts';
import type { HistoryRecord } from '../../../harness/history/record.ts';
import { CardNetwork } from '../../../harness/traffic/card-network/card-network.ts';
import { decision, json, network, nowTiming, sleep, startServer, within } from '../helpers.ts';

let n = 0;
function auth(value = 100): AuthorizationRequest {
  n++;
  return {
    id: `auth-bad-${n}`,
    account_id: 'acc-000001',
    card: { token: 'tok_card1', last4: '4242' },
    amount: { value, currency: 'GBP' },
    merchant: { name: 'Shop', mcc: '5411', country: 'GB' },
    channel: 'pos',
  };
}

function rig(urls: { processor: string; feed?: string }, net: Record<string, unknown>) {
  const records: HistoryRecord[] = [];
  const card = new CardNetwork({
    processorUrls: [urls.processor],
    ...(urls.feed ? { feedUrls: [urls.feed] } : {}),
    network: network(net),
    onRecord: (r) => records.push(r),
  });
  return { card, records };
}

/** Bodies a processor might answer 2xx with, each outside its contract. */
const BAD: [string, (b: AuthorizationRequest) => unknown][] = [
  ['{}', () => ({})],
  ['no decision', (b) => ({ id: b.id, reason: 'ok' })],
  ['a decline for a reason outside the contract', (b) => ({ ...decision(b, 'declined'), reason: 'ledger_said_so' })],
  ['a decline with no reason', (b) => ({ ...decision(b, 'declined'), reason: undefined })],
  ["an approval with a decline's reason", (b) => ({ ...decision(b, 'approved'), reason: 'insufficient_funds' })],
  ['a decline whose reason is ok', (b) => ({ ...decision(b, 'declined'), reason: 'ok' })],
  ["another authorization's answer", (b) => ({ ...decision(b, 'declined'), id: 'auth-someone-else' })],
];

test('a 2xx outside the contract is bad_answer at network->processor: stand-in answers, never a decline', async () => {
  let current: (b: AuthorizationRequest) => unknown = () => ({});
  const server = await startServer((req, res) => {
    if (req.url === '/v1/authorizations') return json(res, 200, current(req.body as AuthorizationRequest));
    json(res, 200, { id: (req.body as { id: string }).id, authorization_id: 'x', result: 'posted', replayed: false });
  });
  const r = rig({ processor: server.url }, { standin: { enabled: true, limit_per_card: 1_000_000 } });
  try {
    for (const [what, body] of BAD) {
      current = body;
      const record = await r.card.send({ kind: 'authorization', offset_ms: 0, body: auth() }, nowTiming());
      assert.equal(record.outcome, 'standin_approved', what);
      assert.equal(record.issuer_decision, undefined, `${what}: no issuer decision recorded`);
      assert.deepEqual(record.error, { hop: 'network->processor', cause: 'bad_answer' }, what);
    }
    // A body that is not JSON, on a 200.
    const text = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('APPROVED');
    });
    const t = rig({ processor: text.url }, { standin: { enabled: true, limit_per_card: 1_000_000 } });
    const record = await t.card.send({ kind: 'authorization', offset_ms: 0, body: auth() }, nowTiming());
    assert.deepEqual([record.outcome, record.error?.cause], ['standin_approved', 'bad_answer']);
    await t.card.close();
    await text.close();
    // The contract's own decline is still a decline.
    current = (b) => decision(b, 'declined');
    const declined = await r.card.send({ kind: 'authorization', offset_ms: 0, body: auth() }, nowTiming());
    assert.deepEqual([declined.outcome, declined.reason], ['declined', 'insufficient_funds']);
  } finally {
    await r.card.close();
    await server.close();
  }
});

test('stand-in off: a bad answer is unknown (the issuer may have held it) and queues a timeout reversal', async () => {
  const server = await startServer((req, res) => json(res, 200, req.url === '/v1/authorizations' ? {} : { id: (req.body as { id: string }).id, result: 'released' }));
  const r = rig({ processor: server.url }, { standin: { enabled: false, limit_per_card: 0 } });
  try {
    const record = await r.card.send({ kind: 'authorization', offset_ms: 0, body: auth() }, nowTiming());
    assert.equal(record.outcome, 'unknown');
    assert.equal(record.error?.cause, 'bad_answer');
    assert.equal(r.card.forwardReport().timeout_reversals.queued, 1);
  } finally {
    await r.card.close();
    await server.close();
  }
});

test('an advice answered 2xx outside the contract is not delivered: retried, and pending at the end names bad_answer', async () => {
  let good = false;
  const server = await startServer((req, res) => {
    if (req.url === '/v1/authorizations') return; // hang: the network's deadline fires, stand-in approves
    const id = (req.body as { id: string }).id;
    json(res, 200, good ? { id, authorization_id: 'x', result: 'posted', replayed: false } : { id, result: 'maybe' });
  });
  const r = rig({ processor: server.url }, { issuer_deadline_ms: 200, advice_retry_ms: 50, standin: { enabled: true, limit_per_card: 100_000 } });
  try {
    const record = await r.card.send({ kind: 'authorization', offset_ms: 0, body: auth() }, nowTiming());
    assert.equal(record.outcome, 'standin_approved');
    const first = await within(10_000, r.card.deliverAdvices({ deadlineMs: 300 }));
    assert.equal(first.advices.delivered, 0);
    assert.equal(first.advices.pending, 1);
    assert.ok(first.advices.attempts >= 2, `retried: ${first.advices.attempts} attempts`);
    assert.deepEqual(r.card.pendingForwards()[0]?.last_error, { hop: 'network->processor', cause: 'bad_answer' });
    good = true;
    const second = await within(10_000, r.card.deliverAdvices({ deadlineMs: 2000 }));
    assert.equal(second.advices.delivered, 1);
  } finally {
    await r.card.close();
    await server.close();
  }
});

test('a refused advice names the refusal code in its history record', async () => {
  const server = await startServer((req, res) => {
    if (req.url === '/v1/authorizations') return;
    json(res, 409, { error: 'authorization x was already held on another account', code: 'authorization_conflict', status: 409 });
  });
  const r = rig({ processor: server.url }, { issuer_deadline_ms: 200, standin: { enabled: true, limit_per_card: 100_000 } });
  try {
    await r.card.send({ kind: 'authorization', offset_ms: 0, body: auth() }, nowTiming());
    await within(10_000, r.card.deliverAdvices({ deadlineMs: 1000 }));
    const advice = r.records.find((x) => x.kind === 'advice');
    assert.ok(advice);
    assert.deepEqual([advice.outcome, advice.status, advice.reason], ['error', 409, 'authorization_conflict']);
  } finally {
    await r.card.close();
    await server.close();
  }
});

test('app reads: a balance or feed the app cannot read is a failed read, bad_answer at app->feed', async () => {
  const feed = await startServer((req, res) => {
    if (req.url.endsWith('/balance')) return json(res, 200, { account_id: 'acc-000001', currency: 'GBP', balance: 'lots' });
    json(res, 200, { account_id: 'acc-000002', items: [] });
  });
  const r = rig({ processor: feed.url, feed: feed.url }, {});
  try {
    const balance = await r.card.send({ kind: 'balance', offset_ms: 0, account_id: 'acc-000001', id: 'bal-1' }, nowTiming());
    const page = await r.card.send({ kind: 'feed', offset_ms: 0, account_id: 'acc-000001', id: 'feed-1' }, nowTiming());
    for (const read of [balance, page]) {
      assert.equal(read.outcome, 'error', read.kind);
      assert.deepEqual(read.error, { hop: 'app->feed', cause: 'bad_answer' }, read.kind);
    }
  } finally {
    await r.card.close();
    await feed.close();
  }
});

test("a conflicting retry: sent_ms is when it left, after waiting for its original's answer; waited_ms is the wait", async () => {
  let answered = 0;
  const server = await startServer((req, res) => {
    const b = req.body as AuthorizationRequest;
    if (b.amount.value === 100) return void setTimeout(() => json(res, 200, decision(b)), 400); // the original: slow
    answered = performance.now();
    json(res, 409, { error: 'reused', code: 'idempotency_conflict', status: 409, key: b.id, fields: ['amount.value'] });
  });
  const r = rig({ processor: server.url }, {});
  try {
    const start = performance.now();
    const original = auth(100);
    const sending = r.card.send({ kind: 'authorization', offset_ms: 0, body: original }, nowTiming(start));
    await sleep(50);
    const retry = await r.card.send(
      { kind: 'conflicting_retry', offset_ms: 50, body: { ...original, amount: { value: 150, currency: 'GBP' } }, original_amount: 100, original_account_id: original.account_id, changed: ['amount.value'] },
      nowTiming(start),
    );
    await sending;
    assert.equal(retry.reason, 'refused');
    assert.ok(retry.waited_ms !== undefined && retry.waited_ms >= 250 && retry.waited_ms < 5000, `waited ${retry.waited_ms} ms for the original (its answer took 400 ms)`);
    assert.ok(retry.sent_ms - retry.intended_ms >= retry.waited_ms - 1, `sent_ms ${retry.sent_ms} is after the wait (intended ${retry.intended_ms})`);
    assert.ok(retry.sent_ms <= answered - start + 1, 'and before the issuer answered it');
    assert.deepEqual([retry.original_account_id, retry.original_amount], [original.account_id, 100]);
  } finally {
    await r.card.close();
    await server.close();
  }
});
