// Run validity: each figure of the machine against its limit; the pipeline's own health is never one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VALIDITY_LIMITS, judgeValidity, validityLimits } from '../../harness/gate/validity.ts';
import type { ValidityFigures } from '../../harness/summary/types.ts';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadScenario } from '../../harness/scenario/load.ts';

const quiet: ValidityFigures = {
  event_loop_delay_ms: { p50: 0.1, p99: 2.5, max: 12 },
  send_lateness_ms: { p50: 0.4, p99: 3, max: 20, late_share: 0.001, sends: 6000 },
  fault_activation: [{ fault: 'slow-ledger', scheduled_s: 10, late_ms: 3 }],
  foreign_cpu: { share: 0.02, max_second_share: 0.06, run_share: 0.31, busy_share: 0.33, cpus: 2, samples: 40, run_processes: 10, pressure_some: 0.05 },
  undelivered_advices: 0,
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
    foreign_cpu: { share: 0.58, max_second_share: 0.81, run_share: 0.41, busy_share: 0.99, cpus: 2, samples: 80, run_processes: 10, pressure_some: 0.97 },
    undelivered_advices: 0,
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
  assert.match(text, /processes outside the run took 58\.0% of the machine's CPU \(limit 25\.0%; the run's own took 41\.0%, worst second 81\.0% foreign\)/);
  assert.doesNotMatch(text, /before the first fault|43\.0%|2005/, "the pipeline's own health is never a validity reason");
  assert.ok(v.advice.some((a) => /lower --rate/.test(a) && /more cores/.test(a) && /stop other load/.test(a)), v.advice.join('\n'));
  assert.ok(v.advice.some((a) => /other processes took the CPU/.test(a)), v.advice.join('\n'));
});

test("a slow or failing pipeline on a healthy machine is valid: its pre-fault figures are information, never inconclusive", () => {
  // The run: every mesh call 300 ms slower, the driver perfectly healthy.
  const slow: ValidityFigures = {
    ...quiet,
    event_loop_delay_ms: { p50: 0.3, p99: 1.5, max: 9 },
    send_lateness_ms: { p50: 0.4, p99: 1.7, max: 6, late_share: 0.0004, sends: 8000 },
    pre_fault: { start_s: 0, end_s: 10, authorizations: 1700, issuer_success_rate: 0.43, latency_p50_ms: 388 },
  };
  const v = judgeValidity(slow, validityLimits());
  assert.equal(v.ok, true, v.reasons.join('\n'));
  assert.deepEqual(v.reasons, []);
  assert.ok(!('pre_fault_latency_p50_ms' in v.limits) && !('pre_fault_issuer_success_rate' in v.limits));
});

test('CPU taken by processes outside the run breaks its limit; a scenario can move it; not measured is never a reason', () => {
  const at = (share: number): ValidityFigures => ({ ...quiet, foreign_cpu: { ...(quiet.foreign_cpu as NonNullable<ValidityFigures['foreign_cpu']>), share } });
  assert.equal(judgeValidity(at(0.25), validityLimits()).ok, true, 'at the limit');
  const over = judgeValidity(at(0.26), validityLimits());
  assert.equal(over.ok, false);
  assert.match(over.reasons[0] as string, /processes outside the run took 26\.0% of the machine's CPU \(limit 25\.0%/);
  assert.equal(judgeValidity(at(0.26), validityLimits({ foreign_cpu_share: 0.5 })).ok, true);
  assert.equal(judgeValidity({ ...quiet, foreign_cpu: null }, validityLimits()).ok, true, 'no /proc: not measured');
  const { foreign_cpu: _omitted, ...older } = quiet;
  assert.equal(judgeValidity(older, validityLimits()).ok, true, 'a summary older than the figure');
});

test("advices faultline's own queue never delivered make the run inconclusive, saying how many", () => {
  const v = judgeValidity({ ...quiet, undelivered_advices: 21 }, validityLimits());
  assert.equal(v.ok, false);
  assert.match(v.reasons[0] as string, /^21 stand-in advices never left faultline's own store-and-forward queue/);
  assert.match(v.reasons[0] as string, /whether the pipeline would post them is unknown/);
  assert.ok(v.advice.some((a) => /raise drain_s/.test(a)));
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

test('a run without faults has no pre-fault figure, and is valid', () => {
  const v = judgeValidity({ ...quiet, fault_activation: [], pre_fault: null }, validityLimits());
  assert.equal(v.ok, true);
});

test('a scenario still setting a removed pre-fault limit is refused, saying what to write instead; the foreign CPU limit is a share', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-limits-'));
  const file = path.join(dir, 'old.yaml');
  await writeFile(file, 'name: old-limits\ndescription: written for the pre-fault limits\nvalidity:\n  foreign_cpu_share: 0.4\n  pre_fault_latency_p50_ms: 250\n');
  await assert.rejects(loadScenario(file), /old\.yaml:5: validity\.pre_fault_latency_p50_ms: removed: .*compared and fails.*authorization_latency\{phase:before\}/);
  await writeFile(file, 'name: limits\ndescription: a looser foreign CPU limit\nvalidity: { foreign_cpu_share: 0.4 }\n');
  assert.deepEqual((await loadScenario(file)).scenario.validity, { foreign_cpu_share: 0.4 });
  await writeFile(file, 'name: limits\ndescription: not a share\nvalidity: { foreign_cpu_share: 1.5 }\n');
  await assert.rejects(loadScenario(file), /validity\.foreign_cpu_share/);
});
