// The GET every read after a run makes (ledger-reader.ts): a timeout for the whole answer, a body cap, a few
// retries on connection errors and 5xx, a deadline for all reads together, and a service that hung once
// failing every later read at once with the same reason. A failure is a LedgerReadError naming the URL.
import type { Dispatcher } from 'undici';
import { Agent, requestUrl } from '../../services/common/undici-lean.ts';

export class LedgerReadError extends Error {
  constructor(
    readonly url: string,
    reason: string,
    readonly status: number | null = null,
  ) {
    super(`GET ${url} failed: ${reason}`);
    this.name = 'LedgerReadError';
  }
}

export interface JsonGetterOptions {
  timeoutMs: number;
  concurrency: number;
  retries: number;
  maxBodyBytes: number;
  deadlineMs: number;
}

export interface JsonGetter {
  /** GET a JSON body; `null` for a 404 when allowed. */
  getJson<T>(url: string, allow404: boolean): Promise<T | null>;
  /** Ends the reads still in flight. */
  close(): Promise<void>;
}

export function createJsonGetter(o: JsonGetterOptions): JsonGetter {
  const { timeoutMs, concurrency, retries } = o;
  const maxBody = o.maxBodyBytes;
  const deadline = Date.now() + o.deadlineMs;
  const dispatcher: Dispatcher = new Agent({ connections: concurrency, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  /** Per service (origin): why it could not be read; later reads of it fail at once with that reason. */
  const down = new Map<string, string>();

  /** The whole body as text, at most maxBody bytes (a larger one is an error, not read further). */
  async function bodyText(url: string, status: number, body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > maxBody) {
        body.destroy();
        throw new LedgerReadError(url, `HTTP ${status} with a body over ${Math.round(maxBody / 1024)} KiB: not read further`, status);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** GET a JSON body; `null` for a 404 when allowed. */
  async function getJson<T>(url: string, allow404: boolean): Promise<T | null> {
    const origin = new URL(url).origin;
    let lastError: LedgerReadError | null = null;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * attempt));
      const reason = down.get(origin);
      if (reason) throw new LedgerReadError(url, `not tried: ${origin} already failed (${reason})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new LedgerReadError(url, `not tried: the reads after the run took longer than ${(o.deadlineMs) / 1000} s in all`);
      const bound = Math.min(timeoutMs, left);
      let status = 0;
      try {
        const res = await requestUrl(dispatcher, url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(bound),
        });
        status = res.statusCode;
        if (status === 404 && allow404) {
          await res.body.dump();
          return null;
        }
        const text = await bodyText(url, status, res.body);
        if (status !== 200) {
          lastError = new LedgerReadError(url, `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, status);
          if (status >= 500) continue;
          throw lastError;
        }
        try {
          return JSON.parse(text) as T;
        } catch (err) {
          throw new LedgerReadError(url, `the answer is not JSON: ${(err as Error).message}`, status);
        }
      } catch (err) {
        if (err instanceof LedgerReadError) throw err;
        const e = err as { code?: string; name?: string; message?: string };
        if (e.name === 'TimeoutError' || e.name === 'AbortError') {
          const why = status ? `HTTP ${status} but its body did not end within ${bound} ms` : `no answer within ${bound} ms`;
          down.set(origin, why);
          throw new LedgerReadError(url, why, status || null);
        }
        lastError = new LedgerReadError(url, `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(err)}`, status || null);
        if (status !== 0) throw lastError; // the body was bad, not the connection: no retry
      }
    }
    const failure = lastError ?? new LedgerReadError(url, 'failed');
    if (failure.status === null) down.set(origin, failure.message.replace(/^GET \S+ failed: /, ''));
    throw failure;
  }

  return { getJson, close: () => dispatcher.destroy() };
}
