import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram, mergeHistograms, PerSecondSeries } from '../../harness/traffic/histogram.ts';

test('percentiles in ms with 3 significant digits, from 1 µs to 60 s', () => {
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
  assert.equal(small.maxMs, 0.013);
  const big = new LatencyHistogram();
  big.record(120_000);
  assert.equal(big.clamped, 1);
  assert.ok(big.maxMs >= 59_900 && big.maxMs <= 60_100);
  assert.deepEqual(new LatencyHistogram().summary(), { p50: 0, p95: 0, p99: 0, max: 0 });
});

test('histograms merge', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram({ packed: true });
  for (let i = 0; i < 100; i++) a.record(10);
  for (let i = 0; i < 100; i++) b.record(1000);
  const m = mergeHistograms([a, b]);
  assert.equal(m.count, 200);
  assert.ok(Math.abs(m.summary().max - 1000) < 2);
  assert.ok(Math.abs(m.percentile(25) - 10) < 0.1);
  assert.equal(a.count, 100, 'inputs untouched');
});

test('per-second series: counts, success rate and latency per second', () => {
  const s = new PerSecondSeries();
  for (let i = 0; i < 10; i++) s.record(100 + i, 5, true);
  for (let i = 0; i < 10; i++) s.record(2500, 50, i < 3);
  const b = s.buckets();
  assert.equal(b.length, 3);
  assert.deepEqual(b[0] && { t: b[0].t, count: b[0].count, ok: b[0].ok, success_rate: b[0].success_rate }, { t: 0, count: 10, ok: 10, success_rate: 1 });
  assert.deepEqual(b[1], { t: 1, count: 0, ok: 0, success_rate: null, p50: null, p99: null });
  assert.equal(b[2]?.success_rate, 0.3);
  assert.ok(Math.abs((b[2]?.p99 ?? 0) - 50) < 0.1);
  assert.equal(s.histogramBetween(0, 3).count, 20);
  assert.equal(s.histogramBetween(2, 3).count, 10);
});
