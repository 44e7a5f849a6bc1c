// The network.* fault kinds against the embedded proxy server, with an in-process TopologyControl.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { networkDown, networkFaultKinds } from '../../harness/faults/network.ts';
import type { FaultContext, FaultKind } from '../../harness/faults/types.ts';
import type { FaultWindow } from '../../harness/scenario/schema.ts';
import type { ReplicaInfo, TopologyControl } from '../../harness/topology/types.ts';
import { connect, echoServer, proxyServer, proxyTo, receiveBytes, within } from './helpers.ts';

/** The network.* kinds are derived from the toxic registry: look them up by name. */
function networkKind(name: string): FaultKind {
  const kind = networkFaultKinds.find((k) => k.kind === name);
  if (!kind) throw new Error(`no fault kind ${name}`);
  return kind;
}
const networkLatency = networkKind('network.latency');
const networkSlicer = networkKind('network.slicer');
const networkLimitData = networkKind('network.limit_data');

/** A topology of plain values: what resolveTarget returns is all the network faults use. */
function topologyOf(replicas: ReplicaInfo[]): TopologyControl {
  const unused = (): never => {
    throw new Error('not used by network faults');
  };
  return {
    replicas: (service) => replicas.filter((r) => service === undefined || r.service === service),
    resolveTarget: (target) => {
      const found = replicas.filter((r) => r.name === target || r.service === target);
      if (found.length === 0) throw new Error(`unknown target "${target}"`);
      return found;
    },
    targetNames: () => [...new Set(replicas.flatMap((r) => [r.name, r.service]))],
    signal: unused,
    terminate: unused,
    restart: unused,
    register: unused,
    deregister: unused,
    urls: { toxiproxy: '', discovery: '', ledgerStore: '', processors: [], feeds: [], ledgers: [] },
  };
}

function window(fault: string, target: string, params: Record<string, unknown> = {}): FaultWindow {
  return { name: 'slow-ledger', fault, target, start_s: 0, end_s: 1, params };
}

/** Two ledger replicas behind proxies (echo servers stand in for them) and one feed with no proxy. */
async function setup(t: TestContext) {
  const { client } = await proxyServer(t);
  const replicas: ReplicaInfo[] = [];
  const ports: Record<string, number> = {};
  for (const name of ['ledger-1', 'ledger-2']) {
    const echo = await echoServer(t);
    const { port } = await proxyTo(client, name, echo.port);
    ports[name] = port;
    replicas.push({
      name,
      service: 'ledger',
      pid: 0,
      port: echo.port,
      proxy: { name, listenPort: port },
      url: `http://127.0.0.1:${port}`,
      directUrl: `http://127.0.0.1:${echo.port}`,
      running: true,
      paused: false,
    });
  }
  replicas.push({ name: 'feed-1', service: 'feed', pid: 0, port: 1, url: 'http://127.0.0.1:1', directUrl: 'http://127.0.0.1:1', running: true, paused: false });
  const logs: string[] = [];
  const ctx: FaultContext = { toxiproxy: client, topology: topologyOf(replicas), discoveryUrl: '', seed: 1, log: (m) => logs.push(m) };
  return { client, ctx, ports, logs };
}

async function roundTrip(t: TestContext, port: number): Promise<number> {
  const socket = await connect(t, port);
  const started = performance.now();
  socket.write('ping');
  await receiveBytes(socket, 4, 5000);
  return performance.now() - started;
}

