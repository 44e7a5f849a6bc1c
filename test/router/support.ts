// Router test scenes: tiny real HTTP upstreams (each answers JSON naming itself, counts hits, and can be
// told to answer a status or to be slow) registered in a real discovery stub.
import http from 'node:http';
import { startDiscovery, register, type RunningDiscovery } from '../discovery/support.ts';
import type { Router } from '../../services/router/index.ts';

export interface Upstream {
  name: string;
  port: number;
  hits: number;
  /** Answer this status instead of 200. */
  status: number;
  /** Wait this long before answering. */
  delayMs: number;
  /** Answer this body instead of the echo. */
  reply?: unknown;
  close(): Promise<void>;
}

export async function startUpstream(name: string): Promise<Upstream> {
  const sockets = new Set<import('node:net').Socket>();
  const upstream: Upstream = { name, port: 0, hits: 0, status: 200, delayMs: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    upstream.hits++;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const answer = (): void => {
        const payload = JSON.stringify(
          upstream.reply !== undefined ? upstream.reply : { upstream: name, method: req.method, path: req.url, body: body ? (JSON.parse(body) as unknown) : null },
        );
        res.writeHead(upstream.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      };
      if (upstream.delayMs > 0) setTimeout(answer, upstream.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  upstream.port = typeof address === 'object' && address ? address.port : 0;
  upstream.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return upstream;
}

/** A discovery stub with services registered, plus the upstreams behind them. */
export interface Scene {
  discovery: RunningDiscovery;
  upstreams: Map<string, Upstream>;
  routers: Router[];
  close(): Promise<void>;
}

/** services: { ledger: ['ledger-1', 'ledger-2'], feed: ['feed-1'] } — each replica its own upstream. */
export async function startScene(services: Record<string, string[]>, options: { bookmarkMs?: number } = {}): Promise<Scene> {
  const discovery = await startDiscovery({ bookmarkMs: options.bookmarkMs ?? 200 });
  const upstreams = new Map<string, Upstream>();
  for (const [service, replicas] of Object.entries(services)) {
    for (const replica of replicas) {
      const u = await startUpstream(replica);
      upstreams.set(replica, u);
      await register(discovery.url, service, replica, u.port);
    }
  }
  const scene: Scene = {
    discovery,
    upstreams,
    routers: [],
    close: async () => {
      await Promise.all(scene.routers.map((r) => r.close()));
      await Promise.all([...upstreams.values()].map((u) => u.close()));
      await discovery.close();
    },
  };
  return scene;
}
