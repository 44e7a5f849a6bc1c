// `faultline contract` as a user runs it: bad usage is exit 2 before anything starts; a URL nothing
// answers on, or a command that never becomes healthy, is exit 3 naming it (with the end of its output,
// nothing left running); a service at its URL is checked where it is; Ctrl-C stops the checks and
// everything they started (exit 130).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contractCommand, type ContractOptions } from '../../harness/cli/commands/contract.ts';
import { UsageError } from '../../harness/cli/exit-codes.ts';
import { freePort } from '../../harness/topology/health.ts';
import { cli, startCli } from '../support/cli.ts';
import { pidAlive, portAcceptsConnections, waitFor } from '../support/processes.ts';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { checkedPorts, nodeLedgerCommand, ROOT, startMockLedgerStore } from './support.ts';

const UNHEALTHY = path.join(ROOT, 'test/contract/fixtures/unhealthy.mjs');

describe('faultline contract on the command line', () => {
  it('bad usage is exit 2, naming what is wrong, before anything starts', async () => {
    const r = await cli(['contract', 'ledger'], 30_000);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /give either --url <base> \(it already runs\) or --command <cmd> \(faultline starts it\), not both/);
    const refused: Array<[string, ContractOptions, RegExp]> = [
      ['discovery', { url: 'http://127.0.0.1:9' }, /"discovery" is not a service a replacement can take the place of .*faultline's own stub/],
      ['ledger', { url: 'http://example.com:80' }, /--url "http:\/\/example\.com:80" must be on 127\.0\.0\.1 or localhost/],
      ['ledger', { url: 'http://127.0.0.1:9', cases: 'many' }, /--cases must be a positive integer/],
      ['ledger', { url: 'http://127.0.0.1:9', replicas: '2' }, /a URL is one replica/],
      ['feed', { command: 'x', replicas: 'ledger=2' }, /--replicas ledger=2: give the replicas of feed/],
      ['ledger-store', { command: 'x', replicas: '2' }, /"ledger-store" does not scale/],
    ];
    for (const [service, options, message] of refused) {
      await assert.rejects(contractCommand(service, options, () => {}), (err: Error) => err instanceof UsageError && message.test(err.message), `${service} ${JSON.stringify(options)}`);
    }
    const noScenario = await cli(['contract', 'ledger', '--url', 'http://127.0.0.1:9', '--scenario', 'no-such-scenario'], 30_000);
    assert.equal(noScenario.code, 2, noScenario.stdout + noScenario.stderr);
    assert.match(noScenario.stderr, /no-such-scenario.*no such scenario or file; catalog: .*monzo-2017/);
  });

  it('--scenario names the faults it will run: the admin routes they need are checked as required', async () => {
    const store = await startMockLedgerStore();
    try {
      const lines: string[] = [];
      const code = await contractCommand('ledger', { url: store.url, cases: '1', scenario: ['reset-after-commit', 'monzo-2017'] }, (l) => lines.push(l));
      const out = lines.join('\n');
      assert.equal(code, 0, out);
      assert.match(out, /^faults planned on it \(reset-after-commit, monzo-2017\): http\.fail_after_commit, process\.restart_new_port$/m);
      assert.match(out, /^ {2}admin +\/__admin\/http-faults +pass .*present: http\.abort, http\.delay, http\.fail_after_commit can act on it/m);
    } finally {
      await store.close();
    }
  });

  it('a URL nothing answers on is exit 3, naming it', async () => {
    const port = await freePort();
    const r = await cli(['contract', 'feed', '--url', `http://127.0.0.1:${port}`, '--ready-timeout', '1s'], 30_000);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`feed at the URL http://127.0.0.1:${port} cannot be reached: GET http://127.0.0.1:${port}/health: connection refused`));
  });

  it('a command that never becomes healthy is exit 3, naming it, with the end of its output, leaving nothing behind', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-contract-'));
    const pidfile = path.join(dir, 'unhealthy.json');
    const command = `PIDFILE=${pidfile} '${process.execPath}' '${UNHEALTHY}'`;
    const r = await cli(['contract', 'ledger', '--command', command, '--ready-timeout', '2s'], 60_000);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /ledger-1 failed to start: ledger replaced by command ".*unhealthy\.mjs'": GET http:\/\/127\.0\.0\.1:\d+\/health did not answer 200 within 2 s \(last: answered 503\)/);
    assert.match(r.stderr, /--- the end of its output \(stdout and stderr\) ---\nmy-ledger: warming the cache\nmy-ledger: cannot reach the database/);
    const { pid, port } = JSON.parse(readFileSync(pidfile, 'utf8')) as { pid: number; port: number };
    assert.equal(pidAlive(pid), false, 'the replacement is stopped');
    assert.equal(await portAcceptsConnections(port), false);
  });

  it('--url checks a service where it runs (a ledger store started here), exit 0', async () => {
    const store = await startMockLedgerStore();
    try {
      const r = await cli(['contract', 'ledger-store', '--url', store.url.replace('127.0.0.1', 'localhost'), '--cases', '10', '--seed', '1'], 60_000);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^checking the URL ${store.url.replace('127.0.0.1', 'localhost').replace(/[.:/]/g, '\\$&')} at ${store.url.replace(/[.:/]/g, '\\$&')}$`, 'm'));
      assert.match(r.stdout, /^ledger-store speaks its contract/m);
    } finally {
      await store.close();
    }
  });

  it('Ctrl-C stops the checks and every process they started: exit 130', async () => {
    const run = startCli(['contract', 'ledger', '--command', nodeLedgerCommand(), '--cases', '100000'], {}, { group: true });
    await waitFor(() => /^checking /m.test(run.output()), 60_000, 'the checks to start');
    const [port] = checkedPorts(run.output());
    assert.ok(port && (await portAcceptsConnections(port)));
    process.kill(-(run.child.pid as number), 'SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.match(r.stderr, /interrupted: stopping the checks and everything they started/);
    assert.match(r.stdout, /interrupted after \d+ checks: nothing was judged/);
    assert.equal(await portAcceptsConnections(port), false, 'the replica is gone');
  });
});
