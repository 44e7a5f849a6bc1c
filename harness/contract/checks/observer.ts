// Reads behind a checked card processor, when faultline runs what is behind it (the processor was started by
// command inside the embedded topology): the processor's answers do not carry balances, so this is how a rule
// sees that a partial reversal released exactly its amount, and how the read-back sees that an approval is a
// hold in the ledger and that the feed heard of it. Each read is kept as an exchange, to be shown when it
// contradicts a write.
import http from 'node:http';
import type { JsonValue } from '../types.ts';
import type { Exchange } from './exchange.ts';

export interface Balances {
  available: number;
  holds: number;
}

/** One read behind the processor: its exchange (shown in a failure) and its JSON body when it answered 200. */
export interface ObservedRead {
  exchange: Exchange;
  body: Record<string, JsonValue> | null;
}

export interface LedgerObserver {
  /** Where it reads (for messages). */
  readonly url: string;
  /** The feed/balance API behind the processor, when faultline runs one. */
  readonly feedUrl?: string;
  balances(accountId: string): Promise<Balances | null>;
  /** GET on the ledger (`/v1/authorizations/x`, `/v1/accounts/x`). */
  ledger(path: string): Promise<ObservedRead>;
  /** GET on the feed (`/v1/accounts/x/balance`); null when there is no feed to read. */
  feed(path: string): Promise<ObservedRead | null>;
}

const MAX_BODY = 4 * 1024 * 1024;

function get(base: string, path: string, timeoutMs: number): Promise<ObservedRead> {
  const request = { method: 'GET', path, replica: 0 };
  return new Promise((resolve) => {
    const req = http.get(new URL(path, base), { agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => {
        if (text.length < MAX_BODY) text += c;
      });
      res.once('end', () => {
        let json: JsonValue | undefined;
        try {
          json = JSON.parse(text) as JsonValue;
        } catch {
          json = undefined;
        }
        const response = { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text, ...(json === undefined ? {} : { json }) };
        const body = res.statusCode === 200 && json !== null && typeof json === 'object' && !Array.isArray(json) ? json : null;
        resolve({ exchange: { request, response }, body });
      });
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', (err) => resolve({ exchange: { request, response: { error: `${base}: ${err.message}` } }, body: null }));
  });
}

export function ledgerObserver(url: string, timeoutMs = 5000, feedUrl?: string): LedgerObserver {
  return {
    url,
    ...(feedUrl ? { feedUrl } : {}),
    balances: async (accountId) => {
      const { body } = await get(url, `/v1/accounts/${encodeURIComponent(accountId)}`, timeoutMs);
      return body && typeof body.available === 'number' && typeof body.holds === 'number' ? { available: body.available, holds: body.holds } : null;
    },
    ledger: (path) => get(url, path, timeoutMs),
    feed: async (path) => (feedUrl ? get(feedUrl, path, timeoutMs) : null),
  };
}
