// The embedded topology over real processes: every replica starts, registers with discovery, sits behind
// its proxy, and stopping it leaves no process and no bound port behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startEmbeddedTopology, TopologyError } from '../../harness/topology/embedded.ts';
import { topologySchema } from '../../harness/scenario/schema.ts';
import { childNodeProcesses, pidAlive, portAcceptsConnections, waitFor } from '../support/processes.ts';
import type { EndpointsList } from '../../services/discovery/contract.ts';

test('the default topology starts, registers every replica behind a proxy, and stops leaving nothing behind', async () => {
  const topology = await startEmbeddedTopology(topologySchema.parse({}), { seed: 11 });
  let stopped = false;
  try {
    const names = topology.replicas().map((r) => r.name).sort();
    assert.deepEqual(names, ['card-processor-1', 'card-processor-2', 'discovery', 'feed-1', 'ledger-1', 'ledger-2', 'ledger-store']);
    for (const r of topology.replicas()) {
      const res = await fetch(`${r.url}/health`, { signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 200, `${r.name} healthy through ${r.url}`);
      if (r.name !== 'ledger-store') assert.ok(r.proxy, `${r.name} has a proxy`);
    }
    const list = (await (await fetch(`${topology.urls.discovery}/api/v1/namespaces/payments/endpoints`)).json()) as EndpointsList;
    const ledger = list.items.find((e) => e.metadata.name === 'ledger');
    const ports = (ledger?.subsets ?? []).flatMap((s) => s.ports ?? []).map((p) => p.port).sort();
    const proxyPorts = topology.replicas('ledger').map((r) => r.proxy?.listenPort).sort();
    assert.deepEqual(ports, proxyPorts, 'discovery points at the ledger replicas through their proxies');

    const pids = topology.replicas().map((r) => r.pid);
    const boundPorts = topology.replicas().flatMap((r) => [r.port, r.proxy?.listenPort ?? r.port]);
    const apiPort = Number(new URL(topology.urls.toxiproxy).port);
    await topology.stop();
    stopped = true;
    for (const pid of pids) assert.equal(pidAlive(pid), false, `pid ${pid} is gone`);
    for (const port of [...boundPorts, apiPort]) assert.equal(await portAcceptsConnections(port), false, `port ${port} is free`);
    assert.deepEqual(childNodeProcesses(), []);
  } finally {
    if (!stopped) await topology.stop();
  }
});

test('a service that fails to start is an error naming it, and nothing is left running', async () => {
  // An out-of-range defect setting makes feed-1 refuse its config and exit before it is ready.
  await assert.rejects(
    startEmbeddedTopology(topologySchema.parse({ processors: 1, ledgers: 1 }), { seed: 1, defects: { feed: { miss_events_percent: 500 } } }),
    (err: Error) => err instanceof TopologyError && /feed-1/.test(err.message),
  );
  await waitFor(() => childNodeProcesses().length === 0, 10_000, 'every child process to exit');
});

test('a port clash on the Toxiproxy API port names the port, and nothing is left running', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    await assert.rejects(startEmbeddedTopology(topologySchema.parse({}), { seed: 1, toxiproxyPort: port }), (err: Error) =>
      err.message.includes(String(port)),
    );
    assert.deepEqual(childNodeProcesses(), []);
  } finally {
    blocker.close();
  }
});
