// The replica table every topology shares, with replicas that are only addresses (no process: what a
// remote Toxiproxy's upstreams are, and what a service a team already runs will be).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddressRuntime } from '../../harness/topology/address-runtime.ts';
import { ReplicaTable } from '../../harness/topology/replica-table.ts';
import type { ServiceName } from '../../harness/topology/types.ts';

class TestError extends Error {}

function address(port: number): AddressRuntime {
  return new AddressRuntime({ directUrl: `http://127.0.0.1:${port}`, port, refuse: (action) => new TestError(`${action}: no process here`) });
}

function table(): ReplicaTable {
  const t = new ReplicaTable({ error: (message) => new TestError(message) });
  const add = (name: string, service: ServiceName, port: number, proxyPort: number | null, discoveryService: string | null = null) =>
    t.add({
      name,
      service,
      discoveryService,
      runtime: address(port),
      proxy: proxyPort === null ? null : { name, listenPort: proxyPort, url: `http://127.0.0.1:${proxyPort}` },
    });
  add('discovery', 'discovery', 9000, 9100);
  add('ledger-store', 'ledger-store', 9001, null);
  add('ledger-1', 'ledger', 9002, 9102, 'ledger');
  add('ledger-2', 'ledger', 9003, 9103, 'ledger');
  add('card-processor-1', 'card-processor', 9004, 9104);
  return t;
}

describe('replica table', () => {
  it('describes each replica: through its proxy when it has one, directly otherwise', () => {
    const t = table();
    const [ledger1] = t.replicas('ledger');
    assert.deepEqual(ledger1, {
      name: 'ledger-1',
      service: 'ledger',
      pid: 0,
      port: 9002,
      proxy: { name: 'ledger-1', listenPort: 9102 },
      url: 'http://127.0.0.1:9102',
      directUrl: 'http://127.0.0.1:9002',
      running: true,
      paused: false,
      runtime: 'address',
    });
    const store = t.resolveTarget('ledger-store')[0];
    assert.equal(store?.url, 'http://127.0.0.1:9001');
    assert.equal(store?.proxy, undefined);
  });

  it('resolves a replica by name, a service to all its replicas, and names an unknown target', () => {
    const t = table();
    assert.deepEqual(t.resolveTarget('ledger').map((r) => r.name), ['ledger-1', 'ledger-2']);
    assert.deepEqual(t.resolveTarget('ledger-2').map((r) => r.name), ['ledger-2']);
    assert.deepEqual(t.resolveTarget('discovery').map((r) => r.name), ['discovery']);
    assert.throws(() => t.resolveTarget('feed'), (err: Error) => err instanceof TestError && /unknown target "feed"; known: discovery, ledger-store, ledger, ledger-1/.test(err.message));
    assert.throws(() => t.get('feed-1'), /no replica named "feed-1"; known: discovery, ledger-store, ledger-1, ledger-2, card-processor-1/);
    assert.deepEqual(t.targetNames(), ['discovery', 'ledger-store', 'ledger', 'ledger-1', 'ledger-2', 'card-processor', 'card-processor-1']);
  });

  it('lists the scaled services’ URLs afresh, so a moved proxy shows at once', () => {
    const t = table();
    const urls = t.urls({ toxiproxy: 'http://127.0.0.1:8474', discovery: 'http://127.0.0.1:9000', ledgerStore: 'http://127.0.0.1:9001' });
    assert.deepEqual(urls.ledgers, ['http://127.0.0.1:9102', 'http://127.0.0.1:9103']);
    assert.deepEqual(urls.processors, ['http://127.0.0.1:9104']);
    assert.deepEqual(urls.feeds, []);
    t.get('ledger-2').proxy = { name: 'ledger-2', listenPort: 9200, url: 'http://127.0.0.1:9200' };
    assert.deepEqual(urls.ledgers, ['http://127.0.0.1:9102', 'http://127.0.0.1:9200']);
    assert.equal(urls.toxiproxy, 'http://127.0.0.1:8474');
  });

  it('takes a topology’s own message for an unknown target', () => {
    const t = new ReplicaTable({ error: (m) => new TestError(m), unknownTarget: (target, names) => `no proxy "${target}" among ${names.join(', ') || 'none'}` });
    assert.throws(() => t.resolveTarget('ledger'), /no proxy "ledger" among none/);
  });

  it('refuses process faults on a replica that is only an address, with the topology’s message', async () => {
    const runtime = address(9300);
    assert.match(runtime.refusal('restarting ledger-1')?.message ?? '', /restarting ledger-1: no process here/);
    assert.throws(() => runtime.signal('SIGKILL'), /sending SIGKILL: no process here/);
    await assert.rejects(runtime.restart(), /restarting: no process here/);
    await assert.rejects(runtime.terminate(), /terminating: no process here/);
  });
});
