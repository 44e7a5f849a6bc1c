// Bench: the pipeline itself on this machine.
//   startup.topology_ms            default topology (processor x2, ledger x2, store, feed, discovery) up and registered
//   pipeline.capacity_auth_per_s   closed model (autocannon, one instance per processor): the most issuer answers/s at >= 99.9% success
//   pipeline.p99_ms_at_half_capacity  open model at half that rate through the card network: authorization p99
//   fault.activation_p99_ms        from a fault's scheduled time to the first request it affects (latency toxic, 1,000 req/s)
//   driver.peak_rss_mb             the driver's RSS during a 1,000/s run of `baseline` through the real runner
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startEmbeddedTopology } from '../harness/topology/embedded.ts';
import { topologySchema, trafficSchema, networkSchema, type FaultWindow } from '../harness/scenario/schema.ts';
import { runClosedModel } from '../harness/traffic/closed-model.ts';
import { runOpenModel } from '../harness/traffic/open-model.ts';
import { planTraffic } from '../harness/traffic/generator.ts';
import { CardNetwork } from '../harness/traffic/card-network.ts';
import { HttpClient } from '../harness/traffic/http-client.ts';
import { LatencyHistogram } from '../harness/traffic/histogram.ts';
import { FaultTimeline } from '../harness/runner/fault-timeline.ts';
import { startProxyServer } from '../harness/proxy/server.ts';
import { seedAccounts } from '../services/common/accounts.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { applyOverrides } from '../harness/runner/overrides.ts';
import { runScenario } from '../harness/runner/run.ts';
import type { ReplicaInfo, TopologyControl } from '../harness/topology/types.ts';
import { figure, type Figures } from './figure.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const log = (line: string): void => {
  process.stderr.write(`  ${line}\n`);
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function benchStartup(quick: boolean): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    const t = await startEmbeddedTopology(topologySchema.parse({}), { seed: 1 });
    times.push(t.startupMs);
    await t.stop();
  }
  log(`startup: ${times.map((t) => Math.round(t)).join(', ')} ms`);
  return median(times);
}

async function benchCapacity(quick: boolean): Promise<{ capacity: number; p99AtHalf: number; levels: string }> {
  const spec = topologySchema.parse({});
  const topology = await startEmbeddedTopology(spec, { seed: 1 });
  const accounts = seedAccounts(1, spec.accounts);
  const traffic = trafficSchema.parse({});
  const seconds = quick ? 3 : 10;
  let capacity = 0;
  const levels: string[] = [];
  try {
    // Warm-up: JIT and connection pools.
    await Promise.all(topology.urls.processors.map((url, i) => runClosedModel({ url, seed: 100 + i, traffic, accounts, connections: 8, durationS: quick ? 1 : 2, idPrefix: `warm${i}` })));
    // Quick: only the two levels where this machine peaks.
    for (const perProcessor of quick ? [16, 32] : [8, 16, 32, 64]) {
      const results = await Promise.all(
        topology.urls.processors.map((url, i) =>
          runClosedModel({ url, seed: perProcessor * 10 + i, traffic, accounts, connections: perProcessor, durationS: seconds, idPrefix: `cap${perProcessor}x${i}` }),
        ),
      );
      const perS = results.reduce((s, r) => s + r.success_per_s, 0);
      const share = Math.min(...results.map((r) => r.success_share));
      levels.push(`${perProcessor * results.length} conns: ${Math.round(perS)}/s at ${(share * 100).toFixed(2)}%`);
      log(levels[levels.length - 1] as string);
      if (share >= 0.999 && perS > capacity) capacity = perS;
    }
    // Half capacity, open model, through the card network: p99 of authorizations from the intended send time.
    const rate = Math.max(50, Math.round(capacity / 2));
    const histogram = new LatencyHistogram();
    const network = new CardNetwork({
      processorUrls: topology.urls.processors,
      feedUrls: topology.urls.feeds,
      network: networkSchema.parse({ standin: { enabled: false, limit_per_card: 0 } }),
      onRecord: (r) => {
        if (r.kind === 'authorization' && !r.dropped) histogram.record(r.latency_ms);
      },
    });
    await runOpenModel({
      requests: planTraffic({ seed: 77, traffic: { ...traffic, rate, duration_s: seconds }, accounts }),
      send: (req, timing) => network.send(req, timing),
      onDrop: (req, timing) => void network.drop(req, timing),
      targetRate: rate,
      durationMs: seconds * 1000,
    });
    await network.close();
    const p99 = histogram.summary().p99;
    log(`half capacity ${rate}/s: p99 ${p99} ms`);
    return { capacity, p99AtHalf: p99, levels: levels.join('; ') };
  } finally {
    await topology.stop();
  }
}

