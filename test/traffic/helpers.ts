// Small real servers standing in for the processor and feed in traffic tests (port 0, closed after).
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { networkSchema, trafficSchema, type NetworkSpec, type TrafficSpec } from '../../harness/scenario/schema.ts';
import type { SendTiming } from '../../harness/traffic/load/open-model.ts';

export interface SeenRequest {
  method: string;
  url: string;
  body: unknown;
  at: number;
}

export type Handler = (req: SeenRequest, res: http.ServerResponse, raw: http.IncomingMessage) => void | Promise<void>;

export interface TestServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An issuer answer for an authorization body. */
export function decision(body: unknown, decisionValue: 'approved' | 'declined' = 'approved', attempts = 1): Record<string, unknown> {
  const b = (body ?? {}) as { id?: string; account_id?: string; amount?: unknown };
  return {
    id: b.id,
    decision: decisionValue,
    reason: decisionValue === 'approved' ? 'ok' : 'insufficient_funds',
    account_id: b.account_id,
    amount: b.amount,
    replayed: false,
    ledger_attempts: attempts,
  };
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const entry: SeenRequest = { method: req.method ?? '', url: req.url ?? '', body, at: performance.now() };
      seen.push(entry);
      // A handler that throws answers 500 (a stray request from a parallel test that reused the port
      // must not crash this one).
      const fail = (err: unknown): void => {
        if (!res.headersSent) json(res, 500, { error: String(err) });
      };
      try {
        Promise.resolve(handler(entry, res, req)).catch(fail);
      } catch (err) {
        fail(err);
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export const traffic = (over: Partial<TrafficSpec> = {}): TrafficSpec => trafficSchema.parse({ ...over });

export const network = (over: Record<string, unknown> = {}): NetworkSpec => networkSchema.parse(over);

/** A SendTiming for a request sent now, as if intended now. */
export function nowTiming(start: number = performance.now()): SendTiming {
  const now = performance.now();
  return { intended_ms: now - start, sent_ms: now - start, late: false, intended_at: now };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Rejects after ms: race it against anything that could hang. */
export function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
