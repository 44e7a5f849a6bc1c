// The generated k6 script type-checks with tsc against @types/k6 (strict), for catalog scenarios with and
// without faults and thresholds, and for a replay whose pace ramps (the ramping-arrival-rate executor).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { exportK6 } from '../../harness/export/k6/export.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { writeReplay } from '../../harness/traffic/requests/replay.ts';
import type { PlannedRequest } from '../../harness/traffic/requests/planned-request.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = path.join(ROOT, 'node_modules/.bin/tsc');
const SCENARIOS = ['baseline', 'ledger-latency', 'monzo-2017'];
const run = promisify(execFile);

async function typecheck(dir: string, files: string[]): Promise<{ ok: boolean; output: string }> {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      types: ['k6'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      target: 'ES2020',
      module: 'ES2020',
      moduleResolution: 'node',
      lib: ['ES2020'],
      skipLibCheck: false,
    },
    files,
  };
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  try {
    const { stdout, stderr } = await run(TSC, ['-p', dir], { timeout: 90_000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

describe('the exported script type-checks against @types/k6', () => {
  let dir = '';

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-k6-tsc-'));
    for (const name of SCENARIOS) {
      const { scenario } = await loadScenario(name);
      await exportK6(scenario, { outDir: path.join(dir, name), parallelism: 4, baseUrl: 'http://processor:8080' });
    }
    // A replay that ramps from 20/s to 80/s: exported with ramping-arrival-rate.
    const { scenario } = await loadScenario('baseline');
    const ramp: PlannedRequest[] = [];
    for (let s = 0; s < 4; s++) {
      const rate = 20 * (s + 1);
      for (let i = 0; i < rate; i++) ramp.push({ kind: 'balance', offset_ms: s * 1000 + (i * 1000) / rate, account_id: 'acc-000001', id: `r-${s}-${i}` });
    }
    const replay = path.join(dir, 'ramp.jsonl');
    await writeReplay(ramp, replay);
    const result = await exportK6(scenario, { outDir: path.join(dir, 'ramp'), parallelism: 1, baseUrl: 'http://processor:8080', replayFile: replay });
    assert.equal(result.executor.executor, 'ramping-arrival-rate');
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('tsc --strict passes on every exported script.ts', { timeout: 120_000 }, async () => {
    const files = [...SCENARIOS, 'ramp'].map((name) => path.join(dir, name, 'script.ts'));
    const { ok, output } = await typecheck(dir, files);
    assert.ok(ok, `tsc failed:\n${output}`);
  });

  test('the check is real: a script misusing the k6 API fails it', { timeout: 120_000 }, async () => {
    const broken = path.join(dir, 'broken');
    await mkdir(broken, { recursive: true });
    const text = await readFile(path.join(dir, 'baseline', 'script.ts'), 'utf8');
    const misuse = text.replace("timeout: ISSUER_DEADLINE_MS,", 'timeout: ISSUER_DEADLINE_MS, retries: 3,');
    assert.notEqual(misuse, text);
    await writeFile(path.join(broken, 'script.ts'), misuse);
    const { ok, output } = await typecheck(broken, [path.join(broken, 'script.ts')]);
    assert.equal(ok, false);
    assert.match(output, /retries/);
  });
});