/** A topology of one fast server behind one embedded proxy, for the fault-activation figure. */
async function benchActivation(quick: boolean): Promise<number> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const upstream = (server.address() as AddressInfo).port;
  const proxyServer = await startProxyServer({ port: 0, seed: 1 });
  const toxiproxy = new Toxiproxy(proxyServer.url);
  const proxy = await toxiproxy.createProxy({ name: 'fast-1', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
  const listenPort = Number(proxy.listen.split(':').pop());
  const replica: ReplicaInfo = {
    name: 'fast-1',
    service: 'ledger',
    pid: process.pid,
    port: upstream,
    proxy: { name: 'fast-1', listenPort },
    url: `http://127.0.0.1:${listenPort}`,
    directUrl: `http://127.0.0.1:${upstream}`,
    running: true,
    paused: false,
  };
  const unsupported = (): never => {
    throw new Error('not part of this bench');
  };
  const topology: TopologyControl = {
    replicas: () => [replica],
    resolveTarget: () => [replica],
    targetNames: () => ['fast-1'],
    signal: unsupported,
    terminate: unsupported,
    restart: unsupported,
    register: unsupported,
    deregister: unsupported,
    urls: { toxiproxy: proxyServer.url, discovery: '', ledgerStore: '', processors: [], feeds: [], ledgers: [] },
  };
  const windows: FaultWindow[] = [];
  const count = quick ? 3 : 20;
  for (let i = 0; i < count; i++) {
    windows.push({ name: `w${i}`, fault: 'network.latency', target: 'fast-1', start_s: 1 + i, end_s: 1.5 + i, params: { latency: 100, jitter: 0 } });
  }
  const timeline = new FaultTimeline(windows, { toxiproxy, topology, discoveryUrl: '', seed: 1, log: () => {} }, () => {});
  const client = new HttpClient([replica.url], { connections: 64 });
  const sends: Array<{ sent: number; latency: number }> = [];
  const rate = 1000;
  const durationMs = (count + 1) * 1000;
  const requests = (function* () {
    for (let i = 0; i < (durationMs * rate) / 1000; i++) yield { offset_ms: i };
  })();
  const t0 = performance.now() + 20;
  timeline.start(t0);
  await runOpenModel({
    requests,
    startAt: t0,
    targetRate: rate,
    send: async (_req, timing) => {
      const res = await client.get('/', 2000);
      sends.push({ sent: timing.sent_ms, latency: performance.now() - t0 - timing.sent_ms });
      return res;
    },
  });
  await timeline.healAll();
  await client.close();
  await proxyServer.close();
  server.close();
  const activations: number[] = [];
  for (const w of windows) {
    const scheduled = w.start_s * 1000;
    const first = sends.filter((s) => s.sent >= scheduled && s.latency >= 80).sort((a, b) => a.sent - b.sent)[0];
    if (first) activations.push(first.sent - scheduled);
  }
  activations.sort((a, b) => a - b);
  const p99 = activations[Math.min(activations.length - 1, Math.ceil(activations.length * 0.99) - 1)] ?? Infinity;
  log(`fault activation (ms): ${activations.map((a) => a.toFixed(1)).join(', ')}`);
  return p99;
}

async function benchDriverRss(quick: boolean): Promise<number> {
  const { scenario } = await loadScenario('baseline');
  const s = applyOverrides(scenario, { rate: 1000, duration: quick ? 6 : 60 });
  const out = await mkdtemp(path.join(os.tmpdir(), 'faultline-bench-rss-'));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  try {
    const { summary } = await runScenario(s, { out, progress: false, log: () => {} });
    log(`1000/s run: success ${(summary.authorizations.success_rate * 100).toFixed(2)}%, achieved ${summary.load.achieved_rate}/s, p99 ${summary.latency_ms.p99} ms`);
  } finally {
    clearInterval(timer);
    await rm(out, { recursive: true, force: true });
  }
  return peak / 2 ** 20;
}

export async function benchPipeline(opts: { quick: boolean }): Promise<Figures> {
  const quick = opts.quick;
  const startup = await benchStartup(quick);
  const { capacity, p99AtHalf, levels } = await benchCapacity(quick);
  const activation = await benchActivation(quick);
  const rss = await benchDriverRss(quick);
  return {
    'startup.topology_ms': figure(startup, 'ms', '< 2000', startup < 2000),
    'pipeline.capacity_auth_per_s': figure(capacity, 'auth/s', '>= 5000 (aim)', capacity >= 5000, levels),
    'pipeline.p99_ms_at_half_capacity': figure(p99AtHalf, 'ms', 'reported', true),
    'fault.activation_p99_ms': figure(activation, 'ms', '< 50', activation < 50),
    'driver.peak_rss_mb': figure(rss, 'MB', '< 300', rss < 300),
  };
}
