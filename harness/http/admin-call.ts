// One call to a service's admin API (the discovery stub's, a mock service's http-faults or router
// routes): JSON in and out, a deadline, the answer read within a bound, and an error naming the call and
// what it answered. The fault kinds and the topologies share it.
import { boundedText } from './bounded-body.ts';

export interface AdminCallOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON when given. */
  body?: unknown;
  /** Default 3000 ms. */
  timeoutMs?: number;
  /** Makes the error thrown for an answer outside 2xx (default a plain Error). */
  fail?: (message: string) => Error;
}

/** The parsed JSON answer (null for an empty body); throws on a status outside 2xx, naming the call. */
export async function adminCall(url: string, options: AdminCallOptions): Promise<unknown> {
  const { method, body } = options;
  const res = await fetch(url, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : undefined,
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
  });
  const text = await boundedText(res);
  if (!res.ok) {
    const message = `${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`;
    throw options.fail ? options.fail(message) : new Error(message);
  }
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
