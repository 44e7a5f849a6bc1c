// Run validity: each figure against its limit, and what a broken limit does to the verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VALIDITY_LIMITS, judgeValidity, validityLimits } from '../../harness/gate/validity.ts';
import type { ValidityFigures } from '../../harness/summary/types.ts';

const quiet: ValidityFigures = {
  event_loop_delay_ms: { p50: 0.1, p99: 2.5, max: 12 },
  send_lateness_ms: { p50: 0.4, p99: 3, max: 20, late_share: 0.001, sends: 6000 },
  fault_activation: [{ fault: 'slow-ledger', scheduled_s: 10, late_ms: 3 }],
  pre_fault: { start_s: 0, end_s: 10, authorizations: 1700, issuer_success_rate: 1, latency_p50_ms: 3.2 },
};

test('a quiet run is valid', () => {
  const v = judgeValidity(quiet, validityLimits());
  assert.equal(v.ok, true);
  assert.deepEqual(v.reasons, []);
  assert.deepEqual(v.advice, []);
  assert.deepEqual(v.limits, DEFAULT_VALIDITY_LIMITS);
});

test('a busy machine breaks several limits, each named with its number and what to do', () => {
  const busy: ValidityFigures = {
    event_loop_delay_ms: { p50: 30, p99: 410, max: 2200 },
    send_lateness_ms: { p50: 180, p99: 1900, max: 6200, late_share: 0.375, sends: 19004 },
    fault_activation: [
      { fault: 'etcd-watch-stall', scheduled_s: 10, late_ms: 859 },
      { fault: 'mesh-restart', scheduled_s: 35, late_ms: 6207 },
    ],
    pre_fault: { start_s: 0, end_s: 10, authorizations: 1700, issuer_success_rate: 0.43, latency_p50_ms: 2005 },
  };
  const v = judgeValidity(busy, validityLimits());
  assert.equal(v.ok, false);
  const text = v.reasons.join('\n');
  assert.match(text, /event-loop delay p99 410 ms > 50 ms/);
  assert.match(text, /stalled for 2200 ms/);
  assert.match(text, /send lateness p99 1900 ms/);
  assert.match(text, /37\.5% of 19004 sends were more than 10 ms late/);
  assert.match(text, /fault mesh-restart took effect 6207 ms after/);
  assert.doesNotMatch(text, /etcd-watch-stall/, '859 ms is within the 2 s activation limit');
  assert.match(text, /issuer answered only 43\.0%/);
  assert.match(text, /p50 was 2005 ms/);
  assert.ok(v.advice.some((a) => /lower --rate/.test(a) && /more cores/.test(a) && /stop other load/.test(a)), v.advice.join('\n'));
});

test('a scenario can loosen or tighten a limit', () => {
  const v = judgeValidity(quiet, validityLimits({ send_lateness_p99_ms: 2 }));
  assert.equal(v.ok, false);
  assert.match(v.reasons[0] as string, /send lateness p99 3\.0 ms > 2 ms/);
});

test('a fault that never took effect is not an activation-lateness reason (the verdict fails it instead)', () => {
  const v = judgeValidity({ ...quiet, fault_activation: [{ fault: 'x', scheduled_s: 5, late_ms: null }] }, validityLimits());
  assert.equal(v.ok, true);
});

test('a run without faults has no pre-fault check', () => {
  const v = judgeValidity({ ...quiet, fault_activation: [], pre_fault: null }, validityLimits());
  assert.equal(v.ok, true);
});
