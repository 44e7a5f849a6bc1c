// A mock replaced by command, over real processes: faultline starts N replicas of the user's command
// (a node:http stand-in here), each in its own process group with its port and neighbours in the
// documented environment variables; it is proxied and registered like a mock, and process faults act on it
// (SIGSTOP/SIGCONT, SIGKILL and restart on the same port, restart on a new port with a new PORT).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startEmbeddedTopology } from '../../harness/topology/embedded.ts';
import { topologySchema } from '../../harness/scenario/schema.ts';
import type { ReplicaInfo, RunningTopology } from '../../harness/topology/types.ts';
import type { Endpoints } from '../../services/discovery/contract.ts';
import { childNodeProcesses, pidAlive, portAcceptsConnections, waitFor } from '../support/processes.ts';
import { replacement, standInCommand, toldEnv, type ToldEnv } from './support.ts';

async function endpointPorts(topology: RunningTopology, service: string): Promise<number[]> {
  const res = await fetch(`${topology.urls.discovery}/api/v1/namespaces/payments/endpoints/${service}`, { signal: AbortSignal.timeout(5000) });
  const endpoints = (await res.json()) as Endpoints;
  return (endpoints.subsets ?? []).flatMap((s) => s.ports ?? []).map((p) => p.port).sort((a, b) => a - b);
}

/** The process state letter from /proc (T = stopped). */
const procState = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.charAt(0) ?? '?';

