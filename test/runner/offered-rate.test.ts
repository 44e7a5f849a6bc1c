// An offered rate this machine cannot drive is refused before anything starts (exit 2), saying why: the
// open model's limit per core, the cores this machine has, what to do. Never silently capped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { maxOpenModelRate, OfferedRateError, OPEN_MODEL_RATE_PER_CORE, peakPerSecond } from '../../harness/traffic/load/offered-rate.ts';
import { checkOfferedRate } from '../../harness/traffic/load/registry.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { applyOverrides } from '../../harness/scenario/overrides.ts';
import { planTraffic } from '../../harness/traffic/requests/generator.ts';
import { writeReplay } from '../../harness/traffic/requests/replay.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import { cli } from '../support/cli.ts';

test('the limit is 2,500 arrivals/s per core', () => {
  assert.equal(OPEN_MODEL_RATE_PER_CORE, 2500);
  assert.equal(maxOpenModelRate(2), 5000);
  assert.equal(maxOpenModelRate(16), 40_000);
  assert.equal(maxOpenModelRate(0), 2500, 'at least one core');
});

test('the busiest one-second window of a schedule', () => {
  const at = (...offsets: number[]) => offsets.map((offset_ms) => ({ offset_ms }));
  assert.equal(peakPerSecond(at()), 0);
  assert.equal(peakPerSecond(at(0, 100, 999, 1000, 1500)), 3, '[0, 1000) holds 3; 1000 starts a new second');
  assert.equal(peakPerSecond(at(-5000, -4999, 0, 10, 20, 30)), 4, 'warm-up offsets are negative');
  const burst = Array.from({ length: 10_000 }, (_, i) => ({ offset_ms: 5000 + i * 0.01 }));
  assert.equal(peakPerSecond(at(0, ...burst.map((b) => b.offset_ms)), 50), 51, 'stops counting once past the limit');
});

test('an open-model scenario past the limit is refused, naming rate, limit and cores; the closed model is not limited', async () => {
  const { scenario } = await loadScenario('baseline');
  assert.doesNotThrow(() => checkOfferedRate(applyOverrides(scenario, { rate: 5000 }), null, 2));
  assert.throws(
    () => checkOfferedRate(applyOverrides(scenario, { rate: 5001 }), null, 2),
    (err: Error) =>
      err instanceof OfferedRateError &&
      /scenario baseline \(rate 5,001\/s\) offers 5,001 arrivals\/s, more than this machine can drive/.test(err.message) &&
      /2,500\/s per core, and this machine has 2 cores \(5,000\/s\)/.test(err.message) &&
      /Lower --rate/.test(err.message),
  );
  assert.doesNotThrow(() => checkOfferedRate(applyOverrides(scenario, { rate: 50_000 }), null, 32), 'a bigger machine drives more');
  // Conflicting retries are sends too.
  const retries = { ...scenario, traffic: { ...scenario.traffic, rate: 4800, conflicting_retries: 0.05 } };
  assert.throws(() => checkOfferedRate(retries, null, 2), /offers 5,040 arrivals\/s/);
  const closed = applyOverrides(scenario, { rate: 50_000, model: 'closed' });
  assert.doesNotThrow(() => checkOfferedRate(closed, null, 1));
});

test("a replay is judged by its busiest second after --speed", async () => {
  const { scenario } = await loadScenario('baseline');
  const plan = [...planTraffic({ seed: 1, traffic: { ...scenario.traffic, rate: 1000 }, accounts: seedAccounts(1, 20), durationS: 3 })];
  assert.doesNotThrow(() => checkOfferedRate(scenario, plan, 1));
  const fast = plan.map((r) => ({ ...r, offset_ms: r.offset_ms / 4 }));
  assert.throws(() => checkOfferedRate(scenario, fast, 1), /the replay's busiest second offers 2,50\d arrivals\/s, more than this machine can drive.*--speed/);
});

test('faultline run --rate 50000 is exit 2 before anything starts, saying why', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-rate-'));
  const r = await cli(['run', 'baseline', '--rate', '50000', '--duration', '3s', '--out', path.join(dir, 'run')]);
  const cores = os.availableParallelism();
  if (50_000 <= maxOpenModelRate(cores)) return; // a machine this big drives it
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /offers 50,000 arrivals\/s, more than this machine can drive: the open model is limited to 2,500\/s per core/);
  assert.match(r.stderr, new RegExp(`this machine has ${cores} cores?`));
  assert.doesNotMatch(r.stderr, /topology up/);
});

test('a replay file sped past the limit is exit 2 too', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-rate-replay-'));
  const file = path.join(dir, 'replay.jsonl');
  const { scenario } = await loadScenario('baseline');
  // 1.5 × the limit's worth of requests at 1,000/s, sped up so they all fall in one second.
  const seconds = Math.ceil((maxOpenModelRate(os.availableParallelism()) * 1.5) / 1000);
  await writeReplay(planTraffic({ seed: 1, traffic: { ...scenario.traffic, rate: 1000 }, accounts: seedAccounts(1, 20), durationS: seconds }), file);
  const speed = String(seconds);
  const r = await cli(['run', 'baseline', '--replay', file, '--speed', speed, '--out', path.join(dir, 'run')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /the replay's busiest second offers [\d,]+ arrivals\/s, more than this machine can drive/);
});
