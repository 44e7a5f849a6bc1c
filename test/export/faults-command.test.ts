// `faultline faults` against the embedded Toxiproxy-compatible server standing in for a remote Toxiproxy:
// a network.latency window puts its toxic on every ledger proxy during the window and takes it off after;
// faults that cannot run remotely are refused (exit 2) naming each, before anything starts; Ctrl-C heals.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Toxiproxy } from 'toxiproxy-node-client';
import { faultsCommand } from '../../harness/cli/commands/faults.ts';
import { UsageError } from '../../harness/cli/exit-codes.ts';
import { main } from '../../harness/cli/main.ts';
import { startProxyServer, type ProxyServer } from '../../harness/proxy/server.ts';
import { connectRemoteTopology } from '../../harness/topology/remote.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROXIES = ['ledger-1', 'ledger-2'];

interface Sample {
  /** performance.now() when the answer arrived. */
  at: number;
  startedAt: number;
  toxics: Record<string, string[]>;
}

/** Runs the CLI in-process, capturing what it writes to stderr. */
async function cli(argv: string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr: chunks.join('') };
  } finally {
    process.stderr.write = write;
  }
}

function scenarioFile(dir: string, name: string, faults: unknown[]): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  const scenario = { name, description: `test scenario ${name}`, traffic: { duration_s: 30 }, faults };
  return writeFile(file, JSON.stringify(scenario, null, 2)).then(() => file);
}

const latencyWindow = (start_s: number, end_s: number) => ({
  name: 'slow-ledger',
  fault: 'network.latency',
  target: 'ledger',
  start_s,
  end_s,
  params: { latency: 100, jitter: 10 },
});