describe('a ledger and a feed replaced by command', () => {
  let topology: RunningTopology;
  /** Every stand-in server process seen, to check none is left at the end. */
  const servers = new Set<number>();
  const one = (name: string): ReplicaInfo => {
    const r = topology.resolveTarget(name)[0];
    assert.ok(r, name);
    return r;
  };
  const told = async (name: string): Promise<ToldEnv> => {
    const env = await toldEnv(one(name).url); // through its proxy
    servers.add(env.pid);
    return env;
  };

  before(async () => {
    topology = await startEmbeddedTopology(topologySchema.parse({ processors: 1, ledgers: 2, feeds: 1 }), {
      seed: 7,
      replace: {
        ledger: replacement({ command: standInCommand(), replicas: 2, env: { STANDIN_GREETING: 'hello' }, ready_timeout: 60 }),
        feed: replacement({ command: standInCommand('--ready-line'), ready_timeout: 60 }),
      },
    });
  });
  after(async () => {
    await topology.stop();
    await waitFor(() => childNodeProcesses().length === 0, 10_000, 'every child process to exit');
    for (const pid of servers) assert.equal(pidAlive(pid), false, `stand-in server ${pid} is gone with its process group`);
  });

  it('gives every replica its port and neighbours in the documented variables', async () => {
    const discovery = one('discovery');
    for (const name of ['ledger-1', 'ledger-2']) {
      const r = one(name);
      assert.equal(r.runtime, 'process');
      assert.ok(r.proxy, `${name} is behind a proxy`);
      const env = await told(name);
      assert.equal(env.PORT, String(r.port));
      assert.equal(env.FAULTLINE_PORT, String(r.port));
      assert.equal(env.FAULTLINE_HOST, '127.0.0.1');
      assert.equal(env.FAULTLINE_SERVICE, 'ledger');
      assert.equal(env.FAULTLINE_REPLICA, name);
      assert.equal(env.FAULTLINE_DISCOVERY_URL, discovery.url, 'discovery through its proxy, as the processors use it');
      assert.equal(env.FAULTLINE_NAMESPACE, 'payments');
      assert.equal(env.FAULTLINE_LEDGER_STORE_URL, topology.urls.ledgerStore);
      assert.equal(env.FAULTLINE_SEED, '7');
      assert.equal(env.FAULTLINE_ACCOUNTS, '1000');
      assert.equal(env.STANDIN_GREETING, 'hello', 'the scenario env: is added');
      const config = JSON.parse(String(env.FAULTLINE_CONFIG)) as Record<string, unknown>;
      assert.deepEqual(config, { replica: name, storeUrl: topology.urls.ledgerStore, seed: 7, decline_holds_percent: 0 }, 'the config the mock would get');
    }
    const feed = await told('feed-1');
    assert.equal(feed.FAULTLINE_SERVICE, 'feed');
    assert.equal(feed.FAULTLINE_LEDGER_STORE_URL, undefined, 'only ledger replicas are told the store');
    assert.deepEqual(await endpointPorts(topology, 'ledger'), topology.replicas('ledger').map((r) => r.proxy?.listenPort).sort((a, b) => (a ?? 0) - (b ?? 0)));
  });

  it('accepts the mocks ready line from a replica with no health route', async () => {
    const feed = one('feed-1');
    assert.equal((await fetch(`${feed.url}/health`, { signal: AbortSignal.timeout(5000) })).status, 404);
    assert.equal((await told('feed-1')).PORT, String(feed.port));
  });

  it('pauses and resumes it with SIGSTOP and SIGCONT on its process group', async () => {
    const { pid } = await told('ledger-1');
    topology.signal('ledger-1', 'SIGSTOP');
    assert.equal(one('ledger-1').paused, true);
    await waitFor(() => procState(pid) === 'T', 5000, 'the stand-in to stop');
    topology.signal('ledger-1', 'SIGCONT');
    await waitFor(() => procState(pid) !== 'T', 5000, 'the stand-in to resume');
    assert.equal((await told('ledger-1')).pid, pid);
  });

  it('kills it and restarts it on the same port', async () => {
    const before = one('ledger-1');
    const { pid } = await told('ledger-1');
    topology.signal('ledger-1', 'SIGKILL');
    await waitFor(() => !pidAlive(pid), 5000, 'the stand-in to die with its group');
    await waitFor(() => !one('ledger-1').running, 5000, 'ledger-1 to be reported down');
    const after = await topology.restart('ledger-1', { newPort: false });
    assert.equal(after.port, before.port);
    const env = await told('ledger-1');
    assert.notEqual(env.pid, pid);
    assert.equal(env.PORT, String(before.port));
  });

  it('restarts it on a new port: a new PORT, the old ports dead, discovery following', async () => {
    const before = one('ledger-2');
    const old = await told('ledger-2');
    const after = await topology.restart('ledger-2', { newPort: true });
    assert.notEqual(after.port, before.port);
    assert.notEqual(after.proxy?.listenPort, before.proxy?.listenPort);
    const env = await told('ledger-2');
    assert.equal(env.PORT, String(after.port), 'a restarted replica is told its new port');
    assert.equal(env.FAULTLINE_PORT, String(after.port));
    assert.equal(pidAlive(old.pid), false);
    assert.equal(await portAcceptsConnections(before.port), false, 'the old process port is dead');
    assert.equal(await portAcceptsConnections(before.proxy?.listenPort ?? 0), false, 'the old proxy port is dead');
    assert.ok((await endpointPorts(topology, 'ledger')).includes(after.proxy?.listenPort ?? -1));
    assert.ok(!(await endpointPorts(topology, 'ledger')).includes(before.proxy?.listenPort ?? -1));
  });

  it('SIGTERMs it while registered, and discovery drops it once its whole group has exited', async () => {
    const r = one('ledger-1');
    const { pid } = await told('ledger-1');
    await topology.terminate('ledger-1', { deregisterFirst: false });
    await waitFor(() => !pidAlive(pid), 10_000, 'the stand-in to exit on SIGTERM');
    await waitFor(async () => !(await endpointPorts(topology, 'ledger')).includes(r.proxy?.listenPort ?? -1), 10_000, 'ledger-1 to leave discovery');
    const back = await topology.restart('ledger-1', { newPort: true });
    assert.equal((await told('ledger-1')).PORT, String(back.port));
  });
});
