// The embedded Toxiproxy-compatible server: the HTTP API on loopback (default 127.0.0.1:8474) and the
// proxies it creates. startProxyServer({ port: 0 }) binds an ephemeral port; close() stops every proxy.
import http from 'node:http';
import { formatHostPort, isLoopback } from './addresses.ts';
import { createApiHandler } from './api.ts';
import { ProxyCollection } from './proxy-collection.ts';

export interface ProxyServer {
  /** Base URL for Toxiproxy clients, e.g. http://127.0.0.1:8474. */
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

export interface ProxyServerOptions {
  /** Loopback only: 127.0.0.1 (default), localhost or ::1. */
  host?: string;
  /** Default 8474 (Toxiproxy's); 0 = ephemeral. */
  port?: number;
  /** Seeds every toxicity draw and toxic's random source, so a run replays. */
  seed?: number;
}

export async function startProxyServer(opts: ProxyServerOptions = {}): Promise<ProxyServer> {
  const host = opts.host === undefined || opts.host === 'localhost' ? '127.0.0.1' : opts.host;
  if (!isLoopback(host)) throw new Error(`the proxy API listens on loopback only; "${opts.host}" is not a loopback address`);
  const proxies = new ProxyCollection(opts.seed ?? 0);
  const server = http.createServer(createApiHandler(proxies));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: opts.port ?? 8474 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${formatHostPort({ host, port })}`,
    port,
    host,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await proxies.clear();
        await stopped;
      })();
      return closing;
    },
  };
}
