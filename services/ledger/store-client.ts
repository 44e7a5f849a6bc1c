// A replica's connection to the ledger store: one keep-alive undici Pool, raw bodies in and out.
// A failed call becomes a StoreHopError carrying the hop, the cause and the status the replica answers.
import { Pool } from '../common/undici-lean.ts';
import { causeOfError, type Cause, type HopFailureBody } from '../common/failure.ts';

export interface StoreAnswer {
  status: number;
  body: string;
}

export class StoreHopError extends Error {
  constructor(
    readonly status: 502 | 503 | 504,
    readonly hopCause: Cause,
    message: string,
  ) {
    super(message);
    this.name = 'StoreHopError';
  }

  body(): HopFailureBody {
    return { error: this.message, hop: 'ledger->store', cause: this.hopCause, attempts: 1 };
  }
}

export interface StoreClientOptions {
  url: string;
  timeoutMs: number;
  connections: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export class StoreClient {
  private readonly pool: Pool;

  constructor(private readonly options: StoreClientOptions) {
    this.pool = new Pool(options.url, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: Math.min(options.timeoutMs, 2000),
    });
  }

  /**
   * One call. The deadline is undici's headers/body timeouts (a stalled store fails every queued call
   * in turn); no per-request AbortSignal, which costs a timer per call on the hot path.
   */
  async call(method: 'GET' | 'POST', path: string, body?: string): Promise<StoreAnswer> {
    let status: number;
    let text: string;
    try {
      const res = await this.pool.request({
        method,
        path,
        body,
        headers: body === undefined ? undefined : JSON_HEADERS,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const cause = causeOfError(err);
      const status = cause === 'timeout' ? 504 : cause === 'connection_refused' ? 503 : 502;
      throw new StoreHopError(status, cause, `ledger store ${method} ${path} failed: ${(err as Error).message}`);
    }
    if (status >= 500) {
      throw new StoreHopError(
        status === 503 ? 503 : status === 504 ? 504 : 502,
        'http_5xx',
        `ledger store answered ${status} to ${method} ${path}`,
      );
    }
    return { status, body: text };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
