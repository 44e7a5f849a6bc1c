// Proxy figures for `npm run bench`: what the embedded Toxiproxy-compatible proxy costs on the data path,
// and how exact its latency and bandwidth toxics are. Three processes, as in a real run: this one drives
// load (autocannon, 50 connections), a child serves a tiny HTTP response, another child runs the proxy.
// Direct (A) and proxied (B) rounds alternate A B A B, so drift of the machine cancels out.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { Toxiproxy } from 'toxiproxy-node-client';
import { figure, type Figures } from './figure.ts';

const ROLE_ENV = 'FAULTLINE_BENCH_PROXY_ROLE';
const CONNECTIONS = 50;

interface RoundResult {
  rps: number;
  /** Response times in ms, as autocannon measured each one. */
  times: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

function merged(rounds: readonly RoundResult[]): number[] {
  return rounds.flatMap((r) => r.times).sort((a, b) => a - b);
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

async function loadRound(url: string, seconds: number): Promise<RoundResult> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx responses`);
  return { rps: result.requests.total / seconds, times };
}

/** One keep-alive GET; resolves with ms from send to the last byte, and the body size. */
function get(agent: http.Agent, url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ ms: performance.now() - started, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`${url} timed out`)));
  });
}

/**
 * `count` sequential requests to each URL, alternating (a, b, a, b...) so drift cancels; times in ms,
 * each list sorted. One keep-alive connection per URL, warmed first.
 */
async function alternating(a: string, b: string, count: number): Promise<{ a: number[]; b: number[] }> {
  const agents = [new http.Agent({ keepAlive: true, maxSockets: 1 }), new http.Agent({ keepAlive: true, maxSockets: 1 })] as const;
  try {
    await get(agents[0], a);
    await get(agents[1], b);
    const times = { a: [] as number[], b: [] as number[] };
    for (let i = 0; i < count; i++) {
      times.a.push((await get(agents[0], a)).ms);
      times.b.push((await get(agents[1], b)).ms);
    }
    times.a.sort((x, y) => x - y);
    times.b.sort((x, y) => x - y);
    return times;
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

function spawnRole(role: 'upstream' | 'proxy'): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [ROLE_ENV]: role },
    // FAULTLINE_BENCH_CPU_PROF=<dir> writes a CPU profile of each child (when a figure misses, look there first).
    execArgv: ['--import', 'tsx', ...(process.env.FAULTLINE_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FAULTLINE_BENCH_CPU_PROF}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${role} process did not start in 20 s`)), 20_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolve({ child, port: message.port });
    });
    child.once('exit', (code) => reject(new Error(`the ${role} process exited (${code}) before starting`)));
  });
}

