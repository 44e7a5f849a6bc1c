import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recoveryTarget, recoveryTime, successRateThreshold, withRecovery } from '../../harness/history/recovery.ts';
import type { FaultSummary, PhaseSummary, TimeseriesPoint } from '../../harness/summary/types.ts';

function series(rates: Array<number | null>): TimeseriesPoint[] {
  return rates.map((r, t) => ({
    t,
    authorizations: r === null ? 0 : 100,
    success_rate: r,
    issuer_success_rate: r,
    p50: null,
    p99: null,
    app_total: 0,
    app_success_rate: null,
    sent: 100,
  }));
}

// 0-9 healthy (0.995), fault 10-20, then ramps back.
const healthy = Array<number>(10).fill(0.995);
const outage = Array<number>(10).fill(0.2);

test('recovery: seconds from the heal until N consecutive good seconds begin', () => {
  const ts = series([...healthy, ...outage, 0.5, 0.8, 0.99, 0.995, 0.99, 0.996, 1, 1]);
  // Target 0.995 - 0.01 = 0.985: seconds 22, 23, 24 are good -> recovered from 22, healed at 20.
  assert.equal(recoveryTime(ts, 20, recoveryTarget(0.995)), 2);
  // Healed mid-second: measured from healed_s.
  assert.equal(recoveryTime(ts, 20.5, recoveryTarget(0.995)), 1.5);
  // Needing 5 in a row changes nothing here; needing 7 never happens in the run.
  assert.equal(recoveryTime(ts, 20, 0.985, { consecutive: 5 }), 2);
  assert.equal(recoveryTime(ts, 20, 0.985, { consecutive: 7 }), null);
});

test('recovery: a dip breaks the streak', () => {
  const ts = series([...healthy, ...outage, 0.99, 0.99, 0.5, 0.99, 0.99, 0.99]);
  assert.equal(recoveryTime(ts, 20, 0.985), 3);
});

test('recovery: never recovers within the run -> null; not healed -> null', () => {
  const ts = series([...healthy, ...outage, 0.5, 0.6, 0.7, 0.97, 0.98]);
  assert.equal(recoveryTime(ts, 20, recoveryTarget(0.995)), null);
  assert.equal(recoveryTime(series([...healthy, ...healthy]), null, 0.9), null);
});

test('recovery: immediately back is 0; seconds without traffic neither count nor break a streak', () => {
  assert.equal(recoveryTime(series([...healthy, ...outage, 1, null, 1, 1]), 20, 0.985), 0);
});

test('recovery: a scenario threshold replaces the before-phase target', () => {
  const ts = series([...healthy, ...outage, 0.9, 0.96, 0.96, 0.96]);
  assert.equal(recoveryTarget(0.995, { threshold: 0.95 }), 0.95);
  assert.equal(recoveryTime(ts, 20, recoveryTarget(0.995, { threshold: 0.95 })), 1);
  assert.equal(recoveryTime(ts, 20, recoveryTarget(0.995)), null);
  assert.equal(recoveryTarget(null), 0.99, 'no before phase: 1 - tolerance');
});

test('recovery: withRecovery fills recovery_s per fault from its before phase', () => {
  const ts = series([...healthy, ...outage, 0.985, 0.985, 0.985, 0.985]);
  const latency = { p50: 1, p95: 1, p99: 1, max: 1 };
  const phase = (name: PhaseSummary['name'], fault: string, rate: number, authorizations = 1000): PhaseSummary => ({
    name, fault, start_s: 0, end_s: 0, authorizations, success_rate: rate, issuer_success_rate: rate, latency_ms: latency,
  });
  const fault = (name: string, healed_s: number | null): FaultSummary => ({
    name, fault: 'network.latency', target: 'ledger', scheduled_s: 10, applied_s: 10, healed_s, scheduled_end_s: 20, recovery_s: null,
  });
  // a: back within 1 point of 0.995; b: never back within 1 point of 1.0; c: never healed.
  const phases = [phase('before', 'a', 0.995), phase('before', 'b', 1.0), phase('before', 'c', 0, 0)];
  const out = withRecovery([fault('a', 20), fault('b', 20), fault('c', null)], phases, ts);
  assert.deepEqual(out.map((f) => f.recovery_s), [0, null, null]);
});

test('recovery: the success-rate threshold read from a scenario', () => {
  assert.equal(successRateThreshold({}), null);
  assert.equal(successRateThreshold({ authorization_success_rate: ['rate>0.99'] }), 0.99);
  assert.equal(successRateThreshold({ authorization_success_rate: ['>= 0.95', 'value>=99.5%'] }), 0.995);
  assert.equal(successRateThreshold({ 'latency_ms.p99': ['<500'] }), null);
});
