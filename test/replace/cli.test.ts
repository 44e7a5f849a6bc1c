// Replacements from the command line, as a user runs them: `faultline run … --replace` end to end, a
// replacement that never becomes healthy (exit 3 before traffic, naming it, with the end of its output,
// nothing left running), and `faultline up --replace` until Ctrl-C — or until it is killed outright.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, startCli } from '../support/cli.ts';
import { freePort } from '../../harness/topology/health.ts';
import { pidAlive, portAcceptsConnections, waitFor } from '../support/processes.ts';
import { RELAXED_VALIDITY_YAML } from '../support/validity.ts';
import { mockCommand, standInCommand, tempDir, tempFile, toldEnv } from './support.ts';
import type { Summary } from '../../harness/summary/types.ts';

const scenario = (extra = ''): string => `name: replaced
description: the pipeline with a team's own service in it
warmup_s: 1
drain_s: 30
traffic: { rate: 50, duration_s: 5 }
${RELAXED_VALIDITY_YAML}${extra}`;

describe('faultline run with a replacement', () => {
  it('--replace runs the pipeline with every mock replaced, prints and records what was replaced, exit 0', async () => {
    const out = await tempDir();
    const commands = {
      'card-processor': await mockCommand('services/card-processor/main.ts'),
      ledger: await mockCommand('services/ledger/main.ts'),
      'ledger-store': await mockCommand('services/ledger/main-store.ts'),
      feed: await mockCommand('services/feed/main.ts'),
    };
    const flags = Object.entries(commands).flatMap(([service, command]) => ['--replace', `${service}=${command}`]);
    const r = await cli(['run', await tempFile('replaced.yaml', scenario()), '--out', out, ...flags, '--replicas', 'ledger=1'], 180_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`replaced: card-processor by command "${commands['card-processor']}" (2 replicas); ledger by command "${commands.ledger}" (1 replica)`), r.stdout);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    assert.deepEqual(
      summary.replaced,
      (['card-processor', 'ledger', 'ledger-store', 'feed'] as const).map((service) => ({ service, by: 'command', what: commands[service], replicas: service === 'card-processor' ? 2 : 1 })),
    );
    assert.ok(summary.command.includes('--replace '), `the repeat command keeps the replacement: ${summary.command}`);
    for (const inv of summary.invariants) assert.ok(inv.ok, inv.name);
  });

  it('a command that never becomes healthy is exit 3 before traffic, naming it, with its output, leaving nothing behind', async () => {
    const dir = await tempDir();
    const pidfile = path.join(dir, 'ledger.json');
    const block = `replace:\n  ledger:\n    command: "${standInCommand('--unhealthy')}"\n    replicas: 1\n    ready_timeout: 2s\n    env: { STANDIN_PIDFILE: "${pidfile}" }\n`;
    const r = await cli(['run', await tempFile('unhealthy.yaml', scenario(block)), '--out', dir], 120_000);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /ledger-1 failed to start: ledger replaced by command ".*stand-in\.mjs'? --unhealthy": GET http:\/\/127\.0\.0\.1:\d+\/health did not answer 200 within 2 s \(last: answered 503\)/);
    assert.match(r.stderr, /the end of its output \(stdout and stderr\)[\s\S]*stand-in: warming the cache[\s\S]*stand-in: cannot reach the database/);
    assert.doesNotMatch(r.stderr, /topology up/, 'no traffic was sent');
    assert.equal(existsSync(path.join(dir, 'summary.json')), false);
    const { pid, port } = JSON.parse(readFileSync(pidfile, 'utf8')) as { pid: number; port: number };
    assert.equal(pidAlive(pid), false, 'the replacement was stopped');
    assert.equal(await portAcceptsConnections(port), false, 'its port is free');
  });

  it('a URL that never answers is exit 3 naming the replica and the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const block = `replace:\n  card-processor: { url: "${url}", ready_timeout: 1s }\n`;
    const r = await cli(['run', await tempFile('nothing.yaml', scenario(block)), '--out', await tempDir()], 120_000);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.stderr.includes(`card-processor-1 (card-processor replaced by the URL ${url}) is not healthy: GET ${url}/health did not answer 200 within 1 s (last: connection refused)`), r.stderr);
  });
});

describe('faultline up with a replacement', () => {
  it('starts the user command in the mock place, prints it, and stops it on SIGINT', async () => {
    const json = path.join(await tempDir(), 'up.json');
    const run = startCli(['up', '--toxiproxy-port', '0', '--json', json, '--replace', `feed=${standInCommand()}`]);
    try {
      // Written while we poll: wait until it is whole.
      await waitFor(() => existsSync(json) && readFileSync(json, 'utf8').endsWith('}\n'), 60_000, 'the --json file');
      const up = JSON.parse(readFileSync(json, 'utf8')) as { replaced: unknown; services: Array<{ replica: string; url: string; runtime: string }> };
      assert.deepEqual(up.replaced, [{ service: 'feed', by: 'command', what: standInCommand(), replicas: 1 }]);
      assert.match(run.output(), /replaced\s+feed by command ".*stand-in\.mjs'?" \(1 replica\)/);
      const feed = up.services.find((s) => s.replica === 'feed-1');
      assert.equal(feed?.runtime, 'process');
      const told = await toldEnv(feed?.url ?? '');
      assert.equal(told.FAULTLINE_REPLICA, 'feed-1');
      run.child.kill('SIGINT');
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      await waitFor(() => !pidAlive(told.pid), 10_000, 'the stand-in to stop with faultline up');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('a faultline killed outright (no chance to stop anything) leaves no replacement behind', async () => {
    const json = path.join(await tempDir(), 'up.json');
    const run = startCli(['up', '--toxiproxy-port', '0', '--json', json, '--replace', `feed=${standInCommand()}`]);
    try {
      await waitFor(() => existsSync(json) && readFileSync(json, 'utf8').endsWith('}\n'), 60_000, 'the --json file');
      const up = JSON.parse(readFileSync(json, 'utf8')) as { services: Array<{ replica: string; url: string }> };
      const told = await toldEnv(up.services.find((s) => s.replica === 'feed-1')?.url ?? '');
      run.child.kill('SIGKILL');
      await run.done;
      await waitFor(() => !pidAlive(told.pid), 10_000, 'the orphaned stand-in to be taken down by its guard');
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
