// The long-running commands as a user drives them: `faultline up` until Ctrl-C, a run interrupted
// mid-way (it still writes what it measured, marked incomplete), and no process left behind either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCli } from '../support/cli.ts';
import { pidAlive, waitFor } from '../support/processes.ts';
import type { Summary } from '../../harness/summary/types.ts';

interface UpJson {
  toxiproxy: string;
  services: Array<{ replica: string; url: string; pid: number; proxy: string | null }>;
}

test('faultline up serves the pipeline and the Toxiproxy API until SIGINT, then leaves nothing running', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-up-'));
  const json = path.join(dir, 'up.json');
  const run = startCli(['up', '--toxiproxy-port', '0', '--json', json]);
  try {
    await waitFor(() => existsSync(json), 60_000, 'the --json file');
    const up = JSON.parse(readFileSync(json, 'utf8')) as UpJson;
    assert.match(run.output(), /Toxiproxy API/);
    const proxies = (await (await fetch(`${up.toxiproxy}/proxies`)).json()) as Record<string, unknown>;
    for (const name of ['card-processor-1', 'card-processor-2', 'ledger-1', 'ledger-2', 'feed-1', 'discovery']) assert.ok(name in proxies, `proxy ${name}`);
    for (const s of up.services) assert.equal((await fetch(`${s.url}/health`, { signal: AbortSignal.timeout(5000) })).status, 200, s.replica);
    run.child.kill('SIGINT');
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    for (const s of up.services) assert.equal(pidAlive(s.pid), false, `${s.replica} (pid ${s.pid}) stopped`);
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('Ctrl-C mid-run heals, stops every process and still writes the summary, marked incomplete', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'faultline-int-'));
  const run = startCli(['run', 'ledger-latency', '--duration', '60', '--rate', '50', '--out', out]);
  try {
    await waitFor(() => /took effect/.test(run.output()), 90_000, 'the fault to take effect');
    run.child.kill('SIGINT');
    const result = await run.done;
    assert.equal(result.code, 1, result.stderr);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    assert.equal(summary.incomplete, true);
    assert.equal(summary.passed, false);
    assert.ok(summary.authorizations.total > 0);
    assert.ok(summary.faults[0]?.healed_s !== null, 'the fault was healed');
    assert.match(summary.verdict.join(' '), /incomplete/);
    assert.ok(existsSync(path.join(out, 'index.html')));
    const leftovers = result.stderr.match(/pid \d+/g) ?? [];
    assert.deepEqual(leftovers, []);
  } finally {
    run.child.kill('SIGKILL');
  }
});
