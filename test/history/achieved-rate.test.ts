// The achieved rate is what the driver sent per wall second of the measured part: a driver that fell
// behind and took longer to send the schedule shows a lower rate, never a higher one, and the network's
// own timeout reversals and advices (sent after traffic, from its store-and-forward queue) are not
// arrivals. (A 50,000/s run once printed "achieved 69014/s": 14,000 timeout reversals counted as sends.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryAggregator } from '../../harness/history/aggregate.ts';
import type { HistoryRecord } from '../../harness/history/record.ts';

function send(id: string, intended: number, sent: number, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    id,
    kind: 'authorization',
    account_id: 'acc-000001',
    amount: 100,
    intended_ms: intended,
    sent_ms: sent,
    latency_ms: 5,
    outcome: 'approved',
    status: 200,
    faults: [],
    late: sent - intended > 10,
    ...extra,
  };
}

/** 10 s at 100/s; each send `lag(i)` ms after its intended time. */
function run(lag: (i: number) => number, extra: HistoryRecord[] = []): ReturnType<HistoryAggregator['finish']> {
  const a = new HistoryAggregator({ duration_s: 10, warmup_s: 1 });
  for (let i = -100; i < 1000; i++) a.add(send(`a${i}`, i * 10, i * 10 + lag(i)));
  for (const r of extra) a.add(r);
  return a.finish();
}

test('on schedule: the target rate; warm-up sends are not counted', () => {
  const r = run(() => 0.5);
  assert.equal(r.load.sent, 1000);
  assert.equal(r.load.achieved_rate, 100);
});

test('a driver that fell behind sent the same 1,000 requests over 20 s: 50/s, not 100/s', () => {
  const r = run((i) => (i < 0 ? 0 : i * 10)); // send i leaves at 2 × its intended time
  assert.equal(r.load.sent, 1000);
  assert.ok(Math.abs(r.load.achieved_rate - 1000 / 19.98) < 0.01, `achieved ${r.load.achieved_rate}`);
  assert.ok(r.load.achieved_rate < 100);
});

test("the network's own timeout reversals and advices are not arrivals: not in sent, lateness or the per-second sends", () => {
  const forwards: HistoryRecord[] = [];
  for (let i = 0; i < 400; i++) {
    forwards.push(send(`trev-a${i}`, 12_000 + i, 12_000 + i, { kind: 'reversal', outcome: 'ok', forwarded: true, attempts: 1 }));
    forwards.push(send(`adv-a${i}`, 12_000 + i, 12_000 + i, { kind: 'advice', outcome: 'ok', forwarded: true, attempts: 1 }));
  }
  const quiet = run(() => 0.5);
  const r = run(() => 0.5, forwards);
  assert.equal(r.load.sent, 1000);
  assert.equal(r.load.achieved_rate, 100);
  assert.deepEqual(r.lateness, quiet.lateness);
  assert.deepEqual(
    r.timeseries.map((p) => p.sent),
    quiet.timeseries.map((p) => p.sent),
  );
  assert.equal(r.reversals.total, 400, 'still counted as reversals');
});
