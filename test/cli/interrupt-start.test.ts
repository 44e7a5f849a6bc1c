// One Ctrl-C stops `run`, `up` and `contract` while they start, too: a replacement whose /health streams
// its body forever keeps the start waiting (within its ready_timeout), and a single SIGINT to the whole
// process group ends the wait, stops everything that had started and exits 130, saying nothing was
// measured. And `contract --url` against such a /health is exit 3 at its --ready-timeout, not a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { cli, startCli, type CliResult } from '../support/cli.ts';
import { pidAlive, waitFor } from '../support/processes.ts';
import { tempDir } from '../replace/support.ts';

const MISBEHAVING = path.join(import.meta.dirname, '../replace/fixtures/misbehaving.mjs');
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A feed whose /health streams forever; it writes its pid to a file once it listens. */
async function streamingFeed(): Promise<{ command: string; pidfile: string }> {
  const pidfile = path.join(await tempDir(), 'feed.json');
  return { command: `PIDFILE=${quote(pidfile)} ${quote(process.execPath)} ${quote(MISBEHAVING)} --all=stream-health`, pidfile };
}

/** Starts the CLI, waits until the streaming replacement listens, sends one Ctrl-C to the group; its result and the replacement's pid. */
async function interruptWhileStarting(args: string[], pidfile: string): Promise<{ r: CliResult; pid: number; ms: number }> {
  const run = startCli(args, {}, { group: true });
  const group = run.child.pid as number;
  try {
    await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').length > 0, 90_000, 'the replacement to listen');
    await new Promise((resolve) => setTimeout(resolve, 500)); // faultline is now polling its /health
    const at = Date.now();
    process.kill(-group, 'SIGINT');
    const r = await Promise.race([run.done, new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000))]);
    assert.ok(r, `exited within 30 s of one Ctrl-C:\n${run.output()}`);
    const { pid } = JSON.parse(readFileSync(pidfile, 'utf8')) as { pid: number };
    return { r, pid, ms: Date.now() - at };
  } finally {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

test('run: one Ctrl-C while a replacement streams its /health stops the start, exit 130, nothing left', async () => {
  const feed = await streamingFeed();
  const out = path.join(await tempDir(), 'run');
  const { r, pid } = await interruptWhileStarting(['run', 'baseline', '--duration', '2s', '--out', out, '--replace', `feed=${feed.command}`], feed.pidfile);
  assert.equal(r.code, 130, r.stdout + r.stderr);
  assert.match(r.stderr, /interrupted while the topology was starting: everything it had started is stopped; nothing was measured/);
  await waitFor(() => !pidAlive(pid), 10_000, 'the replacement to be stopped');
});

test('up: one Ctrl-C while it starts stops it, exit 130, nothing left', async () => {
  const feed = await streamingFeed();
  const { r, pid } = await interruptWhileStarting(['up', '--toxiproxy-port', '0', '--replace', `feed=${feed.command}`], feed.pidfile);
  assert.equal(r.code, 130, r.stdout + r.stderr);
  assert.match(r.stdout, /stopped: interrupted while the topology was starting/);
  await waitFor(() => !pidAlive(pid), 10_000, 'the replacement to be stopped');
});

test('contract --command: one Ctrl-C while it starts stops it, exit 130, nothing left', async () => {
  const feed = await streamingFeed();
  const { r, pid } = await interruptWhileStarting(['contract', 'feed', '--command', feed.command, '--ready-timeout', '5m'], feed.pidfile);
  assert.equal(r.code, 130, r.stdout + r.stderr);
  assert.match(r.stdout, /interrupted before any check: nothing was judged, everything it started is stopped/);
  await waitFor(() => !pidAlive(pid), 10_000, 'the replacement to be stopped');
});

test('contract --url: a /health that streams forever is exit 3 at the ready timeout, saying so', async () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write('x'), 20);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const started = Date.now();
    const r = await cli(['contract', 'feed', '--url', url, '--ready-timeout', '2s'], 60_000);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`feed at the URL ${url.replace(/[.:/]/g, '\\$&')} cannot be reached: GET ${url.replace(/[.:/]/g, '\\$&')}/health: answered 200 but its body did not end within \\d+ ms \\(for 2 s\\)`));
    assert.ok(Date.now() - started < 45_000);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
