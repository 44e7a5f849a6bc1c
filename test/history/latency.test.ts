import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HIGHEST_MS, LatencyHistogram } from '../../harness/history/latency.ts';

test('percentiles in ms with 3 significant digits, from 1 µs to 1 h', () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i); // 1..1000 ms
  const s = h.summary();
  assert.ok(Math.abs(s.p50 - 500) <= 1, `p50 ${s.p50}`);
  assert.ok(Math.abs(s.p95 - 950) <= 1, `p95 ${s.p95}`);
  assert.ok(Math.abs(s.p99 - 990) <= 1, `p99 ${s.p99}`);
  assert.ok(Math.abs(s.max - 1000) <= 1);
  assert.equal(h.count, 1000);
  const small = new LatencyHistogram();
  small.record(0.0125);
  assert.equal(small.maxMs, 0.013, 'kept to the microsecond');
  const minute = new LatencyHistogram();
  minute.record(120_000);
  assert.equal(minute.clamped, 0, 'two minutes is within range');
  assert.ok(Math.abs(minute.maxMs - 120_000) <= 120);
  const big = new LatencyHistogram();
  big.record(2 * HIGHEST_MS);
  big.record(Number.POSITIVE_INFINITY);
  assert.equal(big.clamped, 2);
  assert.ok(big.maxMs >= HIGHEST_MS * 0.999 && big.maxMs <= HIGHEST_MS * 1.001);
  assert.deepEqual(new LatencyHistogram().summary(), { p50: 0, p95: 0, p99: 0, max: 0 });
  assert.equal(new LatencyHistogram().percentile(50), null, 'no percentile of nothing');
});

test('negative and non-numeric latencies count as 0', () => {
  const h = new LatencyHistogram();
  h.record(-5);
  h.record(Number.NaN);
  assert.equal(h.count, 2);
  assert.deepEqual(h.summary(), { p50: 0, p95: 0, p99: 0, max: 0 });
});

test('histograms merge, whatever their precision or packing; reset empties', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram({ packed: true });
  const c = new LatencyHistogram({ digits: 2 });
  for (let i = 0; i < 100; i++) a.record(10);
  for (let i = 0; i < 100; i++) b.record(1000);
  c.record(50, 100);
  const m = new LatencyHistogram().merge(a).merge(b).merge(c);
  assert.equal(m.count, 300);
  assert.ok(Math.abs(m.summary().max - 1000) < 2);
  assert.ok(Math.abs((m.percentile(25) ?? 0) - 10) < 0.1);
  assert.ok(Math.abs((m.percentile(50) ?? 0) - 50) < 1);
  assert.equal(a.count, 100, 'inputs untouched');
  a.reset();
  assert.equal(a.count, 0);
});

test('2 significant digits: within 1%', () => {
  const h = new LatencyHistogram({ digits: 2 });
  for (let i = 1; i <= 1000; i++) h.record(i);
  const p99 = h.percentile(99) ?? 0;
  assert.ok(Math.abs(p99 - 990) <= 10, `p99 ${p99}`);
});
