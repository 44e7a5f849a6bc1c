// faultline never measures a process that is not the replica: a command replica's port is picked by
// faultline and passed in PORT, and another process can take it before the replica binds it. Here a decoy
// of the test's own takes the port at exactly that moment (the stand-in asks the test to, before it
// binds) and answers 200 on /health: faultline sees the socket is not the replica group's, and starts the
// replica again on another port; when every port it picks is taken, or the port was given (a restart on
// the same port), the start fails naming the replica and the process that holds the port.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PORT_ATTEMPTS, startCommandProcess, type CommandSpec } from '../../harness/topology/command-process.ts';
import { freePort } from '../../harness/topology/health.ts';
import { parseListeners, portOwner } from '../../harness/topology/port-owner.ts';
import { ServiceStartError, stopServiceProcess } from '../../harness/topology/service-process.ts';
import { pidAlive, waitFor } from '../support/processes.ts';
import { ROOT, standInCommand, toldEnv } from './support.ts';

const servers: http.Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

function listen(server: http.Server, port = 0): Promise<number> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** A process of the test's own on `port` that answers 200 on /health, 404 elsewhere: not the replica. */
function decoy(port: number): Promise<number> {
  return listen(
    http.createServer((req, res) => {
      res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', decoy: true }));
    }),
    port,
  );
}

/** Where the stand-in says which port it is about to bind: the first `take` ports are taken by a decoy first. */
async function decoyControl(take: number): Promise<{ url: string; asked: Array<{ port: number; pid: number }> }> {
  const asked: Array<{ port: number; pid: number }> = [];
  const port = await listen(
    http.createServer((req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      asked.push({ port: Number(q.get('port')), pid: Number(q.get('pid')) });
      const taking = asked.length <= take ? decoy(Number(q.get('port'))) : Promise.resolve(0);
      void taking.then(() => res.end('ok'));
    }),
  );
  return { url: `http://127.0.0.1:${port}/take`, asked };
}

function spec(env: Record<string, string>, log?: (line: string) => void): CommandSpec {
  return { replica: 'ledger-1', service: 'ledger', command: standInCommand(), cwd: ROOT, env: { FAULTLINE_REPLICA: 'ledger-1', ...env }, health: '/health', readyTimeoutMs: 30_000, ...(log ? { log } : {}) };
}

describe('a command replica whose port another process took', () => {
  it('is seen not to own the port (the decoy answered its health) and is started again on another port', async () => {
    const control = await decoyControl(1);
    const logs: string[] = [];
    const proc = await startCommandProcess(spec({ STANDIN_DECOY_URL: control.url }, (l) => logs.push(l)), 0);
    try {
      assert.equal(control.asked.length, 2, 'two starts: the first port was taken');
      const [first, second] = control.asked as [{ port: number; pid: number }, { port: number; pid: number }];
      assert.notEqual(proc.info.port, first.port);
      assert.equal(proc.info.port, second.port);
      const told = await toldEnv(`http://127.0.0.1:${proc.info.port}`);
      assert.equal(told.PORT, String(proc.info.port), 'what answers on its port now is the replica');
      assert.equal(told.pid, second.pid);
      assert.equal((await portOwner(proc.info.port, proc.info.pid)).kind, 'group');
      const decoyOwner = await portOwner(first.port, proc.info.pid);
      assert.equal(decoyOwner.kind, 'other');
      assert.match((decoyOwner as { holder: string }).holder, new RegExp(`^pid ${process.pid} \\(`));
      await waitFor(() => !pidAlive(first.pid), 10_000, 'the first start, which could not listen, to be stopped');
      assert.equal(logs.length, 1, logs.join('\n'));
      assert.match(logs[0] as string, new RegExp(`^ledger-1: port ${first.port} is held by another process, pid ${process.pid} \\(.*\\), not by this replica .*; starting it again on another port$`));
    } finally {
      await stopServiceProcess(proc);
    }
  });

  it(`fails naming the replica and the holder when all ${PORT_ATTEMPTS} ports it picks are taken, leaving nothing running`, async () => {
    const control = await decoyControl(Infinity);
    await assert.rejects(startCommandProcess(spec({ STANDIN_DECOY_URL: control.url }), 0), (err: Error) => {
      assert.ok(err instanceof ServiceStartError, err.message);
      assert.match(err.message, /^ledger-1 failed to start: ledger replaced by command ".*stand-in\.mjs'": port \d+ is held by another process, pid \d+/);
      assert.ok(err.message.includes(`pid ${process.pid}`), err.message);
      assert.match(err.message, new RegExp(`faultline picked ${PORT_ATTEMPTS} ports in turn; another process took each`));
      assert.match(err.message, /stand-in: cannot listen on \d+: EADDRINUSE/, 'with the end of its output');
      return true;
    });
    assert.equal(control.asked.length, PORT_ATTEMPTS);
    for (const { pid } of control.asked) await waitFor(() => !pidAlive(pid), 10_000, `stand-in ${pid} to be stopped`);
  });

  it('a port it was given (a restart on the same port) that another process holds fails at once, naming the holder', async () => {
    const port = await decoy(await freePort());
    await assert.rejects(startCommandProcess(spec({}), port), (err: Error) => {
      assert.ok(err instanceof ServiceStartError, err.message);
      assert.ok(err.message.startsWith('ledger-1 failed to start: '), err.message);
      assert.match(err.message, new RegExp(`port ${port} (is held by|was taken by) another process, pid ${process.pid}`));
      assert.doesNotMatch(err.message, /picked/);
      return true;
    });
  });
});

describe('reading who listens on a port', () => {
  it('finds LISTEN sockets for 127.0.0.1 in /proc/net/tcp and /proc/net/tcp6 lines', () => {
    const v4 = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0',
      '   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0 100 0 0 10 0',
      '   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 100 0 0 10 0',
      '   3: 0A00000F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 444 1 0 100 0 0 10 0',
      '   4: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 555 1 0 100 0 0 10 0',
    ].join('\n');
    const v4Addresses = new Set(['0100007F', '7F000001', '00000000']);
    assert.deepEqual(parseListeners(v4, 8080, v4Addresses), [
      { inode: '111', uid: '1000' },
      { inode: '222', uid: '0' },
    ], 'listening on 127.0.0.1 and 0.0.0.0, not an established connection, another address or another port');
    const v6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 666 1 0 100 0 0 10 0',
    ].join('\n');
    assert.deepEqual(parseListeners(v6, 8080, new Set(['00000000000000000000000000000000'])), [{ inode: '666', uid: '1000' }]);
  });

  it("tells the group's own listener from another process's and from nothing", async () => {
    const port = await decoy(0);
    assert.equal((await portOwner(port, process.pid)).kind, 'group', 'this process (a group of one here, or the leader it descends from)');
    const noSuchGroup = 4_194_000 + (process.pid % 97); // above any pid this machine hands out
    const other = await portOwner(port, noSuchGroup);
    assert.equal(other.kind, 'other');
    assert.match((other as { holder: string }).holder, new RegExp(`^pid ${process.pid} `));
    assert.equal((await portOwner(await freePort(), process.pid)).kind, 'none');
  });
});
