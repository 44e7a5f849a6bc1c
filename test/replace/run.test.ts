// Runs with a mock replaced by command: the ledger's own code started by a command line of ours, under
// process faults (a move to a new port, a kill and restart) and a network fault, passes every money
// invariant (a pause is checked over the topology in command.test.ts) and says in its summary, report and
// printed summary what was replaced. A replacement without faultline's HTTP-fault admin route is refused
// before traffic when the scenario has an HTTP fault on it, and nothing is left running.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FaultWindow } from '../../harness/scenario/schema.ts';
import { ScenarioError } from '../../harness/scenario/errors.ts';
import { printSummary } from '../../harness/cli/print-summary.ts';
import { childNodeProcesses, pidAlive, waitFor } from '../support/processes.ts';
import { runShort } from '../support/run.ts';
import { mockCommand, replacement, ROOT, standInCommand, tempDir } from './support.ts';

const window = (name: string, fault: string, target: string, start_s: number, end_s: number, params: Record<string, unknown> = {}): FaultWindow => ({
  name,
  fault,
  target,
  start_s,
  end_s,
  params,
});

describe('a run with the ledger replaced by command', () => {
  it('passes its money invariants under process and network faults, and says what was replaced', async () => {
    const command = await mockCommand('services/ledger/main.ts');
    const faults = [
      window('ledger-1-moves', 'process.restart_new_port', 'ledger-1', 1.5, 2.5),
      window('ledger-2-killed', 'process.kill', 'ledger-2', 3, 4), // restarted when the window ends
      // On the replica whose proxy stays put: a toxic added while ledger-1's proxy moves would race the move.
      window('slow-ledger', 'network.latency', 'ledger-2', 5, 6.5, { latency: 50 }),
    ];
    const result = await runShort('baseline', { duration: 8, rate: 80 }, {}, (s) => ({
      ...s,
      replace: { ledger: replacement({ command, cwd: ROOT, replicas: 2, ready_timeout: 60 }) },
      faults,
      drain_s: 30, // ends as soon as everything is delivered; long only for a machine busy with other tests
    }));
    const s = result.summary;
    for (const inv of s.invariants) assert.ok(inv.ok, `${inv.name}: ${inv.detail}`);
    assert.ok(s.authorizations.total > 300, `sent ${s.authorizations.total}`);
    for (const f of s.faults) assert.ok(f.applied_s !== null && f.healed_s !== null && !f.error, `${f.name} applied and healed: ${f.error ?? ''}`);
    const killed = s.causes_by_fault['ledger-2-killed'] ?? {};
    assert.ok(Object.keys(killed).some((cause) => cause.startsWith('processor->ledger')), `the kill hit the replacement: ${JSON.stringify(s.causes_by_fault)}`);
    assert.deepEqual(s.replaced, [{ service: 'ledger', by: 'command', what: command, replicas: 2 }]);

    const onDisk = JSON.parse(readFileSync(path.join(result.runDir, 'summary.json'), 'utf8')) as { replaced: unknown };
    assert.deepEqual(onDisk.replaced, s.replaced);
    const report = readFileSync(path.join(result.runDir, 'index.html'), 'utf8');
    assert.match(report, /replaced <b>ledger \(command\)<\/b>/, 'the report header names it');
    assert.ok(report.includes('ledger by command'), 'the run section says by which command');
    const printed: string[] = [];
    printSummary(s, (line) => printed.push(line));
    assert.ok(printed.some((line) => line.startsWith('replaced: ledger by command') && line.includes('(2 replicas)')), printed.join('\n'));
  });
  // A run without replacements says replaced: [] in test/e2e/baseline.test.ts (its run, no topology of its own).
});

describe('an HTTP fault on a replacement without the HTTP-fault admin route', () => {
  it('is refused before traffic naming the fault and the replacement, leaving nothing running', async () => {
    const dir = await tempDir();
    const pidfile = path.join(dir, 'feed.json');
    const command = standInCommand();
    const faults = [window('feed-503', 'http.abort', 'feed', 2, 4, { percent: 50, status: 503 })];
    await assert.rejects(
      runShort('baseline', { duration: 6 }, {}, (s) => ({
        ...s,
        replace: { feed: replacement({ command, env: { STANDIN_PIDFILE: pidfile }, ready_timeout: 60 }) },
        faults,
      })),
      (err: Error) =>
        err instanceof ScenarioError &&
        err.message.includes(`fault "feed-503" (http.abort on feed) is refused before traffic: feed-1 (feed replaced by command "${command}") answers 404 to GET /__admin/http-faults`),
    );
    assert.ok(existsSync(pidfile), 'the stand-in did start');
    const { pid } = JSON.parse(readFileSync(pidfile, 'utf8')) as { pid: number };
    await waitFor(() => !pidAlive(pid), 10_000, 'the stand-in to be stopped');
    await waitFor(() => childNodeProcesses().length === 0, 10_000, 'every child process to exit');
  });
});
