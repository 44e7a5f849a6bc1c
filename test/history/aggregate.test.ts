import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryAggregator, NO_FAULT } from '../../harness/history/aggregate.ts';
import type { AuthOutcome, HistoryRecord } from '../../harness/history/record.ts';

// 30 s at 10 authorizations per second; fault window "ledger-down" during [10, 20):
//   before: all approved, latency 10 ms (attempts 1)
//   during: per second 5 approved (latency 100 ms, attempts 3), 3 failed (processor->ledger timeout, 2000 ms),
//           2 standin_approved (network->processor reset, 2000 ms)
//   after:  second 20 still 5 failed (aftermath), then all approved at 10 ms
// plus per second one balance read (ok, except during: error) and, at 5 s, a dropped and a late record.
function auth(id: string, t_ms: number, outcome: AuthOutcome, latency: number, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    id,
    kind: 'authorization',
    account_id: 'acc-000001',
    amount: 100,
    intended_ms: t_ms,
    sent_ms: t_ms,
    latency_ms: latency,
    outcome,
    status: outcome === 'failed' ? 0 : 200,
    faults: t_ms >= 10_000 && t_ms < 20_000 ? ['ledger-down'] : [],
    late: false,
    ...extra,
  };
}

function history(): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  for (let s = 0; s < 30; s++) {
    for (let k = 0; k < 10; k++) {
      const t = s * 1000 + k * 100;
      const id = `a-${s}-${k}`;
      if (s >= 10 && s < 20) {
        if (k < 5) out.push(auth(id, t, 'approved', 100, { attempts: 3, issuer_decision: 'approved' }));
        else if (k < 8) out.push(auth(id, t, 'failed', 2000, { error: { hop: 'processor->ledger', cause: 'timeout' } }));
        else out.push(auth(id, t, 'standin_approved', 2000, { error: { hop: 'network->processor', cause: 'reset' } }));
      } else if (s === 20 && k >= 5) {
        out.push(auth(id, t, 'failed', 50, { error: { hop: 'processor->discovery', cause: 'discovery_null' } }));
      } else {
        out.push(auth(id, t, 'approved', 10, { attempts: 1, issuer_decision: 'approved' }));
      }
    }
    out.push({
      id: `b-${s}`,
      kind: 'balance',
      account_id: 'acc-000001',
      intended_ms: s * 1000 + 50,
      sent_ms: s * 1000 + 50,
      latency_ms: 3,
      outcome: s >= 10 && s < 20 ? 'error' : 'ok',
      status: 200,
      faults: [],
      late: false,
    });
  }
  out.push({ ...auth('dropped-1', 5000, 'failed', 0), dropped: true });
  out.push({ id: 'late-rev', kind: 'reversal', account_id: 'acc-000001', authorization_id: 'a-1-1', intended_ms: 5000, sent_ms: 5600, latency_ms: 700, outcome: 'ok', status: 200, faults: [], late: true });
  out.push({ id: 'adv-a-12-8', kind: 'advice', account_id: 'acc-000001', authorization_id: 'a-12-8', intended_ms: 25_000, sent_ms: 25_000, latency_ms: 4, outcome: 'ok', status: 200, faults: [], late: false });
  return out;
}

function aggregate(): ReturnType<HistoryAggregator['finish']> & { agg: HistoryAggregator } {
  const agg = new HistoryAggregator({ duration_s: 30, faults: [{ name: 'ledger-down', start_s: 10, end_s: 20 }] });
  for (const r of history()) agg.add(r);
  return { ...agg.finish(), agg };
}

test('aggregate: authorization counts and rates', () => {
  const r = aggregate();
  assert.deepEqual(r.authorizations, {
    total: 300,
    approved: 245,
    declined: 0,
    standin_approved: 20,
    standin_declined: 0,
    failed: 35,
    unknown: 0,
    success_rate: Math.round((265 / 300) * 1e6) / 1e6,
    issuer_success_rate: Math.round((245 / 300) * 1e6) / 1e6,
    approval_rate: 1,
  });
  assert.equal(r.agg.outcomes.size, 300);
  assert.equal(r.agg.outcomes.get('a-12-8'), 'standin_approved');
  assert.equal(r.agg.outcomes.count('failed'), 35);
});