/** CPU time (user + system, µs) a child has used so far. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no CPU reading from a bench child in 5 s')), 5000);
    child.once('message', (message: { cpu: number }) => {
      clearTimeout(timer);
      resolve(message.cpu);
    });
    child.send('cpu');
  });
}

const ownCpu = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export async function benchProxy(opts: { quick: boolean }): Promise<Figures> {
  const roundSeconds = opts.quick ? 1.5 : 5;
  const latencyRequests = opts.quick ? 25 : 150;
  const bandwidthBytes = opts.quick ? 150_000 : 1_000_000;
  const upstream = await spawnRole('upstream');
  const proxyProcess = await spawnRole('proxy').catch(async (err) => {
    await stop(upstream.child);
    throw err;
  });
  try {
    const toxiproxy = new Toxiproxy(`http://127.0.0.1:${proxyProcess.port}`);
    const proxy = await toxiproxy.createProxy({ name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` });
    const proxyPort = Number(proxy.listen.split(':').pop());
    const direct = `http://127.0.0.1:${upstream.port}/`;
    const proxied = `http://127.0.0.1:${proxyPort}/`;

    // Warm both paths (JIT, socket buffers), then alternate A B A B.
    await loadRound(direct, 1);
    await loadRound(proxied, 1);
    const a: RoundResult[] = [];
    const b: RoundResult[] = [];
    // CPU per request of each process, to say what limits the ratio on a small machine.
    const cpu = { driver: 0, server: 0, proxy: 0 };
    for (let i = 0; i < 2; i++) {
      const [driver0, server0] = [ownCpu(), await cpuOf(upstream.child)];
      a.push(await loadRound(direct, roundSeconds));
      cpu.driver += ownCpu() - driver0;
      cpu.server += (await cpuOf(upstream.child)) - server0;
      const proxy0 = await cpuOf(proxyProcess.child);
      b.push(await loadRound(proxied, roundSeconds));
      cpu.proxy += (await cpuOf(proxyProcess.child)) - proxy0;
    }
    const directRequests = a.reduce((n, r) => n + r.times.length, 0);
    const proxiedRequests = b.reduce((n, r) => n + r.times.length, 0);
    const perRequest = {
      driver: cpu.driver / directRequests,
      server: cpu.server / directRequests,
      proxy: cpu.proxy / proxiedRequests,
    };
    const directRps = mean(a.map((r) => r.rps));
    const proxiedRps = mean(b.map((r) => r.rps));
    const ratio = proxiedRps / directRps;
    const aTimes = merged(a);
    const bTimes = merged(b);
    const addedP50 = percentile(bTimes, 50) - percentile(aTimes, 50);
    const addedP99 = percentile(bTimes, 99) - percentile(aTimes, 99);

    // A 100 ms downstream latency toxic, sequential requests alternating with direct ones: the time each
    // delayed request took beyond a typical (median) direct one.
    const toxic = await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 0 } });
    const latency = await alternating(direct, proxied, latencyRequests);
    await toxic.remove();
    const base = percentile(latency.a, 50);
    const latencyP50 = percentile(latency.b, 50) - base;
    const latencyP99 = percentile(latency.b, 99) - base;

    // A large body through a 100 KB/s bandwidth toxic (1 KB = 1000 bytes, as Toxiproxy counts).
    const thin = await proxy.addToxic({ name: 'thin', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 100 } });
    const agent = new http.Agent({ keepAlive: false });
    const download = await get(agent, `http://127.0.0.1:${proxyPort}/bytes/${bandwidthBytes}`);
    agent.destroy();
    await thin.remove();
    const measuredKbps = download.bytes / download.ms; // bytes per ms == KB/s

    const within = (value: number, target: number, tolerance: number): boolean => Math.abs(value - target) <= tolerance;
    return {
      'proxy.direct_rps': figure(directRps, 'req/s', `reference (autocannon, ${CONNECTIONS} connections)`, directRps > 0),
      'proxy.proxied_rps': figure(proxiedRps, 'req/s', 'reference (same load through the proxy)', proxiedRps > 0),
      'proxy.ratio': figure(
        ratio,
        'x',
        '>= 0.9',
        ratio >= 0.9,
        `CPU per request: load driver ${perRequest.driver.toFixed(1)} µs, server ${perRequest.server.toFixed(1)} µs, proxy ${perRequest.proxy.toFixed(1)} µs; ${os.cpus().length} cores shared by all three`,
      ),
      'proxy.cpu_us_per_request': figure(perRequest.proxy, 'µs', 'reference (proxy process CPU per proxied request)', true),
      'proxy.added_p50_ms': figure(addedP50, 'ms', 'reference (p50 through the proxy minus direct)', true),
      'proxy.added_p99_ms': figure(addedP99, 'ms', '< 1', addedP99 < 1),
      'toxic.latency_100ms_added_p50_ms': figure(latencyP50, 'ms', '100 ± 5', within(latencyP50, 100, 5)),
      'toxic.latency_100ms_added_p99_ms': figure(latencyP99, 'ms', '100 ± 5', within(latencyP99, 100, 5)),
      'toxic.bandwidth_100kbps_measured_kbps': figure(measuredKbps, 'KB/s', '100 ± 5%', within(measuredKbps, 100, 5)),
    };
  } finally {
    await stop(proxyProcess.child);
    await stop(upstream.child);
  }
}

/**
 * The plain HTTP server's rate alone (autocannon, 50 connections; the same yardstick as proxy.direct_rps):
 * what this machine gives two busy processes right now. Another section divides by it, so figures of two
 * days (or two loads) can be compared. One warm-up second, then `rounds` rounds of `seconds`; the mean.
 */
export async function measureDirectRps(seconds: number, rounds = 1): Promise<number> {
  const upstream = await spawnRole('upstream');
  try {
    const url = `http://127.0.0.1:${upstream.port}/`;
    await loadRound(url, 1);
    const rates: number[] = [];
    for (let i = 0; i < rounds; i++) rates.push((await loadRound(url, seconds)).rps);
    return mean(rates);
  } finally {
    await stop(upstream.child);
  }
}

/** The child processes: a tiny HTTP server (`/` answers "ok", `/bytes/N` sends N bytes) or the proxy server. */
async function runRole(role: string): Promise<void> {
  const send = (port: number): void => {
    process.send?.({ port });
  };
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const usage = process.cpuUsage();
    process.send?.({ cpu: usage.user + usage.system });
  });
  process.on('SIGTERM', () => process.exit(0));
  if (role === 'proxy') {
    const { startProxyServer } = await import('../harness/proxy/server.ts');
    const server = await startProxyServer({ port: 0, seed: 1 });
    return send(server.port);
  }
  const body = Buffer.from('ok');
  const server = http.createServer((req, res) => {
    const match = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
    if (match) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': Number(match[1]) });
      return res.end(Buffer.alloc(Number(match[1]), 0x61));
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    send(typeof address === 'object' && address ? address.port : 0);
  });
}

const role = process.env[ROLE_ENV];
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && role) {
  await runRole(role);
} else if (isMain) {
  const figures = await benchProxy({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
