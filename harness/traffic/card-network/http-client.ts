// The driver's HTTP client: one keep-alive undici Pool per base URL (pipelining 1, a bounded number of
// connections), requests spread round-robin. It never throws: every outcome is an HttpResult, with
// status 0 and a Cause (services/common/failure.ts) when there was no answer, and `written` saying
// whether the request had reached the socket (a reset after that is ambiguous: it may have been processed).
// Every answer body is capped (maxBodyBytes): a larger one is cut off, its connection closed, and it counts
// as no usable answer (status 0, cause `other`), so a flooding service costs the driver no memory.
import { Pool } from '../../../services/common/undici-lean.ts';
import type { Dispatcher } from 'undici';
import { causeOfError, type Cause } from '../../../services/common/failure.ts';
import { stackless } from '../../../services/common/stackless.ts';

export interface HttpClientOptions {
  /**
   * Connections per base URL (default 512). Past this, requests queue in the client, unwritten (the wait
   * counts as latency, and one that times out there is known not to have reached the server).
   */
  connections?: number;
  /** Idle keep-alive before a connection is closed (default 30 s). */
  keepAliveMs?: number;
  /** The largest answer body kept (default 256 KiB: an answer here is a few hundred bytes, a feed page of 100 items ~30 KB). */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path and query, starting with `/`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Give up after this long (the answer counts as a timeout, status 0) and abort the request. */
  timeoutMs: number;
  /** Send to this base URL instead of the next one in the rotation. */
  baseUrl?: string;
}

export interface HttpResult {
  /** HTTP status, 0 when there was no answer. */
  status: number;
  /** The parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
  /** Why there was no answer (status 0 only). */
  cause?: Cause;
  /** The error behind `cause`, for logs. */
  error?: string;
  /** The request was handed to the socket: a later reset or timeout is ambiguous. */
  written: boolean;
  /** The base URL it went to. */
  baseUrl: string;
}

class AbortedByClient extends Error {
  override name = 'AbortError';
  readonly code = 'UND_ERR_ABORTED';
}

/**
 * One request as a (legacy-style) undici dispatch handler: it is told when the request was written
 * (`onRequestSent`), which undici's request() API does not expose.
 */
class JsonExchange implements Dispatcher.DispatchHandler {
  written = false;
  status = 0;
  #chunks: Buffer[] = [];
  #size = 0;
  readonly #maxBody: number;
  #abort: ((err?: Error) => void) | undefined;
  #aborted = false;
  #settled = false;
  readonly #done: (result: { status: number; raw: string; error?: unknown; written: boolean }) => void;

  constructor(done: (result: { status: number; raw: string; error?: unknown; written: boolean }) => void, maxBody: number) {
    this.#done = done;
    this.#maxBody = maxBody;
  }

  abort(): void {
    this.#aborted = true;
    this.#abort?.(stackless(() => new AbortedByClient('aborted by the client')));
  }

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    if (this.#aborted) abort(stackless(() => new AbortedByClient('aborted by the client')));
  }

  onRequestSent(): void {
    this.written = true;
  }

  onBodySent(): void {}

  onResponseStarted(): void {}

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#size += chunk.length;
    if (this.#size > this.#maxBody) {
      const status = this.status;
      this.#chunks = [];
      this.onError(new Error(`answered ${status} with a body over ${Math.round(this.#maxBody / 1024)} KiB: cut off`));
      this.abort(); // stop the flood: this connection is closed
      return false;
    }
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.#settled) return;
    this.#settled = true;
    const raw = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer).toString('utf8') : Buffer.concat(this.#chunks).toString('utf8');
    this.#done({ status: this.status, raw, written: true });
  }

  onError(err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done({ status: 0, raw: '', error: err, written: this.written });
  }

  onUpgrade(): void {}
}

function parseJson(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export const DEFAULT_CONNECTIONS = 512;

export class HttpClient {
  readonly #pools = new Map<string, Pool>();
  readonly #urls: string[];
  readonly #maxBody: number;
  #next = 0;
  #closed = false;

  constructor(baseUrls: readonly string[], options: HttpClientOptions = {}) {
    if (baseUrls.length === 0) throw new RangeError('the HTTP client needs at least one base URL');
    this.#urls = baseUrls.map((u) => u.replace(/\/+$/, ''));
    this.#maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    for (const url of this.#urls) {
      if (this.#pools.has(url)) continue;
      this.#pools.set(
        url,
        new Pool(url, {
          connections: options.connections ?? DEFAULT_CONNECTIONS,
          pipelining: 1,
          keepAliveTimeout: options.keepAliveMs ?? 30_000,
          keepAliveMaxTimeout: Math.max(options.keepAliveMs ?? 30_000, 30_000),
          // Our own timer bounds every request; undici's coarse timers stay out of the way.
          headersTimeout: 0,
          bodyTimeout: 0,
        }),
      );
    }
  }

  get baseUrls(): readonly string[] {
    return this.#urls;
  }

  /** The next base URL in the rotation. */
  nextBaseUrl(): string {
    const url = this.#urls[this.#next] as string;
    this.#next = (this.#next + 1) % this.#urls.length;
    return url;
  }

  request(req: HttpRequest): Promise<HttpResult> {
    const baseUrl = req.baseUrl ?? this.nextBaseUrl();
    const pool = this.#pools.get(baseUrl.replace(/\/+$/, ''));
    if (!pool || this.#closed) {
      return Promise.resolve({ status: 0, body: undefined, cause: 'other', error: this.#closed ? 'client closed' : `unknown base URL ${baseUrl}`, written: false, baseUrl });
    }
    return new Promise<HttpResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const exchange = new JsonExchange((r) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (r.error === undefined) resolve({ status: r.status, body: parseJson(r.raw), written: true, baseUrl });
        else resolve({ status: 0, body: undefined, cause: causeOfError(r.error), error: String((r.error as Error).message ?? r.error), written: r.written, baseUrl });
      }, this.#maxBody);
      timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        const written = exchange.written;
        exchange.abort();
        resolve({ status: 0, body: undefined, cause: 'timeout', error: `no answer within ${req.timeoutMs} ms`, written, baseUrl });
      }, req.timeoutMs);
      try {
        pool.dispatch(
          {
            method: req.method,
            path: req.path,
            headers: req.body === undefined ? undefined : JSON_HEADERS,
            body: req.body === undefined ? undefined : JSON.stringify(req.body),
          },
          exchange,
        );
      } catch (err) {
        exchange.onError(err as Error);
      }
    });
  }

  post(path: string, body: unknown, timeoutMs: number, baseUrl?: string): Promise<HttpResult> {
    return this.request({ method: 'POST', path, body, timeoutMs, baseUrl });
  }

  get(path: string, timeoutMs: number, baseUrl?: string): Promise<HttpResult> {
    return this.request({ method: 'GET', path, timeoutMs, baseUrl });
  }

  /** Closes every pool, aborting what is still in flight (those requests resolve as errors). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((p) => p.destroy().catch(() => undefined)));
  }
}
