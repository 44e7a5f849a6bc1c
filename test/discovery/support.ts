// Test helpers for the discovery stub: start one on a real loopback port, call its admin API, and read
// a watch stream line by line with bounded waits.
import http from 'node:http';
import { createDiscoveryApp, type DiscoveryOptions } from '../../services/discovery/plugin.ts';
import type { EndpointSlice, Endpoints, WatchEvent } from '../../services/discovery/contract.ts';

export interface RunningDiscovery {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startDiscovery(options: DiscoveryOptions = {}): Promise<RunningDiscovery> {
  const { app } = await createDiscoveryApp(options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, port, close: () => app.close() };
}

export interface JsonAnswer {
  status: number;
  body: unknown;
}

export async function call(url: string, method: string, path: string, body?: unknown, timeoutMs = 5000): Promise<JsonAnswer> {
  const res = await fetch(url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

export async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await call(url, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export const register = (url: string, service: string, replica: string, port: number): Promise<unknown> =>
  admin(url, 'POST', '/__admin/register', { service, replica, port });
export const deregister = (url: string, service: string, replica: string): Promise<unknown> =>
  admin(url, 'POST', '/__admin/deregister', { service, replica });

export interface TimedEvent {
  at: number;
  event: WatchEvent;
}

/** A watch read over a real socket. */
export class WatchReader {
  readonly events: TimedEvent[] = [];
  status = 0;
  ended = false;
  private readonly waiters = new Set<() => void>();
  private readonly req: http.ClientRequest;
  private readonly opened: Promise<void>;

  constructor(url: string, path: string) {
    let buffer = '';
    let opened!: () => void;
    let failed!: (err: Error) => void;
    this.opened = new Promise<void>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    this.opened.catch(() => undefined);
    this.req = http.get(url + path, (res) => {
      this.status = res.statusCode ?? 0;
      opened();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i: number;
        while ((i = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          if (line) this.events.push({ at: performance.now(), event: JSON.parse(line) as WatchEvent });
        }
        this.wake();
      });
      res.on('end', () => {
        this.ended = true;
        this.wake();
      });
      res.on('error', () => undefined);
    });
    this.req.on('error', (err) => {
      this.ended = true;
      failed(err);
      this.wake();
    });
  }

  open(timeoutMs = 3000): Promise<void> {
    return withTimeout(this.opened, timeoutMs, 'watch did not open');
  }

  /** Non-bookmark events. */
  changes(): WatchEvent[] {
    return this.events.filter((e) => e.event.type !== 'BOOKMARK').map((e) => e.event);
  }

  /** Waits until an event after index `from` matches. */
  async next(predicate: (e: WatchEvent) => boolean, timeoutMs = 3000, from = 0): Promise<TimedEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find((e) => predicate(e.event));
      if (found) return found;
      if (this.ended) throw new Error('watch ended before the event came');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching watch event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.event.type))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  close(): void {
    this.req.destroy();
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${message} (after ${ms} ms)`)), ms);
    promise.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns true, or throws after timeoutMs. */
export async function eventually(fn: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 25): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await fn()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/**
 * What a service's endpoints say, the same way from either API: one `replica@ip:port/name ready|not-ready`
 * line per address and port, sorted; `null` when the object says null (subsets: null / endpoints: null).
 */
export type EndpointsView = string[] | null;

export function viewOfEndpoints(ep: Endpoints): EndpointsView {
  if (ep.subsets === null) return null;
  const out: string[] = [];
  for (const s of ep.subsets) {
    for (const [addresses, ready] of [
      [s.addresses ?? [], 'ready'],
      [s.notReadyAddresses ?? [], 'not-ready'],
    ] as const) {
      for (const a of addresses) for (const p of s.ports ?? []) out.push(`${a.targetRef?.name ?? '?'}@${a.ip}:${p.port}/${p.name ?? ''} ${ready}`);
    }
  }
  return out.sort();
}

export function viewOfSlices(slices: EndpointSlice[]): EndpointsView {
  if (slices.length > 0 && slices.every((s) => s.endpoints === null)) return null;
  const out: string[] = [];
  for (const s of slices) {
    for (const e of s.endpoints ?? []) {
      for (const ip of e.addresses) for (const p of s.ports ?? []) out.push(`${e.targetRef?.name ?? '?'}@${ip}:${p.port}/${p.name ?? ''} ${e.conditions.ready ? 'ready' : 'not-ready'}`);
    }
  }
  return out.sort();
}
