// The store-and-forward queue's drain: a slow issuer that keeps accepting is drained completely even past
// the idle deadline (up to the cap); an issuer that accepts nothing stops the drain at the idle deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdviceQueue, type Deliver } from '../../../harness/traffic/card-network/advice-queue.ts';
import type { AdviceRequest } from '../../../services/card-processor/contract.ts';

function queueOf(n: number): AdviceQueue {
  const q = new AdviceQueue();
  for (let i = 0; i < n; i++) {
    const body: AdviceRequest = {
      id: `adv-auth-${i}`,
      authorization_id: `auth-${i}`,
      account_id: 'acc-000001',
      card: { token: 'tok_test', last4: '4242' },
      amount: { value: 1250, currency: 'GBP' },
      merchant: { name: 'Test', mcc: '5411', country: 'GB' },
      channel: 'pos',
    };
    q.enqueue({ kind: 'advice', id: body.id, path: '/v1/advices', body, authorization_id: body.authorization_id, account_id: body.account_id, amount: 1250, currency: 'GBP', queued_ms: 0 });
  }
  return q;
}

const now = (): number => performance.now();

test('a slow issuer that keeps accepting is drained completely past the idle deadline, within the cap', async () => {
  const q = queueOf(20);
  const slow: Deliver = async () => {
    await sleep(40);
    return { status: 200, result: 'posted' };
  };
  const t0 = now();
  // One at a time, 20 × 40 ms = 800 ms of work against a 200 ms idle deadline.
  const counts = await q.deliver(slow, { deadlineMs: 200, extendUpToMs: 10_000, retryMs: 10, attemptTimeoutMs: 1000, concurrency: 1, now });
  assert.equal(counts.delivered, 20);
  assert.equal(counts.pending, 0);
  assert.ok(now() - t0 >= 700, `took ${now() - t0} ms`);
});

test('without extension the same drain stops at its deadline and leaves the rest pending', async () => {
  const q = queueOf(20);
  const slow: Deliver = async () => {
    await sleep(40);
    return { status: 200, result: 'posted' };
  };
  const counts = await q.deliver(slow, { deadlineMs: 200, retryMs: 10, attemptTimeoutMs: 1000, concurrency: 1, now });
  assert.ok(counts.delivered < 20 && counts.delivered > 0, `delivered ${counts.delivered}`);
  assert.equal(counts.pending, 20 - counts.delivered);
});

test('an issuer that accepts nothing ends the extended drain at the idle deadline, not the cap', async () => {
  const q = queueOf(5);
  const down: Deliver = async () => ({ status: 503, error: { hop: 'network->processor', cause: 'http_5xx' } });
  const t0 = now();
  const counts = await q.deliver(down, { deadlineMs: 300, extendUpToMs: 60_000, retryMs: 50, attemptTimeoutMs: 1000, now });
  const took = now() - t0;
  assert.equal(counts.pending, 5);
  assert.ok(took >= 250 && took < 5000, `took ${took} ms`);
});

test('the cap bounds a drain that keeps making progress', async () => {
  const q = queueOf(200);
  const slow: Deliver = async () => {
    await sleep(30);
    return { status: 200, result: 'posted' };
  };
  const t0 = now();
  const counts = await q.deliver(slow, { deadlineMs: 200, extendUpToMs: 600, retryMs: 10, attemptTimeoutMs: 1000, concurrency: 1, now });
  const took = now() - t0;
  assert.ok(counts.pending > 0, 'the cap must leave some pending');
  assert.ok(took < 600 + 1000 + 500, `took ${took} ms`);
});
