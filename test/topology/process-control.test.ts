// Process faults on the embedded topology over real processes: pause and resume, kill and restart on the
// same port, restart on a new port (the old proxy port goes dead, discovery follows), SIGTERM with and
// without deregistering first, and errors that name the replica.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startEmbeddedTopology, TopologyError } from '../../harness/topology/embedded.ts';
import { topologySchema } from '../../harness/scenario/schema.ts';
import type { RunningTopology } from '../../harness/topology/types.ts';
import type { Endpoints } from '../../services/discovery/contract.ts';
import { childNodeProcesses, pidAlive, portAcceptsConnections, waitFor } from '../support/processes.ts';

/** The ports discovery lists for the ledger, sorted. */
async function ledgerEndpointPorts(topology: RunningTopology): Promise<number[]> {
  const res = await fetch(`${topology.urls.discovery}/api/v1/namespaces/payments/endpoints/ledger`, { signal: AbortSignal.timeout(5000) });
  const endpoints = (await res.json()) as Endpoints;
  return (endpoints.subsets ?? [])
    .flatMap((s) => s.ports ?? [])
    .map((p) => p.port)
    .sort((a, b) => a - b);
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

/** The process state letter from /proc (T = stopped). */
function procState(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.charAt(0) ?? '?';
}

const one = (topology: RunningTopology, name: string) => {
  const replica = topology.resolveTarget(name)[0];
  assert.ok(replica, name);
  return replica;
};

describe('process faults on the embedded topology', () => {
  let topology: RunningTopology;
  before(async () => {
    topology = await startEmbeddedTopology(topologySchema.parse({ processors: 1, ledgers: 2, feeds: 1 }), { seed: 5 });
  });
  after(async () => {
    await topology.stop();
    await waitFor(() => childNodeProcesses().length === 0, 10_000, 'every child process to exit');
  });

  it('says what each replica is run by', () => {
    assert.deepEqual(
      topology.replicas().map((r) => [r.name, r.runtime]),
      ['discovery', 'ledger-store', 'ledger-1', 'ledger-2', 'feed-1', 'card-processor-1'].map((n) => [n, 'process']),
    );
  });

  it('pauses and resumes a replica with SIGSTOP and SIGCONT', async () => {
    const { pid } = one(topology, 'feed-1');
    topology.signal('feed-1', 'SIGSTOP');
    assert.equal(one(topology, 'feed-1').paused, true);
    await waitFor(() => procState(pid) === 'T', 5000, 'feed-1 to stop');
    topology.signal('feed-1', 'SIGCONT');
    assert.equal(one(topology, 'feed-1').paused, false);
    await waitFor(() => procState(pid) !== 'T', 5000, 'feed-1 to resume');
    assert.ok(await healthy(one(topology, 'feed-1').url));
  });

  it('restarts a killed replica on the same port and proxy, and refuses signals while it is down', async () => {
    const before = one(topology, 'ledger-1');
    topology.signal('ledger-1', 'SIGKILL');
    await waitFor(() => !pidAlive(before.pid), 5000, 'ledger-1 to die');
    await waitFor(() => !one(topology, 'ledger-1').running, 5000, 'ledger-1 to be reported down');
    assert.throws(() => topology.signal('ledger-1', 'SIGTERM'), (err: Error) => err instanceof TopologyError && /ledger-1 is not running/.test(err.message));

    const after = await topology.restart('ledger-1', { newPort: false });
    assert.notEqual(after.pid, before.pid);
    assert.equal(after.port, before.port);
    assert.deepEqual(after.proxy, before.proxy);
    assert.equal(after.running, true);
    assert.ok(await healthy(after.url));
  });

  it('restarts on a new port: a new proxy port, the old one dead, discovery pointing at the new one', async () => {
    const before = one(topology, 'ledger-2');
    const after = await topology.restart('ledger-2', { newPort: true });
    assert.notEqual(after.port, before.port);
    assert.ok(after.proxy && before.proxy);
    assert.notEqual(after.proxy.listenPort, before.proxy.listenPort);
    assert.equal(await portAcceptsConnections(before.proxy.listenPort), false, 'the old proxy port is dead');
    assert.equal(await portAcceptsConnections(before.port), false, 'the old process port is dead');
    assert.ok(await healthy(after.url));
    assert.deepEqual(topology.urls.ledgers, topology.replicas('ledger').map((r) => r.url));
    assert.ok(topology.urls.ledgers.includes(after.url));
    assert.ok((await ledgerEndpointPorts(topology)).includes(after.proxy.listenPort));
    assert.ok(!(await ledgerEndpointPorts(topology)).includes(before.proxy.listenPort));
  });

  it('SIGTERM after deregistering leaves discovery first; without, discovery drops it only once it has exited', async () => {
    const l1 = one(topology, 'ledger-1');
    await topology.terminate('ledger-1', { deregisterFirst: true, graceMs: 0 });
    assert.ok(!(await ledgerEndpointPorts(topology)).includes(l1.proxy?.listenPort ?? -1), 'gone from discovery');
    await waitFor(() => !pidAlive(l1.pid), 10_000, 'ledger-1 to exit');

    const l2 = one(topology, 'ledger-2');
    await topology.terminate('ledger-2', { deregisterFirst: false });
    await waitFor(() => !pidAlive(l2.pid), 10_000, 'ledger-2 to exit');
    await waitFor(async () => !(await ledgerEndpointPorts(topology)).includes(l2.proxy?.listenPort ?? -1), 10_000, 'ledger-2 to leave discovery');

    // Replaced, as a rolling deploy does: back in discovery on new ports.
    const r1 = await topology.restart('ledger-1', { newPort: true });
    const r2 = await topology.restart('ledger-2', { newPort: true });
    assert.deepEqual(await ledgerEndpointPorts(topology), [r1.proxy?.listenPort, r2.proxy?.listenPort].sort((a, b) => (a ?? 0) - (b ?? 0)));
  });

  it('names the replica or target it does not know', async () => {
    assert.throws(() => topology.signal('ledger-9', 'SIGKILL'), (err: Error) => err instanceof TopologyError && /no replica named "ledger-9"/.test(err.message));
    await assert.rejects(topology.restart('ledger-9', { newPort: true }), /no replica named "ledger-9"; known: discovery, ledger-store, ledger-1/);
    assert.throws(() => topology.resolveTarget('ledgers'), /unknown target "ledgers"; known: .*ledger, ledger-1/);
    assert.deepEqual(topology.resolveTarget('ledger').map((r) => r.name), ['ledger-1', 'ledger-2']);
    assert.deepEqual(topology.resolveTarget('ledger-store').map((r) => r.name), ['ledger-store']);
  });
});
