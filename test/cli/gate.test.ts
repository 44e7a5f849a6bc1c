// The CI gate through the CLI: a run that meets its thresholds exits 0; one that breaks a threshold, or
// regresses against a baseline, exits 1 and its junit.xml names the failing check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli.ts';
import { RELAXED_VALIDITY_YAML } from '../support/validity.ts';
import type { Summary } from '../../harness/summary/types.ts';

// The good run needs 200+ authorizations for a baseline's p50 to be compared (MIN_SAMPLES): 5 s at 60/s. The
// strict one only has to break its threshold: 2 s at 30/s.
const SCENARIO = (thresholds: string, traffic = '{ rate: 60, duration_s: 5 }') => `name: gate-check
description: a short run for the gate
seed: 3
warmup_s: 1
traffic: ${traffic}
drain_s: 5
${RELAXED_VALIDITY_YAML}thresholds:
${thresholds}
`;

test('thresholds met: exit 0; a threshold broken: exit 1 and junit.xml names it; a worse baseline: exit 1', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-gate-'));
  const good = path.join(dir, 'good.yaml');
  await writeFile(good, SCENARIO(`  authorization_success_rate: ['rate>0.99']\n  app_success_rate: ['rate>0.99']`));
  const goodRun = path.join(dir, 'good-run');
  const ok = await cli(['run', good, '--out', goodRun]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);

  const strict = path.join(dir, 'strict.yaml');
  await writeFile(strict, SCENARIO(`  authorization_latency: ['p(99)<0.001']`, '{ rate: 30, duration_s: 2 }'));
  const strictRun = path.join(dir, 'strict-run');
  const failed = await cli(['run', strict, '--out', strictRun]);
  assert.equal(failed.code, 1);
  const junit = readFileSync(path.join(strictRun, 'junit.xml'), 'utf8');
  assert.match(junit, /<failure[^>]*authorization_latency/);

  // A baseline that was much better than this run: the gate fails it, names the metric, and exit 1.
  const summary = JSON.parse(readFileSync(path.join(goodRun, 'summary.json'), 'utf8')) as Summary;
  const better: Summary = { ...summary, latency_ms: { ...summary.latency_ms, p50: summary.latency_ms.p50 / 10, p99: 0.01 } };
  const baselineFile = path.join(dir, 'baseline.json');
  await writeFile(baselineFile, JSON.stringify(better));
  const gated = await cli(['gate', goodRun, '--baseline', baselineFile]);
  assert.equal(gated.code, 1, gated.stdout);
  // A short run has too few authorizations for a p99 comparison (MIN_SAMPLES); its p50 is compared.
  assert.match(gated.stdout, /FAIL baseline authorization_latency_p50\{phase:whole\}/);
  assert.match(readFileSync(path.join(goodRun, 'junit.xml'), 'utf8'), /<failure[^>]*authorization_latency_p50/);

  // The same summary as its own baseline passes.
  const same = path.join(dir, 'same.json');
  await writeFile(same, JSON.stringify(summary));
  const sameGate = await cli(['gate', goodRun, '--baseline', same]);
  assert.equal(sameGate.code, 0, sameGate.stdout);

  // The scenario's own bands, stored in the summary, are the gate's too (as they were the run's), and the
  // gate's rewrite of the summary keeps them for the next gate.
  const gatedSummary = JSON.parse(readFileSync(path.join(goodRun, 'summary.json'), 'utf8')) as Summary;
  const own = { 'authorization_latency_p50{phase:whole}': { abs: 1_000_000 } };
  await writeFile(path.join(goodRun, 'summary.json'), JSON.stringify({ ...gatedSummary, baseline_tolerances: own }));
  for (const attempt of [1, 2]) {
    const widened = await cli(['gate', goodRun, '--baseline', baselineFile]);
    assert.equal(widened.code, 0, `gate ${attempt}: ${widened.stdout}`);
    assert.match(widened.stdout, /ok {3}baseline authorization_latency_p50\{phase:whole\}: .* \(tolerance 1000000\)/);
    const kept = JSON.parse(readFileSync(path.join(goodRun, 'summary.json'), 'utf8')) as Summary;
    assert.deepEqual(kept.baseline_tolerances, own, `gate ${attempt} kept the scenario's bands`);
  }
});
