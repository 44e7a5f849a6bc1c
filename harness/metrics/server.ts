// The scrape endpoint: GET (or HEAD) /metrics on 127.0.0.1:<port> answers the registry in the Prometheus
// text format, with the registry's own Content-Type; any other path is 404, any other method on /metrics
// 405. Port 0 picks a free port. A port already taken is a MetricsPortError naming it, raised before
// anything else starts. close() frees the port at once (open keep-alive connections are closed too).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';
const HOST = '127.0.0.1';
/** How long close() lets a response under way finish before it cuts the connection. */
const CLOSE_GRACE_MS = 1000;

export class MetricsPortError extends Error {
  override name = 'MetricsPortError';
}

export interface MetricsServer {
  readonly port: number;
  /** http://127.0.0.1:<port>/metrics */
  readonly url: string;
  /** Scrapes answered so far. */
  readonly scrapes: number;
  /** How many scrapes have started so far: a mark for nextScrape's `since`. */
  readonly mark: number;
  /**
   * Resolves true once a scrape that started after `since` (a mark; default: now) has been answered, false
   * when `timeoutMs` passed, `signal` aborted or the server closed first.
   */
  nextScrape(options: { timeoutMs: number; signal?: AbortSignal; since?: number }): Promise<boolean>;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  port: number;
  registry: Registry;
  /** Called before each scrape reads the registry (e.g. to hand over tallied counts). */
  beforeScrape?: () => void;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry } = options;
  let scrapes = 0;
  let started = 0;
  /** The start number of the latest scrape answered. */
  let answered = 0;
  const waiting = new Map<(scraped: boolean) => void, number>();

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH) return plain(res, 404, `not found: ${path} (metrics are at ${METRICS_PATH})\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, `method ${req.method ?? ''} not allowed on ${METRICS_PATH}: use GET\n`);
    }
    const number = ++started;
    let body: string;
    try {
      options.beforeScrape?.();
      body = await registry.metrics();
    } catch (err) {
      return plain(res, 500, `collecting the metrics failed: ${(err as Error).message}\n`);
    }
    res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body, () => {
      scrapes++;
      answered = Math.max(answered, number);
      for (const [done, since] of waiting) if (number > since) done(true);
    });
  };

  const server = createServer((req, res) => {
    req.resume(); // a body (there should be none) is read and dropped, never kept
    void answer(req, res);
  });
  // Scrapers are on this machine: a request that is slow to arrive is cut, not waited for.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 30_000;
  server.maxHeadersCount = 100;

  try {
    server.listen(options.port, HOST);
    await once(server, 'listening');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'may not be bound by this user' : `cannot be bound (${(err as Error).message})`;
    throw new MetricsPortError(`--metrics-port ${options.port}: ${HOST}:${options.port} ${reason}; choose another port, or 0 for a free one`);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  let closed: Promise<void> | null = null;
  return {
    port,
    url: `http://${HOST}:${port}${METRICS_PATH}`,
    get scrapes() {
      return scrapes;
    },
    get mark() {
      return started;
    },
    nextScrape({ timeoutMs, signal, since = started }) {
      return new Promise<boolean>((resolve) => {
        if (answered > since) return resolve(true);
        const finish = (value: boolean): void => {
          clearTimeout(timer);
          waiting.delete(onScrape);
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        };
        const onScrape = (scraped: boolean): void => finish(scraped);
        const onAbort = (): void => finish(false);
        const timer = setTimeout(() => finish(false), timeoutMs);
        if (signal?.aborted) return finish(false);
        waiting.set(onScrape, since);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const done of waiting.keys()) done(false);
        // A scrape being answered is let finish (at most CLOSE_GRACE_MS); idle keep-alive connections go now.
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