test('aggregate: phases before / during / after the fault window', () => {
  const { phases } = aggregate();
  assert.deepEqual(phases.map((p) => [p.name, p.fault, p.start_s, p.end_s, p.authorizations]), [
    ['before', 'ledger-down', 0, 10, 100],
    ['during', 'ledger-down', 10, 20, 100],
    ['after', 'ledger-down', 20, 30, 100],
  ]);
  assert.equal(phases[0].success_rate, 1);
  assert.equal(phases[1].success_rate, 0.7);
  assert.equal(phases[1].issuer_success_rate, 0.5);
  assert.equal(phases[2].success_rate, 0.95);
  // HdrHistogram with 3 significant digits: within 0.1 %.
  const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= expected * 0.001 + 0.001, `${actual} ~ ${expected}`);
  near(phases[0].latency_ms.p50, 10);
  near(phases[0].latency_ms.p99, 10);
  near(phases[1].latency_ms.p50, 100);
  near(phases[1].latency_ms.p95, 2000);
  near(phases[1].latency_ms.max, 2000);
});

test('aggregate: approval rate = approved / what the issuer answered, whole run, per phase and per second', () => {
  const agg = new HistoryAggregator({ duration_s: 3, faults: [{ name: 'f', start_s: 1, end_s: 2 }] });
  // Second 0: 8 approved, 2 declined. Second 1 (the fault): 3 approved, 1 declined, 4 stand-in, 2 failed.
  // Second 2: only failures (the issuer answered nothing).
  const add = (s: number, outcome: AuthOutcome, n: number) => {
    for (let k = 0; k < n; k++) agg.add(auth(`${s}-${outcome}-${k}`, s * 1000 + k, outcome, 5, outcome === 'approved' || outcome === 'declined' ? { issuer_decision: outcome } : {}));
  };
  add(0, 'approved', 8);
  add(0, 'declined', 2);
  add(1, 'approved', 3);
  add(1, 'declined', 1);
  add(1, 'standin_approved', 3);
  add(1, 'standin_declined', 1);
  add(1, 'failed', 2);
  add(2, 'failed', 4);
  const r = agg.finish();
  assert.equal(r.authorizations.approval_rate, Math.round((11 / 14) * 1e6) / 1e6);
  const [before, during, after] = r.phases;
  assert.deepEqual([before?.issuer_answers, before?.approval_rate], [10, 0.8]);
  assert.deepEqual([during?.issuer_answers, during?.approval_rate], [4, 0.75], 'stand-in and failures are not the issuer\'s answers');
  assert.deepEqual([after?.issuer_answers, after?.approval_rate], [0, null], 'no issuer answer: no approval rate (not 0)');
  assert.deepEqual(r.timeseries.map((p) => p.approval_rate), [0.8, 0.75, null]);
  assert.equal(new HistoryAggregator({ duration_s: 1 }).finish().authorizations.approval_rate, null);
});

test('aggregate: a run without faults has one whole phase', () => {
  const agg = new HistoryAggregator({ duration_s: 30 });
  for (const r of history()) agg.add(r);
  const { phases } = agg.finish();
  assert.equal(phases.length, 1);
  assert.equal(phases[0].name, 'whole');
  assert.equal(phases[0].fault, null);
  assert.equal(phases[0].authorizations, 300);
  assert.equal(phases[0].end_s, 30);
});

test('aggregate: run latency percentiles within HdrHistogram precision', () => {
  const { latency_ms } = aggregate();
  // 300 values: 195 x 10 ms, 5 x 50 ms, 50 x 100 ms, 50 x 2000 ms.
  const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= expected * 0.001 + 0.001, `${actual} ~ ${expected}`);
  near(latency_ms.p50, 10);
  near(latency_ms.p95, 2000);
  near(latency_ms.p99, 2000);
  near(latency_ms.max, 2000);
});

