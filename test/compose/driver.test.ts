// The compose driver against a fake `docker` on PATH (the one mock allowed here: no Docker engine can run
// on these machines) and a stub of the HTTP control plane (Toxiproxy API, discovery admin, router snapshot).
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scenarioSchema } from '../../harness/scenario/schema.ts';
import { startComposeTopology, type ComposeTopologyOptions } from '../../harness/topology/compose.ts';
import { DockerCommandError, DockerUnavailableError } from '../../harness/topology/compose/docker.ts';
import { COMPOSE_DIR, COMPOSE_FILE } from '../../harness/topology/compose/stack.ts';
import type { RunningTopology } from '../../harness/topology/types.ts';
import { FAKE_CONTAINER_IP, installFakeDocker, subcommand, waitFor, type FakeDocker } from './fixtures/fake-docker.ts';
import { startStubControlPlane, type StubControlPlane } from './fixtures/stub-control-plane.ts';

const PROJECT = 'faultline-test';
const EXAMPLE_OVERRIDE = path.join(COMPOSE_DIR, 'docker-compose.override.example.yml');
const scenario = scenarioSchema.parse({ name: 'compose-driver', description: 'compose driver test' });
const container = (service: string): string => `${PROJECT}-${service}-1`;

describe('compose driver with a fake docker', () => {
  let fake: FakeDocker;
  let stub: StubControlPlane;
  const originalPath = process.env.PATH;
  const running: RunningTopology[] = [];

  const options = (extra: Partial<ComposeTopologyOptions> = {}): ComposeTopologyOptions => ({
    seed: 7,
    project: PROJECT,
    composeFiles: [COMPOSE_FILE],
    handleSignals: false,
    upTimeoutMs: 10_000,
    healthTimeoutMs: 5_000,
    ...extra,
  });
  const start = async (extra: Partial<ComposeTopologyOptions> = {}): Promise<RunningTopology> => {
    const topology = await startComposeTopology(scenario, options(extra));
    running.push(topology);
    return topology;
  };
  const subs = (): string[] => fake.calls().map((c) => subcommand(c).sub);
  const hasCall = (expected: string[]): boolean => fake.calls().some((c) => c.join(' ') === expected.join(' '));
  const posts = (url: string): unknown[] => stub.requests.filter((r) => r.method === 'POST' && r.url === url).map((r) => r.body);

  before(async () => {
    stub = await startStubControlPlane();
    fake = installFakeDocker({ port: stub.port });
    process.env.PATH = fake.path;
  });
  beforeEach(() => {
    fake.set({ port: stub.port });
    fake.clear();
    stub.requests.length = 0;
    stub.failPopulate = false;
  });
  afterEach(async () => {
    for (const topology of running.splice(0)) await topology.stop();
  });
  after(async () => {
    process.env.PATH = originalPath;
    fake.remove();
    await stub.close();
  });

  it('runs `compose up -d --wait` first and `compose down -v --remove-orphans` last, once', async () => {
    const topology = await start();
    const first = fake.calls()[0];
    assert.deepEqual(first?.slice(0, 5), ['compose', '-f', COMPOSE_FILE, '-p', PROJECT]);
    assert.deepEqual(subcommand(first ?? []), {
      sub: 'up',
      rest: ['-d', '--wait', 'toxiproxy', 'discovery', 'ledger-store', 'ledger-1', 'ledger-2', 'feed-1', 'card-processor-1', 'card-processor-2'],
    });
    assert.ok(!subs().includes('down'), 'no down while the stack runs');

    await topology.stop();
    await topology.stop();
    const calls = fake.calls();
    assert.deepEqual(subcommand(calls.at(-1) ?? []), { sub: 'down', rest: ['-v', '--remove-orphans'] });
    assert.equal(subs().filter((s) => s === 'down').length, 1, 'stop() twice runs down once');
    assert.equal(topology.mode, 'compose');
  });

  it('passes the scenario to compose as variables and populates the proxies, then registers replicas by container address', async () => {
    const topology = await start();
    assert.deepEqual(fake.records()[0]?.env, {
      FAULTLINE_SEED: '7',
      FAULTLINE_ACCOUNTS: '1000',
      FAULTLINE_ROUTER: 'hardened',
      FAULTLINE_CARD_PROCESSOR_DEFECTS: ',"drop_advices_percent":0,"idempotency_by_id_only":false',
      FAULTLINE_LEDGER_DEFECTS: ',"decline_holds_percent":0',
      FAULTLINE_LEDGER_STORE_DEFECTS: ',"idempotency":true',
      FAULTLINE_FEED_DEFECTS: ',"miss_events_percent":0',
      FAULTLINE_DISCOVERY_DEFECTS: '',
      FAULTLINE_TOXIPROXY_PORT: '',
      FAULTLINE_DISCOVERY_ADDR: 'toxiproxy:26301',
    });
    // Toxiproxy: version, populate with the six proxies, reset.
    const toxiproxyCalls = stub.requests.filter((r) => ['/version', '/populate', '/reset'].includes(r.url)).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(toxiproxyCalls, ['GET /version', 'POST /populate', 'POST /reset']);
    const populated = posts('/populate')[0] as { name: string; listen: string; upstream: string }[];
    assert.deepEqual(
      populated.map((p) => p.name).sort(),
      ['card-processor-1', 'card-processor-2', 'discovery', 'feed-1', 'ledger-1', 'ledger-2'],
    );
    assert.ok(populated.every((p) => p.listen.startsWith('0.0.0.0:') && p.upstream === `${p.name}:8080`));

    // Discovery: ledgers and the feed, through their proxies on the compose network.
    assert.deepEqual(
      posts('/__admin/register'),
      [
        { namespace: 'payments', service: 'ledger', replica: 'ledger-1', ip: FAKE_CONTAINER_IP, port: 26101 },
        { namespace: 'payments', service: 'ledger', replica: 'ledger-2', ip: FAKE_CONTAINER_IP, port: 26102 },
        { namespace: 'payments', service: 'feed', replica: 'feed-1', ip: FAKE_CONTAINER_IP, port: 26201 },
      ],
    );
    assert.ok(stub.requests.some((r) => r.url === '/__admin/router'), 'waits for the routers to resolve the ledger');
    // The real discovery plugin took them: the Endpoints object lists the proxy addresses.
    const endpoints = (await (await fetch(`${stub.url}/api/v1/namespaces/payments/endpoints/ledger`)).json()) as {
      subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[];
    };
    const listed = endpoints.subsets.flatMap((s) => s.addresses.flatMap((a) => s.ports.map((p) => `${a.ip}:${p.port}`))).sort();
    assert.deepEqual(listed, [`${FAKE_CONTAINER_IP}:26101`, `${FAKE_CONTAINER_IP}:26102`]);

    // The URLs the driver and checkers use: proxies published on 127.0.0.1, direct ports from `compose port`.
    assert.deepEqual(topology.urls.processors, ['http://127.0.0.1:26001', 'http://127.0.0.1:26002']);
    assert.deepEqual(topology.urls.ledgers, ['http://127.0.0.1:26101', 'http://127.0.0.1:26102']);
    assert.deepEqual(topology.urls.feeds, ['http://127.0.0.1:26201']);
    assert.equal(topology.urls.toxiproxy, stub.url);
    assert.equal(topology.urls.discovery, stub.url);
    assert.equal(topology.urls.ledgerStore, stub.url);
    assert.ok(hasCall(['compose', '-f', COMPOSE_FILE, '-p', PROJECT, 'port', 'toxiproxy', '8474']));
    assert.deepEqual(topology.resolveTarget('ledger').map((r) => r.name), ['ledger-1', 'ledger-2']);
    assert.throws(() => topology.resolveTarget('ledger-9'), /unknown target "ledger-9"/);
  });

  it('takes injected Toxiproxy and discovery URLs', async () => {
    const topology = await start({ toxiproxyUrl: stub.url, discoveryUrl: stub.url });
    assert.equal(topology.urls.toxiproxy, stub.url);
    assert.ok(!hasCall(['compose', '-f', COMPOSE_FILE, '-p', PROJECT, 'port', 'toxiproxy', '8474']), 'no lookup for an injected URL');
  });

  it('maps each process fault to a docker command on the replica container', async () => {
    const topology = await start();
    fake.clear();

    topology.signal('ledger-1', 'SIGKILL');
    await waitFor('docker kill -s SIGKILL', () => hasCall(['kill', '-s', 'SIGKILL', container('ledger-1')]));
    assert.equal(topology.resolveTarget('ledger-1')[0]?.running, false);
    assert.throws(() => topology.signal('ledger-1', 'SIGKILL'), /ledger-1 is not running/);

    topology.signal('ledger-2', 'SIGTERM');
    await waitFor('docker kill -s SIGTERM', () => hasCall(['kill', '-s', 'SIGTERM', container('ledger-2')]));

    topology.signal('card-processor-1', 'SIGSTOP');
    assert.equal(topology.resolveTarget('card-processor-1')[0]?.paused, true);
    await waitFor('docker pause', () => hasCall(['pause', container('card-processor-1')]));
    topology.signal('card-processor-1', 'SIGCONT');
    await waitFor('docker unpause', () => hasCall(['unpause', container('card-processor-1')]));
    assert.equal(topology.resolveTarget('card-processor-1')[0]?.paused, false);

    const restarted = await topology.restart('ledger-1', { newPort: false });
    assert.ok(hasCall(['restart', '-t', '0', container('ledger-1')]), 'docker restart');
    assert.equal(restarted.running, true);
    assert.equal(restarted.url, 'http://127.0.0.1:26101');

    // The order of the docker commands, as asked.
    const faultCalls = fake.calls().filter((c) => ['kill', 'pause', 'unpause', 'restart'].includes(c[0] ?? ''));
    assert.deepEqual(faultCalls, [
      ['kill', '-s', 'SIGKILL', container('ledger-1')],
      ['kill', '-s', 'SIGTERM', container('ledger-2')],
      ['pause', container('card-processor-1')],
      ['unpause', container('card-processor-1')],
      ['restart', '-t', '0', container('ledger-1')],
    ]);
  });

  it('restarts on a new port by moving the proxy to a spare published port and re-registering', async () => {
    const topology = await start();
    stub.requests.length = 0;
    const moved = await topology.restart('ledger-2', { newPort: true });
    assert.equal(moved.url, 'http://127.0.0.1:26400');
    assert.deepEqual(moved.proxy, { name: 'ledger-2', listenPort: 26400 });
    assert.deepEqual(
      stub.requests.filter((r) => r.url.startsWith('/proxies')).map((r) => `${r.method} ${r.url}`),
      ['GET /proxies/ledger-2', 'DELETE /proxies/ledger-2', 'POST /proxies'],
    );
    assert.deepEqual(posts('/proxies')[0], { name: 'ledger-2', listen: '0.0.0.0:26400', upstream: 'ledger-2:8080' });
    assert.deepEqual(posts('/__admin/register'), [{ namespace: 'payments', service: 'ledger', replica: 'ledger-2', ip: FAKE_CONTAINER_IP, port: 26400 }]);
  });

  it('terminates with and without deregistering first', async () => {
    const topology = await start();
    stub.requests.length = 0;
    fake.clear();
    await topology.terminate('ledger-1', { deregisterFirst: true, graceMs: 0 });
    assert.deepEqual(posts('/__admin/deregister'), [{ namespace: 'payments', service: 'ledger', replica: 'ledger-1' }]);
    assert.ok(hasCall(['kill', '-s', 'SIGTERM', container('ledger-1')]));

    stub.requests.length = 0;
    await topology.terminate('feed-1', { deregisterFirst: false });
    assert.ok(hasCall(['kill', '-s', 'SIGTERM', container('feed-1')]));
    // Deregistered only once the container has exited (`docker wait`).
    await waitFor('deregistration after exit', () => posts('/__admin/deregister').length === 1);
    assert.ok(hasCall(['wait', container('feed-1')]));
    assert.deepEqual(posts('/__admin/deregister'), [{ namespace: 'payments', service: 'feed', replica: 'feed-1' }]);
  });

  it('after a SIGTERM while registered, a restart lets the deregistration land before registering again', async () => {
    const topology = await start();
    stub.requests.length = 0;
    fake.clear();
    await topology.terminate('ledger-1', { deregisterFirst: false });
    const restarted = await topology.restart('ledger-1', { newPort: false });
    const admin = stub.requests.filter((r) => r.url === '/__admin/deregister' || r.url === '/__admin/register').map((r) => r.url);
    assert.deepEqual(admin, ['/__admin/deregister', '/__admin/register']);
    const docker = fake.calls().filter((c) => ['kill', 'wait', 'restart'].includes(c[0] ?? ''));
    assert.deepEqual(docker, [
      ['kill', '-s', 'SIGTERM', container('ledger-1')],
      ['wait', container('ledger-1')],
      ['restart', '-t', '0', container('ledger-1')],
    ]);
    assert.equal(restarted.runtime, 'container');
    assert.equal(topology.resolveTarget('feed-1')[0]?.runtime, 'container');
  });

  it('still brings the stack down when `up` fails', async () => {
    fake.set({ port: stub.port, fail: 'up' });
    await assert.rejects(start(), (err: Error) => {
      assert.ok(err instanceof DockerCommandError);
      assert.match(err.message, /compose .* up -d --wait .*failed with exit code 1/);
      assert.match(err.message, /is unhealthy/);
      return true;
    });
    assert.deepEqual(subs(), ['up', 'down']);
  });

  it('still brings the stack down when a later step throws', async () => {
    stub.failPopulate = true;
    await assert.rejects(start(), /status code 500/);
    assert.equal(subs()[0], 'up');
    assert.equal(subs().at(-1), 'down');
    assert.equal(subs().filter((s) => s === 'down').length, 1);
  });

  it('says clearly that the Docker daemon is not running, and points to the embedded mode', async () => {
    fake.set({ port: stub.port, daemonDown: true });
    await assert.rejects(start(), (err: Error) => {
      assert.ok(err instanceof DockerUnavailableError);
      assert.equal(err.reason, 'daemon-down');
      assert.match(err.message, /Cannot connect to the Docker daemon/);
      assert.match(err.message, /docker info/);
      assert.match(err.message, /--mode embedded/);
      return true;
    });
    // Docker could not start anything, so there is nothing to bring down.
    assert.deepEqual(subs(), ['up']);
  });

  it('says clearly that docker is missing from PATH, and points to the embedded mode', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'faultline-no-docker-'));
    process.env.PATH = empty;
    try {
      await assert.rejects(start(), (err: Error) => {
        assert.ok(err instanceof DockerUnavailableError);
        assert.equal(err.reason, 'missing');
        assert.match(err.message, /`docker` command was not found on PATH/);
        assert.match(err.message, /--mode embedded/);
        return true;
      });
    } finally {
      process.env.PATH = fake.path;
      rmSync(empty, { recursive: true, force: true });
    }
    assert.deepEqual(fake.calls(), []);
  });

  it('honours the override example: a replica replaced by an address is not started, its proxy points there', async () => {
    const withOverride = scenarioSchema.parse({ name: 'override', description: 'x', topology: { scaled_to_zero: ['ledger-archive'] } });
    const topology = await startComposeTopology(withOverride, options({ composeFiles: [COMPOSE_FILE, EXAMPLE_OVERRIDE] }));
    running.push(topology);
    const up = subcommand(fake.calls()[0] ?? []);
    assert.equal(up.sub, 'up');
    assert.ok(!up.rest.includes('feed-1'), 'no container for a replica replaced by an address');
    assert.ok(up.rest.includes('ledger-1'), 'a replica replaced by an image is still a container');
    assert.deepEqual(fake.calls()[0]?.slice(0, 7), ['compose', '-f', COMPOSE_FILE, '-f', EXAMPLE_OVERRIDE, '-p', PROJECT]);
    const populated = posts('/populate')[0] as { name: string; upstream: string }[];
    assert.equal(populated.find((p) => p.name === 'feed-1')?.upstream, 'host.docker.internal:9300');
    assert.deepEqual(topology.urls.feeds, ['http://127.0.0.1:26201']);
    assert.throws(() => topology.signal('feed-1', 'SIGKILL'), /feed-1 is replaced by host\.docker\.internal:9300/);
    await assert.rejects(topology.terminate('feed-1', { deregisterFirst: true }), /feed-1 is replaced by host\.docker\.internal:9300/);
    assert.ok(!posts('/__admin/deregister').length, 'a refused SIGTERM deregisters nothing');
    assert.equal(topology.resolveTarget('feed-1')[0]?.runtime, 'address');
    assert.deepEqual(posts('/__admin/services'), [{ namespace: 'payments', service: 'ledger-archive' }]);
  });

  it('refuses more replicas than the compose file defines before running docker', async () => {
    const big = scenarioSchema.parse({ name: 'too-big', description: 'x', topology: { processors: 3 } });
    await assert.rejects(startComposeTopology(big, options()), /topology\.processors is 3, but the compose files define 2 card-processor replica\(s\) \(card-processor-1, card-processor-2\)/);
    assert.deepEqual(fake.calls(), []);
  });
});
