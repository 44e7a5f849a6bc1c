// One attempt at one endpoint: send the request on the endpoint's pool, read the whole answer, parse JSON.
// A timed-out attempt is aborted (its socket is dropped) and reported as an UpstreamTimeout.
import type { Endpoint } from './endpoint-table.ts';
import type { RouteRequest } from './types.ts';
import { stackless } from '../common/stackless.ts';

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' });
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export class UpstreamTimeout extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'UND_ERR_HEADERS_TIMEOUT';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

export interface UpstreamAnswer {
  status: number;
  body: unknown;
}

/** The abort's reason is the timeout itself, stackless (a DOMException with a stack per timed-out attempt was a hot spot). */
function onTimeout(controller: AbortController, ms: number): void {
  controller.abort(stackless(() => new UpstreamTimeout(ms)));
}

async function read(ep: Endpoint, req: RouteRequest, signal: AbortSignal | undefined, undiciTimeoutMs: number): Promise<UpstreamAnswer> {
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const res = await ep.dispatcher.request({
    origin: ep.origin,
    path: req.path,
    method: req.method,
    headers: payload === undefined ? NO_HEADERS : JSON_HEADERS,
    body: payload,
    signal,
    headersTimeout: undiciTimeoutMs,
    bodyTimeout: undiciTimeoutMs,
  });
  const text = await res.body.text();
  let body: unknown = null;
  if (text.length > 0) {
    const type = res.headers['content-type'];
    if (typeof type === 'string' && type.includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    } else body = text;
  }
  return { status: res.statusCode, body };
}

/** An attempt bounded by timeoutMs from now, the time waiting for a connection included. */
export async function callWithDeadline(ep: Endpoint, req: RouteRequest, timeoutMs: number): Promise<UpstreamAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(onTimeout, timeoutMs, controller, timeoutMs);
  try {
    return await read(ep, req, controller.signal, 0);
  } catch (err) {
    if (controller.signal.aborted) throw controller.signal.reason instanceof UpstreamTimeout ? controller.signal.reason : stackless(() => new UpstreamTimeout(timeoutMs));
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** An attempt with undici's own header/body timeouts only (the naive router's long default). */
export function callWithTimeouts(ep: Endpoint, req: RouteRequest, timeoutMs: number): Promise<UpstreamAnswer> {
  return read(ep, req, undefined, timeoutMs);
}
