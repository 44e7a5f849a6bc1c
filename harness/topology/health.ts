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

/** The status of GET `url` (body discarded, no keep-alive); rejects on a connection error or after timeoutMs. */
export function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', reject);
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