describe('faultline faults against a Toxiproxy API', () => {
  let server: ProxyServer;
  let client: Toxiproxy;
  let upstream: net.Server;
  let dir = '';

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-faults-'));
    upstream = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    server = await startProxyServer({ port: 0 });
    client = new Toxiproxy(server.url);
    const port = (upstream.address() as AddressInfo).port;
    for (const name of PROXIES) await client.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${port}` });
  });

  /** The toxics of a proxy, read from the API itself (the client's Proxy objects do not keep them). */
  const toxicsOf = async (proxy: string): Promise<Array<{ name: string; type: string }>> => {
    const res = await fetch(`${server.url}/proxies/${proxy}/toxics`, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    return (await res.json()) as Array<{ name: string; type: string }>;
  };

  const toxicsNow = async (): Promise<Record<string, string[]>> => {
    const entries = await Promise.all(PROXIES.map(async (name) => [name, (await toxicsOf(name)).map((t) => `${t.name}:${t.type}`)] as const));
    return Object.fromEntries(entries);
  };

  beforeEach(async () => {
    // Every test starts from proxies without toxics.
    for (const name of PROXIES) {
      for (const toxic of await toxicsOf(name)) {
        await fetch(`${server.url}/proxies/${name}/toxics/${toxic.name}`, { method: 'DELETE', signal: AbortSignal.timeout(5000) });
      }
    }
  });

  after(async () => {
    await server?.close();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the remote topology: replicas are proxies, a service is its -N proxies, processes are out of reach', async () => {
    const topology = await connectRemoteTopology(server.url);
    assert.deepEqual(topology.resolveTarget('ledger').map((r) => r.name), ['ledger-1', 'ledger-2']);
    assert.deepEqual(topology.resolveTarget('ledger-2').map((r) => r.proxy?.name), ['ledger-2']);
    assert.throws(() => topology.resolveTarget('feed'), /unknown target "feed".*no proxy named "feed" or "feed-N".*ledger-1, ledger-2/);
    assert.throws(() => topology.signal('ledger-1', 'SIGKILL'), /not supported against a remote Toxiproxy/);
    await assert.rejects(topology.restart('ledger-1', { newPort: true }), /not supported against a remote Toxiproxy/);
    await assert.rejects(topology.terminate('ledger-1', { deregisterFirst: false }), /not supported against a remote Toxiproxy/);
  });

  test('a network.latency window from 0.5 s to 1.5 s: the toxic is on both ledger proxies during it and gone after', { timeout: 30_000 }, async () => {
    const file = await scenarioFile(dir, 'remote-latency', [latencyWindow(0.5, 1.5)]);
    const lines: Array<{ at: number; line: string }> = [];
    const samples: Sample[] = [];
    let done = false;
    const sampling = (async () => {
      while (!done) {
        const startedAt = performance.now();
        const toxics = await toxicsNow();
        samples.push({ startedAt, at: performance.now(), toxics });
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const code = await faultsCommand(file, { toxiproxy: server.url }, (line) => lines.push({ at: performance.now(), line }));
    done = true;
    await sampling;

    assert.equal(code, 0, lines.map((l) => l.line).join('\n'));
    const t0 = lines.find((l) => l.line.includes('t=0 is'))?.at;
    const applied = lines.find((l) => /fault slow-ledger .* took effect at/.test(l.line));
    const healed = lines.find((l) => /fault slow-ledger healed at/.test(l.line));
    assert.ok(t0 !== undefined && applied && healed, `expected start, took-effect and healed lines:\n${lines.map((l) => l.line).join('\n')}`);
    const appliedS = Number(/took effect at ([0-9.]+)s/.exec(applied.line)?.[1]);
    const healedS = Number(/healed at ([0-9.]+)s/.exec(healed.line)?.[1]);
    assert.ok(appliedS >= 0.5 && appliedS < 1.2, `took effect at ${appliedS} s`);
    assert.ok(healedS >= 1.5 && healedS < 2.5, `healed at ${healedS} s`);

    const both = (s: Sample): boolean => PROXIES.every((p) => s.toxics[p]?.includes('slow-ledger:latency'));
    const none = (s: Sample): boolean => PROXIES.every((p) => (s.toxics[p] ?? []).length === 0);
    // Before the window (answered well before 0.5 s): no toxic. During it: on both proxies. After the heal: none.
    const earlier = samples.filter((s) => s.at < t0 + 400);
    assert.ok(earlier.every(none), 'no toxic before the window');
    assert.ok(samples.filter((s) => s.startedAt > applied.at && s.at < t0 + 1400).some(both), 'the toxic on both ledger proxies during the window');
    assert.ok(samples.filter((s) => s.startedAt > healed.at).every(none), 'no toxic after the heal');
    assert.deepEqual(await toxicsNow(), { 'ledger-1': [], 'ledger-2': [] });
  });

  test('faults that cannot run remotely are refused before anything starts, each named (exit 2)', { timeout: 30_000 }, async () => {
    const file = await scenarioFile(dir, 'remote-refused', [
      latencyWindow(1, 5),
      { name: 'kill-ledger', fault: 'process.kill', target: 'ledger-1', start_s: 1, end_s: 5 },
      { name: 'abort-ledger', fault: 'http.abort', target: 'ledger', start_s: 1, end_s: 5 },
      { name: 'mesh-restart', fault: 'router.restart', target: 'card-processor', start_s: 1, end_s: 5 },
      { name: 'null-ledger', fault: 'discovery.null_subsets', target: 'ledger', start_s: 1, end_s: 5 },
    ]);
    const lines: string[] = [];
    await assert.rejects(faultsCommand(file, { toxiproxy: server.url }, (l) => lines.push(l)), (err: unknown) => {
      assert.ok(err instanceof UsageError, String(err));
      for (const name of ['kill-ledger', 'abort-ledger', 'mesh-restart', 'null-ledger']) assert.match(err.message, new RegExp(`${name} \\(`));
      assert.doesNotMatch(err.message, /slow-ledger/);
      assert.match(err.message, /--discovery/);
      return true;
    });
    assert.deepEqual(lines, [], 'nothing started');
    assert.deepEqual(await toxicsNow(), { 'ledger-1': [], 'ledger-2': [] });

    // Through the CLI: exit 2, the refusal on stderr.
    const processOnly = await scenarioFile(dir, 'remote-process', [{ name: 'kill-ledger', fault: 'process.kill', target: 'ledger-1', start_s: 1, end_s: 5 }]);
    const { code, stderr } = await cli(['faults', processOnly, '--toxiproxy', server.url]);
    assert.equal(code, 2);
    assert.match(stderr, /kill-ledger \(process\.kill on ledger-1, 1–5 s\): needs control of the service processes/);
  });

  test('a network fault on a target with no proxy is refused (exit 2), naming it', async () => {
    const file = await scenarioFile(dir, 'remote-missing', [{ ...latencyWindow(1, 2), name: 'slow-feed', target: 'feed' }]);
    await assert.rejects(faultsCommand(file, { toxiproxy: server.url }, () => {}), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /slow-feed .*unknown target "feed"/);
      return true;
    });
  });

  test('with --discovery, discovery faults are accepted; an unreachable Toxiproxy is a harness error', async () => {
    const file = await scenarioFile(dir, 'remote-unreachable', [{ name: 'null-ledger', fault: 'discovery.null_subsets', target: 'ledger', start_s: 1, end_s: 2 }]);
    // Port 9 on loopback: nothing listens.
    await assert.rejects(
      faultsCommand(file, { toxiproxy: 'http://127.0.0.1:9', discovery: 'http://127.0.0.1:9' }, () => {}),
      (err: unknown) => !(err instanceof UsageError) && /cannot list the proxies/.test((err as Error).message),
    );
    const bad = await cli(['faults', file, '--toxiproxy', 'not a url']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--toxiproxy must be an http\(s\) URL/);
  });

  test('Ctrl-C (SIGINT) while a fault is active heals it and exits', { timeout: 60_000 }, async () => {
    const file = await scenarioFile(dir, 'remote-interrupt', [latencyWindow(0.2, 25)]);
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/faultline.js'), 'faults', file, '--toxiproxy', server.url], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const until = performance.now() + 30_000;
      while (!/took effect/.test(stdout)) {
        assert.ok(performance.now() < until, `the fault never took effect:\n${stdout}`);
        assert.equal(child.exitCode, null, `exited early:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(await toxicsNow(), { 'ledger-1': ['slow-ledger:latency'], 'ledger-2': ['slow-ledger:latency'] });
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const [code] = await exited;
      clearTimeout(timer);
      assert.equal(code, 130, stdout);
      assert.match(stdout, /healed/);
      assert.match(stdout, /interrupted/);
      assert.deepEqual(await toxicsNow(), { 'ledger-1': [], 'ledger-2': [] });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