test('aggregate: per-second timeseries', () => {
  const { timeseries } = aggregate();
  assert.equal(timeseries.length, 30);
  assert.deepEqual(timeseries.map((p) => p.t), Array.from({ length: 30 }, (_, i) => i));
  const p5 = timeseries[5];
  assert.equal(p5.authorizations, 10);
  assert.equal(p5.success_rate, 1);
  assert.equal(p5.app_total, 1);
  assert.equal(p5.app_success_rate, 1);
  assert.equal(p5.sent, 12, '10 authorizations, 1 balance read and the late reversal sent at 5.6 s (the dropped one never was)');
  const p15 = timeseries[15];
  assert.equal(p15.success_rate, 0.7);
  assert.equal(p15.issuer_success_rate, 0.5);
  assert.equal(p15.app_success_rate, 0);
  assert.ok(Math.abs((p15.p50 ?? 0) - 100) <= 1, `p50 ${p15.p50}`);
  assert.ok(Math.abs((p15.p99 ?? 0) - 2000) <= 20, `p99 ${p15.p99}`);
  assert.equal(timeseries[20].success_rate, 0.5);
  assert.equal(timeseries[21].success_rate, 1);
});

test('aggregate: failure attribution per hop/cause and per fault window (aftermath included)', () => {
  const r = aggregate();
  assert.deepEqual(r.causes, {
    'processor->ledger': { timeout: 30 },
    'network->processor': { reset: 20 },
    'processor->discovery': { discovery_null: 5 },
  });
  assert.deepEqual(r.causes_by_fault, {
    'ledger-down': { 'processor->ledger:timeout': 30, 'network->processor:reset': 20, 'processor->discovery:discovery_null': 5 },
  });
  const agg = new HistoryAggregator({ duration_s: 30 });
  agg.add(auth('x', 0, 'unknown', 2000));
  assert.deepEqual(agg.finish().causes_by_fault, { [NO_FAULT]: { 'unattributed:other': 1 } });
});

test('aggregate: retry amplification, app, reversals, advices and load', () => {
  const r = aggregate();
  // 245 authorizations reached the ledger: 195 x 1 attempt + 50 x 3 attempts (failed and stand-ins report none).
  assert.equal(r.retry_amplification, Math.round((345 / 245) * 1e4) / 1e4);
  assert.deepEqual(r.app, { total: 30, success_rate: Math.round((20 / 30) * 1e6) / 1e6, balance: { total: 30, ok: 20 }, feed: { total: 0, ok: 0 } });
  assert.deepEqual(r.reversals, { total: 1, ok: 1 });
  assert.deepEqual(r.advices, { total: 1, ok: 1 });
  assert.deepEqual(r.load, { sent: 331, late: 1, dropped: 1, achieved_rate: Math.round((331 / 30) * 1000) / 1000 });
});

test('aggregate: per-second latency is kept after its second settles (bounded memory)', () => {
  const agg = new HistoryAggregator({ duration_s: 300, settle_s: 5 });
  for (let s = 0; s < 300; s++) agg.add(auth(`a${s}`, s * 1000, 'approved', s + 1));
  agg.add(auth('very-late', 0, 'approved', 9999)); // second 0 is long closed: counted, not in its percentiles
  const { timeseries, authorizations } = agg.finish();
  assert.equal(authorizations.total, 301);
  assert.equal(timeseries[0].authorizations, 2);
  // Per-second histograms keep 2 significant digits: within 1 %.
  const near = (actual: number | null, expected: number) => assert.ok(actual !== null && Math.abs(actual - expected) <= expected * 0.01, `${actual} ~ ${expected}`);
  near(timeseries[0].p99, 1);
  near(timeseries[150].p50, 151);
  near(timeseries[299].p50, 300);
});

// How fast is measured by `npm run bench` (check.aggregate_seconds_for_600k_requests); this checks the counts hold at that size.
test('aggregate: a 10-minute run of 600,000 records is counted exactly', { timeout: 60_000 }, () => {
  const agg = new HistoryAggregator({ duration_s: 600, faults: [{ name: 'f', start_s: 200, end_s: 300 }] });
  const base = auth('x', 0, 'approved', 12.5, { attempts: 1 });
  for (let i = 0; i < 600_000; i++) {
    const t = i;
    agg.add({ ...base, id: `auth-${i}`, intended_ms: t, sent_ms: t, latency_ms: 5 + (i % 100), outcome: i % 50 === 0 ? 'failed' : 'approved' });
  }
  const r = agg.finish();
  assert.equal(r.authorizations.total, 600_000);
  assert.equal(r.authorizations.failed, 12_000);
  assert.equal(r.timeseries.length, 600);
});
