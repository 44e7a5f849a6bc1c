// The feed outbox batches: events queued together leave together, in order, once its interval (50 ms) has passed, in
// one request (one trip through the proxy to the feed whatever the batch's size); a full batch leaves the
// rest for the next one straight away; a failing feed is retried until the events are delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeedOutbox } from '../../services/card-processor/feed-outbox.ts';
import type { FeedEvent } from '../../services/feed/contract.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function event(i: number): FeedEvent {
  const account = { account_id: 'acc-1', currency: 'GBP', opening_balance: 1000, balance: 1000, available: 1000 - i, holds: i, version: i };
  return { event_id: `hold:${i}`, account_id: 'acc-1', kind: 'hold', authorization_id: `auth-${i}`, amount: 1, currency: 'GBP', account, at: Date.now() };
}

test('events queued together leave in one batch, in order, and not before 30 ms have passed', async () => {
  const batches: Array<{ at: number; ids: string[] }> = [];
  const outbox = new FeedOutbox(async (events) => void batches.push({ at: performance.now(), ids: events.map((e) => e.event_id) }));
  try {
    // A timer counts from the event loop's cached clock, which a loaded machine leaves stale by as long as
    // the current turn has run: start in a fresh turn, so the batch's 50 ms count from about `first`.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const first = performance.now();
    for (let i = 1; i <= 5; i++) outbox.push(event(i));
    // Timers fire in the order they fall due, however late the machine runs them: a batch due before 30 ms
    // (the old 20 ms interval) has left by the time this one fires; the 50 ms batch has not.
    await sleep(30);
    assert.equal(batches.length, 0, 'no batch before 30 ms');
    for (let waited = 0; batches.length === 0 && waited < 2000; waited += 10) await sleep(10);
    assert.equal(batches.length, 1, 'one batch');
    assert.deepEqual(batches[0]?.ids, ['hold:1', 'hold:2', 'hold:3', 'hold:4', 'hold:5']);
    const after = (batches[0]?.at ?? 0) - first;
    assert.ok(after >= 30 && after < 1000, `the batch left ${after.toFixed(1)} ms after the first event`);
    assert.equal(outbox.pending, 0);
    assert.equal(outbox.delivered, 5);
  } finally {
    outbox.stop();
  }
});

test('a full batch leaves the rest for the next batch at once; a failing feed is retried until delivered', async () => {
  const batches: string[][] = [];
  let failures = 2;
  const outbox = new FeedOutbox(
    async (events) => {
      if (failures-- > 0) throw new Error('feed unavailable');
      batches.push(events.map((e) => e.event_id));
    },
    { batchSize: 3, intervalMs: 10, maxQueued: 100 },
  );
  try {
    for (let i = 1; i <= 7; i++) outbox.push(event(i));
    assert.equal(await outbox.drain(5000), true);
    assert.deepEqual(batches, [
      ['hold:1', 'hold:2', 'hold:3'],
      ['hold:4', 'hold:5', 'hold:6'],
      ['hold:7'],
    ]);
    assert.equal(outbox.delivered, 7);
  } finally {
    outbox.stop();
  }
});