describe('network fault kinds', () => {
  test('params: toxic attributes plus stream and toxicity, with defaults; unknown params are errors', () => {
    assert.deepEqual(networkLatency.params.parse({ latency: 100 }), { latency: 100, jitter: 0, stream: 'downstream', toxicity: 1 });
    assert.deepEqual(networkSlicer.params.parse({ average_size: 64 }), { average_size: 64, size_variation: 0, delay: 0, stream: 'downstream', toxicity: 1 });
    assert.equal(networkLatency.params.safeParse({ latency: 100, jiter: 5 }).success, false);
    assert.equal(networkLatency.params.safeParse({ latency: -1 }).success, false);
    assert.equal(networkLatency.params.safeParse({ latency: 1, stream: 'both' }).success, false);
    assert.equal(networkLimitData.params.safeParse({ bytes: 10, toxicity: 2 }).success, false);
    assert.equal(networkDown.params.safeParse({ anything: 1 }).success, false);
    const kinds = networkFaultKinds.map((k) => k.kind);
    assert.deepEqual(kinds.sort(), [
      'network.bandwidth',
      'network.down',
      'network.latency',
      'network.limit_data',
      'network.reset_peer',
      'network.slicer',
      'network.slow_close',
      'network.timeout',
    ]);
  });

  test('network.latency adds a toxic named after the window on every target proxy; heal removes it', async (t) => {
    const { client, ctx, ports, logs } = await setup(t);
    const active = await networkLatency.apply(window('network.latency', 'ledger'), networkLatency.params.parse({ latency: 100 }), ctx);
    for (const name of ['ledger-1', 'ledger-2']) {
      const toxic = await (await client.get(name)).getToxic('slow-ledger');
      assert.deepEqual(toxic.toJson(), { attributes: { latency: 100, jitter: 0 }, name: 'slow-ledger', stream: 'downstream', toxicity: 1, type: 'latency' });
    }
    const slow = await roundTrip(t, ports['ledger-1']!);
    assert.ok(slow >= 90 && slow < 1000, `round trip during the fault: ${slow.toFixed(0)} ms`);
    await active.heal();
    for (const name of ['ledger-1', 'ledger-2']) {
      await assert.rejects((await client.get(name)).getToxic('slow-ledger'), /404/);
    }
    const fast = await roundTrip(t, ports['ledger-1']!);
    assert.ok(fast < 90, `round trip after healing: ${fast.toFixed(0)} ms`);
    assert.ok(logs.some((l) => l.includes('latency')));
  });

  test('every toxic kind applies to a replica and heals', async (t) => {
    const { client, ctx } = await setup(t);
    const minimal: Record<string, Record<string, unknown>> = {
      'network.latency': { latency: 5 },
      'network.bandwidth': { rate: 1000 },
      'network.slow_close': { delay: 5 },
      'network.timeout': { timeout: 0 },
      'network.reset_peer': { timeout: 5, stream: 'upstream' },
      'network.slicer': { average_size: 32 },
      'network.limit_data': { bytes: 1000, toxicity: 0.5 },
    };
    for (const [kind, params] of Object.entries(minimal)) {
      const fault = networkFaultKinds.find((k) => k.kind === kind)!;
      const active = await fault.apply(window(kind, 'ledger-2'), fault.params.parse(params), ctx);
      const toxic = await (await client.get('ledger-2')).getToxic('slow-ledger');
      assert.equal(toxic.type, kind.slice('network.'.length), kind);
      await active.heal();
      await assert.rejects((await client.get('ledger-2')).getToxic('slow-ledger'), /404/, kind);
    }
  });

  test('heal ignores a proxy that was removed (or recreated) meanwhile', async (t) => {
    const { client, ctx } = await setup(t);
    const active = await networkLatency.apply(window('network.latency', 'ledger'), networkLatency.params.parse({ latency: 10 }), ctx);
    await (await client.get('ledger-2')).remove();
    await active.heal();
    await assert.rejects((await client.get('ledger-1')).getToxic('slow-ledger'), /404/);
  });

  test('a target without a proxy is an error naming it; a failed apply leaves nothing behind', async (t) => {
    const { client, ctx } = await setup(t);
    await assert.rejects(networkLatency.apply(window('network.latency', 'feed-1'), networkLatency.params.parse({ latency: 10 }), ctx), /feed-1/);
    await (await client.get('ledger-2')).addToxic({ name: 'slow-ledger', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } });
    await assert.rejects(networkLatency.apply(window('network.latency', 'ledger'), networkLatency.params.parse({ latency: 10 }), ctx), /409/);
    await assert.rejects((await client.get('ledger-1')).getToxic('slow-ledger'), /404/, 'the toxic added on ledger-1 was rolled back');
  });

  test('network.down disables the proxies (connections refused) and heal enables them again', async (t) => {
    const { client, ctx, ports } = await setup(t);
    const active = await networkDown.apply(window('network.down', 'ledger-1'), {}, ctx);
    assert.equal((await client.get('ledger-1')).enabled, false);
    assert.equal((await client.get('ledger-2')).enabled, true);
    const refused = await within(
      new Promise<boolean>((resolve) => {
        const socket = net.connect(ports['ledger-1']!, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      }),
      5000,
      'a connection attempt',
    );
    assert.equal(refused, true);
    await active.heal();
    assert.equal((await client.get('ledger-1')).enabled, true);
    const ms = await roundTrip(t, ports['ledger-1']!);
    assert.ok(ms < 1000);
  });
});
