// Ctrl-C keeps the evidence: a terminal's Ctrl-C signals the whole foreground process group. The services
// run in their own groups, so the ledger is still up when faultline checks what was sent; the run folder
// is written (marked incomplete), nothing is left running, and what could not settle is unknown, never a
// failed money invariant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCli } from '../support/cli.ts';
import { pidAlive, portAcceptsConnections, waitFor } from '../support/processes.ts';
import type { Summary } from '../../harness/summary/types.ts';

/** Every replica's pid and port, from the topology's debug log ("ledger-1 up on http://127.0.0.1:PORT (pid N)"). */
function replicas(output: string): Array<{ name: string; port: number; pid: number }> {
  return [...output.matchAll(/^(\S+) up on http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)$/gm)].map((m) => ({ name: m[1] as string, port: Number(m[2]), pid: Number(m[3]) }));
}

test('Ctrl-C to the whole process group 4 s into a run: summary incomplete, no invalid invariant, report written, nothing left', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'faultline-int-'));
  // A 1 s warm-up, then 3 s of measured traffic at 100/s (requests in flight) before the Ctrl-C.
  const run = startCli(['run', 'baseline', '--warmup', '1s', '--rate', '100', '--out', out], { FAULTLINE_DEBUG: '1' }, { group: true });
  const pid = run.child.pid as number;
  try {
    await waitFor(() => /topology up in/.test(run.output()), 90_000, 'the topology to come up');
    await new Promise((r) => setTimeout(r, 4000));
    const started = replicas(run.output());
    assert.ok(started.length >= 7, `replicas seen: ${started.map((r) => r.name).join(', ')}`);
    const signalledAt = Date.now();
    process.kill(-pid, 'SIGINT'); // what the terminal does on Ctrl-C
    const result = await Promise.race([run.done, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
    assert.ok(result, 'faultline exited within 30 s of Ctrl-C');
    assert.notEqual(result.code, 0, result.stderr);
    assert.equal(result.code, 130, result.stderr);
    assert.ok(Date.now() - signalledAt < 30_000);

    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    assert.equal(summary.incomplete, true);
    assert.equal(summary.verdict, 'inconclusive');
    assert.ok(summary.authorizations.total > 0, 'what was sent before Ctrl-C was measured');
    const invalid = summary.invariants.filter((i) => i.validity === 'invalid');
    assert.deepEqual(invalid.map((i) => `${i.name}: ${i.detail}`), [], 'no money invariant failed: the ledger was still up for the checks');
    assert.ok(summary.invariants.length >= 7);
    assert.ok(existsSync(path.join(out, 'index.html')));
    assert.ok(existsSync(path.join(out, 'junit.xml')));

    for (const r of started) {
      assert.equal(pidAlive(r.pid), false, `${r.name} (pid ${r.pid}) is gone`);
      assert.equal(await portAcceptsConnections(r.port), false, `${r.name}'s port ${r.port} is free`);
    }
  } finally {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

test('a second Ctrl-C exits at once and still leaves no process and no port', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'faultline-int2-'));
  const run = startCli(['run', 'baseline', '--rate', '50', '--out', out], { FAULTLINE_DEBUG: '1' }, { group: true });
  const pid = run.child.pid as number;
  try {
    await waitFor(() => /\[\s*-?\d+s\//.test(run.output()), 90_000, 'traffic to start');
    const started = replicas(run.output());
    process.kill(-pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 1500)); // a human's second Ctrl-C, not the same one twice
    process.kill(-pid, 'SIGINT');
    const result = await Promise.race([run.done, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
    assert.ok(result, 'exited within 15 s of the second Ctrl-C');
    assert.equal(result.code, 130);
    assert.match(result.stderr, /again: exiting now/);
    // The replicas notice their parent is gone within a second; give them a bounded moment.
    await waitFor(async () => started.every((r) => !pidAlive(r.pid)), 10_000, 'every replica to exit');
    for (const r of started) assert.equal(await portAcceptsConnections(r.port), false, `${r.name}'s port ${r.port} is free`);
  } finally {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});
