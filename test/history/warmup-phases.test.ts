// The warm-up and the phase layout: warm-up records (t < 0) are charted and kept for the checkers but
// are in no gated figure; a window starting at 0 has no `before`, one lasting to the end no `after`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryAggregator } from '../../harness/history/aggregate.ts';
import type { AuthOutcome, HistoryRecord } from '../../harness/history/record.ts';

function auth(id: string, t: number, outcome: AuthOutcome, latency: number, sentLateBy = 0): HistoryRecord {
  return {
    id,
    kind: 'authorization',
    account_id: 'acc-1',
    intended_ms: t,
    sent_ms: t + sentLateBy,
    latency_ms: latency,
    outcome,
    status: 200,
    faults: [],
    late: sentLateBy > 10,
  };
}

test('warm-up records are counted apart, charted at t < 0, and kept for the checkers', () => {
  const agg = new HistoryAggregator({ duration_s: 10, warmup_s: 3 });
  // Warm-up: 30 slow, some failed (cold start). Measured part: 100 fast approvals.
  for (let i = 0; i < 30; i++) agg.add(auth(`w-${i}`, -3000 + i * 100, i % 3 === 0 ? 'failed' : 'approved', 250));
  for (let i = 0; i < 100; i++) agg.add(auth(`m-${i}`, i * 100, 'approved', 4));
  const r = agg.finish();
  assert.equal(r.authorizations.total, 100);
  assert.equal(r.authorizations.success_rate, 1);
  assert.equal(r.latency_ms.p99 < 5, true, `measured p99 ${r.latency_ms.p99}`);
  assert.equal(r.warmup.duration_s, 3);
  assert.equal(r.warmup.authorizations.total, 30);
  assert.equal(r.warmup.authorizations.failed, 10);
  assert.equal(r.warmup.latency_ms.p50 >= 249, true);
  assert.deepEqual(r.timeseries.slice(0, 4).map((p) => p.t), [-3, -2, -1, 0]);
  assert.equal(r.timeseries[0]?.authorizations, 10);
  assert.equal(r.timeseries.length, 13);
  const whole = r.phases.find((p) => p.name === 'whole');
  assert.equal(whole?.authorizations, 100);
  assert.equal(r.load.sent, 100, 'load figures cover the measured part');
  assert.equal(agg.outcomes.get('w-0'), 'failed', 'the checkers still see warm-up authorizations');
  assert.equal(agg.outcomes.get('m-0'), 'approved');
});

test('send lateness of the measured part: p99 and the share more than 10 ms late', () => {
  const agg = new HistoryAggregator({ duration_s: 10, warmup_s: 1 });
  agg.add(auth('w', -500, 'approved', 3, 900)); // a late warm-up send is not counted
  for (let i = 0; i < 95; i++) agg.add(auth(`on-${i}`, i * 100, 'approved', 3, 1));
  for (let i = 0; i < 5; i++) agg.add(auth(`late-${i}`, 9500 + i * 10, 'approved', 3, 300));
  const r = agg.finish();
  assert.equal(r.lateness.sends, 100);
  assert.equal(r.lateness.late_share, 0.05);
  assert.ok(r.lateness.p99 >= 299 && r.lateness.p99 <= 301, `p99 ${r.lateness.p99}`);
  assert.ok(r.lateness.max < 400, 'the warm-up send was not counted');
});

test('a window from 0 to the end has only a during phase', () => {
  const agg = new HistoryAggregator({ duration_s: 10, faults: [{ name: 'all-along', start_s: 0, end_s: 10 }] });
  for (let i = 0; i < 50; i++) agg.add(auth(`a-${i}`, i * 200, 'approved', 5));
  const r = agg.finish();
  assert.deepEqual(
    r.phases.map((p) => `${p.name}:${p.fault}`),
    ['during:all-along'],
  );
  assert.equal(r.phases[0]?.authorizations, 50);
});

test('a window in the middle keeps before, during and after', () => {
  const agg = new HistoryAggregator({ duration_s: 10, faults: [{ name: 'mid', start_s: 3, end_s: 6 }] });
  for (let i = 0; i < 50; i++) agg.add(auth(`a-${i}`, i * 200, 'approved', 5));
  const r = agg.finish();
  assert.deepEqual(
    r.phases.map((p) => [p.name, p.authorizations]),
    [
      ['before', 15],
      ['during', 15],
      ['after', 20],
    ],
  );
});
