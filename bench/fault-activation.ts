// Bench: fault activation. One fast HTTP server behind one embedded fault proxy, 1,000 req/s through it
// (open model), and a timeline of 100 ms latency windows (0.5 s each, one per second). For each window:
// from its scheduled start to the first request sent in the window that took ≥ 80 ms (the toxic's mark).
// A window with no such request before its scheduled end never took effect and counts as infinite.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { FaultWindow } from '../harness/scenario/schema.ts';
import { runOpenModel } from '../harness/traffic/load/open-model.ts';
import { HttpClient } from '../harness/traffic/card-network/http-client.ts';
import { FaultTimeline } from '../harness/runner/fault-timeline.ts';
import { startProxyServer } from '../harness/proxy/server.ts';
import type { ReplicaInfo, TopologyControl } from '../harness/topology/types.ts';
import { scoreActivations, type ActivationScore, type ObservedSend } from './activation-score.ts';

/** The toxic adds 100 ms; a request this slow was affected by it (an unfaulted one takes ~1 ms). */
const TOXIC_LATENCY_MS = 100;
const AFFECTED_MS = 80;
const RATE = 1000;

export async function measureActivation(windowCount: number): Promise<ActivationScore> {
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
  for (let i = 0; i < windowCount; i++) {
    windows.push({ name: `w${i}`, fault: 'network.latency', target: 'fast-1', start_s: 1 + i, end_s: 1.5 + i, params: { latency: TOXIC_LATENCY_MS, jitter: 0 } });
  }
  const timeline = new FaultTimeline(windows, { toxiproxy, topology, discoveryUrl: '', seed: 1, log: () => {} }, () => {});
  const client = new HttpClient([replica.url], { connections: 64 });
  const sends: ObservedSend[] = [];
  const durationMs = (windowCount + 1) * 1000;
  const requests = (function* () {
    for (let i = 0; i < (durationMs * RATE) / 1000; i++) yield { offset_ms: (i * 1000) / RATE };
  })();
  const t0 = performance.now() + 20;
  try {
    timeline.start(t0);
    await runOpenModel({
      requests,
      startAt: t0,
      targetRate: RATE,
      send: async (_req, timing) => {
        const res = await client.get('/', 2000);
        sends.push({ sent_ms: timing.sent_ms, affected: performance.now() - t0 - timing.sent_ms >= AFFECTED_MS });
        return res;
      },
    });
  } finally {
    await timeline.healAll();
    await client.close();
    await proxyServer.close();
    server.close();
  }
  return scoreActivations(
    windows.map((w) => ({ name: w.name, start_ms: w.start_s * 1000, end_ms: w.end_s * 1000 })),
    sends,
  );
}
