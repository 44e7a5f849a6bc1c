// Waiting for a replacement to come up: GET its health route until it answers 200, within a bound, and
// say what it answered last when it never did. Also where a replica's port comes from when faultline
// picks it for a process it does not write (a user's command is told its port in PORT). Requests go
// through node:http, not fetch, which refuses some ports a user's service may well listen on (6000, 6667…).
import http from 'node:http';
import net from 'node:net';
import { sleep } from './replica.ts';

export interface HealthWait {
  /** The full URL of the health route, e.g. http://127.0.0.1:40123/health. */
  url: string;
  timeoutMs: number;
  pollMs?: number;
  /** Stops waiting (the process exited, or announced itself ready another way). */
  cancel?: AbortSignal;
}

export type HealthResult = { healthy: true } | { healthy: false; last: string };

/** Polls `url` until it answers 200, the bound passes, or `cancel` fires; never rejects. */
export async function waitForHealth(w: HealthWait): Promise<HealthResult> {
  const until = Date.now() + w.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (w.cancel?.aborted) return { healthy: false, last: 'cancelled' };
    const left = until - Date.now();
    if (left <= 0) return { healthy: false, last };
    try {
      const status = await httpStatus(w.url, Math.max(50, Math.min(1000, left)));
      if (status === 200) return { healthy: true };
      last = `answered ${status}`;
    } catch (err) {
      last = describeError(err);
    }
    await sleep(Math.min(w.pollMs ?? 100, Math.max(0, until - Date.now())));
  }
}

function describeError(err: unknown): string {
  if ((err as { code?: string }).code === 'ECONNREFUSED') return 'connection refused';
  return (err as Error).message;
}

/** A health or admin answer is a few bytes of JSON: a larger body is not an answer to wait for. */
export const MAX_STATUS_BODY = 64 * 1024;

/**
 * The status of GET `url` once its whole answer has arrived (no keep-alive; the body is read, at most
 * MAX_STATUS_BODY, and discarded). `timeoutMs` bounds the whole exchange, body included: an answer whose
 * body never ends (or never stops) is no answer. Rejects on a connection error, an oversized body, or the
 * deadline, saying which.
 */
export function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let settled = false;
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (err) reject(err);
      else resolve(status);
    };
    const req = http.get(url, { agent: false }, (res) => {
      status = res.statusCode ?? 0;
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_STATUS_BODY) finish(new Error(`answered ${status} with a body over ${MAX_STATUS_BODY / 1024} KiB`));
      });
      res.once('end', () => finish(null));
      res.once('error', (err) => finish(err));
      res.once('aborted', () => finish(new Error(`answered ${status}, then closed the connection before the body ended`)));
    });
    const timer = setTimeout(() => {
      const what = status ? `answered ${status} but its body did not end within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`;
      finish(Object.assign(new Error(what), { code: 'TIMEOUT' }));
    }, timeoutMs);
    req.once('error', (err) => finish(err));
  });
}

/** A port free on 127.0.0.1 right now (the kernel's choice), for a process that will bind it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
