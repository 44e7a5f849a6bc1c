// Only a sound run can be a baseline: a failed, inconclusive, distorted or interrupted one is never
// accepted (`run --baseline`, `gate --baseline`, `suite --baseline-dir`: exit 2 naming the file and the
// reason, before anything runs) nor written (`suite --write-baselines` uses the same rule).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BaselineFileError, loadBaselineSummary, unsoundBaselineReason } from '../../harness/gate/baseline.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { cli, ROOT } from '../support/cli.ts';

/** A kept, sound baseline (passed, complete, healthy machine) to derive the unsound ones from. */
const sound = JSON.parse(readFileSync(path.join(ROOT, 'reports/baselines/baseline.json'), 'utf8')) as Summary;

const failed: Summary = {
  ...sound,
  verdict: 'failed',
  passed: false,
  reasons: ['threshold authorization_latency p(99)<500 failed: actual 52000'],
  latency_ms: { ...sound.latency_ms, p50: 52_000 },
};
const inconclusive: Summary = { ...sound, verdict: 'inconclusive', passed: false, reasons: ['run inconclusive: send lateness p99 912 ms > 50 ms'] };
const interrupted: Summary = { ...sound, incomplete: true };
// A verdict of passed with validity figures that broke their limits (e.g. written by hand, or re-gated).
const distorted: Summary = { ...sound, validity: { ...sound.validity, ok: false, reasons: ["processes outside the run took 58.0% of the machine's CPU (limit 25.0%)"] } };
// Before verdicts could be inconclusive, `verdict` was a list of lines and `passed` said how it ended.
const olderFailed = { ...sound, verdict: ['invariant advices-posted failed'], passed: false } as unknown as Summary;

test('a sound run is a baseline; a failed, inconclusive, distorted or interrupted one is not, and says why', () => {
  assert.equal(unsoundBaselineReason(sound), null);
  assert.match(unsoundBaselineReason(failed) ?? '', /^the run failed \(threshold authorization_latency p\(99\)<500 failed: actual 52000\)/);
  assert.match(unsoundBaselineReason(inconclusive) ?? '', /^the run was inconclusive: the machine shaped its numbers \(run inconclusive: send lateness/);
  assert.match(unsoundBaselineReason(interrupted) ?? '', /^the run was interrupted \(incomplete\)/);
  assert.match(unsoundBaselineReason(distorted) ?? '', /^the run was distorted: its validity figures broke their limits \(processes outside the run took 58\.0%/);
  assert.match(unsoundBaselineReason(olderFailed) ?? '', /^the run failed/);
});

test('loading an unsound baseline throws a BaselineFileError naming the file and the reason', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-unsound-'));
  for (const [name, summary, pattern] of [
    ['failed.json', failed, /failed\.json: cannot be a baseline: the run failed/],
    ['inconclusive.json', inconclusive, /inconclusive\.json: cannot be a baseline: the run was inconclusive/],
    ['interrupted.json', interrupted, /interrupted\.json: cannot be a baseline: the run was interrupted/],
    ['distorted.json', distorted, /distorted\.json: cannot be a baseline: the run was distorted/],
    ['older.json', olderFailed, /older\.json: cannot be a baseline: the run failed/],
  ] as const) {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify(summary));
    await assert.rejects(loadBaselineSummary(file), (err: Error) => err instanceof BaselineFileError && pattern.test(err.message), name);
  }
  const ok = path.join(dir, 'sound.json');
  await writeFile(ok, JSON.stringify(sound));
  assert.equal((await loadBaselineSummary(ok)).verdict, 'passed');
});

test('run, gate and suite refuse an unsound baseline with exit 2, naming the file, before anything runs', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-unsound-cli-'));
  const file = path.join(dir, 'failed.json');
  await writeFile(file, JSON.stringify(failed));

  const run = await cli(['run', 'baseline', '--baseline', file]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /failed\.json: cannot be a baseline: the run failed \(threshold authorization_latency/);
  assert.doesNotMatch(run.stderr, /topology up/);

  // gate: a finished run folder (any summary will do: it is never reached) against the failed baseline.
  const runDir = path.join(dir, 'run');
  await mkdir(runDir);
  await writeFile(path.join(runDir, 'summary.json'), JSON.stringify(sound));
  const gate = await cli(['gate', runDir, '--baseline', file]);
  assert.equal(gate.code, 2, gate.stdout + gate.stderr);
  assert.match(gate.stderr, /failed\.json: cannot be a baseline: the run failed/);

  // suite: its baseline folder is checked whole before the first run.
  const baselines = path.join(dir, 'baselines');
  await mkdir(baselines);
  await writeFile(path.join(baselines, 'baseline.json'), JSON.stringify(inconclusive));
  const suite = await cli(['suite', 'smoke', '--baseline-dir', baselines, '--out', path.join(dir, 'suite')]);
  assert.equal(suite.code, 2, suite.stdout + suite.stderr);
  assert.match(suite.stderr, /baseline\.json: cannot be a baseline: the run was inconclusive/);
  assert.doesNotMatch(suite.stdout, /suite smoke: baseline…/, 'no run started');
});
