// `faultline export k6`: the folder it writes (script, requests, TestRun, README), the open model as k6
// executors, replay files, and the usage errors (exit 2).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { seedAccounts } from '../../services/common/accounts.ts';
import { exportK6Command } from '../../harness/cli/commands/export-k6.ts';
import { main } from '../../harness/cli/main.ts';
import { exportK6, ExportError } from '../../harness/export/k6/export.ts';
import { constantExecutor, executorForOffsets, integerRate } from '../../harness/export/k6/executor.ts';
import { REQUESTS_FORMAT, type RequestsFile } from '../../harness/export/k6/requests-file.ts';
import { resourceName } from '../../harness/export/k6/testrun.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { scenarioSchema } from '../../harness/scenario/schema.ts';
import { planTraffic } from '../../harness/traffic/requests/generator.ts';
import { writeReplay } from '../../harness/traffic/requests/replay.ts';

/**
 * Runs the CLI in-process for its exit code, capturing stderr (stdout is left alone: the test reporter
 * writes there).
 */
async function cli(argv: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((c: string | Uint8Array): boolean => err.push(String(c)) > 0) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr: err.join('') };
  } finally {
    process.stderr.write = writeErr;
  }
}

describe('faultline export k6', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-k6-export-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('writes script.ts, requests.json, testrun.yaml and README.md', async () => {
    const out = path.join(dir, 'll');
    const lines: string[] = [];
    const code = await exportK6Command('ledger-latency', { out, parallelism: '6', baseUrl: 'http://processor.payments:8080/' }, (l) => lines.push(l));
    const stdout = lines.join('\n');
    assert.equal(code, 0, stdout);
    assert.match(stdout, /8000 requests/);
    assert.match(stdout, /not in k6: recovery_seconds\{fault:ledger-latency\}: value<10/);

    const script = await readFile(path.join(out, 'script.ts'), 'utf8');
    assert.match(script, /const DEFAULT_BASE_URL = 'http:\/\/processor\.payments:8080';/);
    assert.match(script, /const ISSUER_DEADLINE_MS = 2000;/);
    assert.match(script, /executor: "constant-arrival-rate"|executor: 'constant-arrival-rate'/);
    assert.match(script, /faultline faults ledger-latency --toxiproxy/);
    assert.doesNotMatch(script, /@faultline:/, 'template markers are gone');

    const manifest = parse(await readFile(path.join(out, 'testrun.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: { parallelism: number; script: { configMap: { name: string; file: string } }; runner: { env: Array<{ name: string; value: string }> } };
    };
    assert.equal(manifest.apiVersion, 'k6.io/v1alpha1');
    assert.equal(manifest.kind, 'TestRun');
    assert.equal(manifest.spec.parallelism, 6);
    assert.deepEqual(manifest.spec.script.configMap, { name: 'faultline-ledger-latency', file: 'script.ts' });
    assert.deepEqual(manifest.spec.runner.env.find((e) => e.name === 'BASE_URL'), { name: 'BASE_URL', value: 'http://processor.payments:8080' });

    const readme = await readFile(path.join(out, 'README.md'), 'utf8');
    for (const needle of [
      'k6 run -e BASE_URL=http://processor.payments:8080',
      'kubectl create configmap faultline-ledger-latency --from-file=script.ts --from-file=requests.json',
      'kubectl apply -f testrun.yaml',
      'faultline faults ledger-latency --toxiproxy',
      '`recovery_seconds{fault:ledger-latency}`: `value<10`',
    ]) {
      assert.ok(readme.includes(needle), `README has ${needle}`);
    }

    const requests = JSON.parse(await readFile(path.join(out, 'requests.json'), 'utf8')) as RequestsFile;
    assert.equal(requests.format, REQUESTS_FORMAT);
    assert.equal(requests.requests.length, 8000);
    // Tokens and last4 only.
    for (const [token, last4] of requests.cards) {
      assert.match(token, /^tok_[0-9a-f]+$/);
      assert.match(last4, /^\d{4}$/);
    }
    assert.doesNotMatch(await readFile(path.join(out, 'requests.json'), 'utf8'), /(?<!\w)\d{12,19}(?!\w)/, 'nothing that looks like a card number');
  });

  test('the same seed gives the same requests.json; a replay of the plan gives the same requests', async () => {
    const { scenario } = await loadScenario('baseline');
    const a = await exportK6(scenario, { outDir: path.join(dir, 'a'), parallelism: 1, baseUrl: 'http://x:1' });
    const b = await exportK6(scenario, { outDir: path.join(dir, 'b'), parallelism: 1, baseUrl: 'http://x:1' });
    assert.equal(await readFile(a.files.requests, 'utf8'), await readFile(b.files.requests, 'utf8'));

    const replay = path.join(dir, 'baseline.jsonl');
    await writeReplay(planTraffic({ seed: scenario.seed, traffic: scenario.traffic, accounts: seedAccounts(scenario.seed, scenario.topology.accounts) }), replay);
    const r = await exportK6(scenario, { outDir: path.join(dir, 'replay'), parallelism: 1, baseUrl: 'http://x:1', replayFile: replay });
    const generated = JSON.parse(await readFile(a.files.requests, 'utf8')) as RequestsFile;
    const replayed = JSON.parse(await readFile(r.files.requests, 'utf8')) as RequestsFile;
    assert.deepEqual(replayed.requests, generated.requests);
    assert.equal(replayed.source, 'replay:baseline.jsonl');
    // An evenly paced replay is the same constant-arrival-rate executor.
    assert.deepEqual(r.executor, a.executor);
  });

  test('the open model as k6 executors', () => {
    assert.deepEqual(integerRate(200), { rate: 200, timeUnit: '1s' });
    assert.deepEqual(integerRate(12.5), { rate: 125, timeUnit: '10s' });
    // VUs: a request lasts at most the deadline, so rate × deadline VUs never drop an arrival.
    assert.deepEqual(constantExecutor(200, 30, 2000), {
      executor: 'constant-arrival-rate',
      rate: 200,
      timeUnit: '1s',
      duration: '30s',
      preAllocatedVUs: 400,
      maxVUs: 505,
      gracefulStop: '3000ms',
    });
    // A replay that ramps 10/s for 3 s then 50/s for 3 s: ramping-arrival-rate, one stage a second.
    const offsets: number[] = [];
    for (let s = 0; s < 6; s++) {
      const rate = s < 3 ? 10 : 50;
      for (let i = 0; i < rate; i++) offsets.push(s * 1000 + (i * 1000) / rate);
    }
    const ramp = executorForOffsets(offsets, 1000);
    assert.equal(ramp.executor, 'ramping-arrival-rate');
    assert.ok(ramp.executor === 'ramping-arrival-rate');
    assert.equal(ramp.startRate, 10);
    assert.equal(ramp.timeUnit, '1s');
    assert.deepEqual(ramp.stages.map((s) => s.target), [10, 10, 10, 50, 50, 50]);
    assert.equal(ramp.preAllocatedVUs, 50);
  });

  test('Kubernetes names fit: faultline-<scenario>, short enough for the Jobs k6-operator makes', () => {
    assert.equal(resourceName('baseline'), 'faultline-baseline');
    const long = resourceName('a'.repeat(64));
    assert.ok(long.length <= 51 && long.startsWith('faultline-') && !long.endsWith('-'));
  });

  test('usage errors are exit 2: bad parallelism, bad base URL, unknown scenario, a closed-model scenario', async () => {
    assert.equal((await cli(['export', 'k6', 'baseline', '--out', path.join(dir, 'x'), '--parallelism', '0'])).code, 2);
    assert.equal((await cli(['export', 'k6', 'baseline', '--out', path.join(dir, 'x'), '--base-url', 'ftp://x'])).code, 2);
    assert.equal((await cli(['export', 'k6', 'no-such-scenario', '--out', path.join(dir, 'x')])).code, 2);
    assert.equal((await cli(['export', 'k6', 'baseline'])).code, 2, '--out is required');

    const closed = path.join(dir, 'closed.json');
    await writeFile(closed, JSON.stringify({ name: 'closed', description: 'capacity', traffic: { model: 'closed' } }));
    const res = await cli(['export', 'k6', closed, '--out', path.join(dir, 'closed')]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /closed model/);
    await assert.rejects(
      exportK6(scenarioSchema.parse({ name: 'closed', description: 'capacity', traffic: { model: 'closed' } }), { outDir: path.join(dir, 'c2'), parallelism: 1, baseUrl: 'http://x:1' }),
      ExportError,
    );
  });
});
