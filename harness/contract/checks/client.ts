// The HTTP client of the contract checks: node:http (fetch refuses some ports a service may listen on)
// over keep-alive connections, one request at a time, each recorded as an exchange — what was sent byte
// for byte and what came back — so a failure can show it. It never throws for an HTTP problem: a refused,
// reset or silent connection is an answer of its own (NoAnswer). It throws only when the check run is
// interrupted (Ctrl-C), when the check it belongs to has used up its time budget (CheckBudgetExceeded), or
// once the service has stopped answering altogether (ServiceSilent: a few requests in a row got no answer).
// Every request is bounded in total (headers and body) and every body it keeps is capped.
import http from 'node:http';
import type { JsonValue } from '../types.ts';
import type { Answer, Exchange, NoAnswer, SentRequest } from './exchange.ts';

export interface SendOptions {
  method: string;
  /** Path and query. */
  path: string;
  /** A JSON body (serialised as is). */
  json?: JsonValue;
  /** A raw body, sent as `application/json` unless contentType says otherwise (malformed bodies). */
  raw?: string;
  contentType?: string;
  /** Which replica (0-based; wraps around). */
  replica?: number;
}

/** Thrown out of a check when the run is interrupted; the run stops and reports what it has. */
export class InterruptedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'InterruptedError';
  }
}

/** The time a check may take in all, and how far it got: thrown out of a check whose budget ran out. */
export class CheckBudgetExceeded extends Error {
  constructor(
    /** The check (family) whose budget ran out. */
    readonly check: string,
    readonly budgetMs: number,
    /** Requests the check had sent. */
    readonly requests: number,
    /** The request that was cut off, if one was. */
    readonly exchange?: Exchange,
  ) {
    super(`the ${check} check ran out of its time budget (${budgetMs / 1000} s for the whole check) after ${requests} request${requests === 1 ? '' : 's'}`);
    this.name = 'CheckBudgetExceeded';
  }
}

/** The service stopped answering (SILENT_IN_A_ROW requests in a row got no answer at all): nothing more is sent. */
export class ServiceSilent extends Error {
  constructor(
    message: string,
    /** Requests the check had sent. */
    readonly requests: number,
    readonly exchange?: Exchange,
  ) {
    super(message);
    this.name = 'ServiceSilent';
  }
}

/** Answers are kept up to this size (a journal page of 10,000 entries is about 3 MB); a larger one is no answer. */
export const MAX_BODY = 16 * 1024 * 1024;
/** This many requests in a row without any answer: the service has stopped answering. */
export const SILENT_IN_A_ROW = 3;
const USER_AGENT = 'faultline-contract/1';

export class ServiceClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  /** Set when a replica refused a connection: the service is gone (or never was there). */
  refused: string | null = null;
  /** Set once SILENT_IN_A_ROW requests in a row got no answer within their time: nothing more is sent. */
  silent: string | null = null;
  private silentInARow = 0;
  private budget: { check: string; ms: number; endsAt: number; requests: number } | null = null;

  constructor(
    /** Base URLs of the replicas, e.g. http://127.0.0.1:41234. */
    readonly replicas: readonly string[],
    private readonly options: { timeoutMs: number; signal?: AbortSignal },
  ) {
    if (replicas.length === 0) throw new Error('no replica to check');
  }

  /** A tally of the requests one check sends. */
  session(): Session {
    return new Session(this);
  }

  /** From now until endBudget(), every request belongs to `check`, which may take `ms` in all. */
  beginBudget(check: string, ms: number): void {
    this.budget = { check, ms, endsAt: Date.now() + ms, requests: 0 };
  }

  endBudget(): void {
    this.budget = null;
  }

  async send(o: SendOptions): Promise<Exchange> {
    if (this.options.signal?.aborted) throw new InterruptedError();
    if (this.silent) throw new ServiceSilent(`the service stopped answering: ${this.silent}`, this.budget?.requests ?? 0);
    const budget = this.budget;
    const left = budget ? budget.endsAt - Date.now() : Infinity;
    if (budget && left <= 0) throw new CheckBudgetExceeded(budget.check, budget.ms, budget.requests);
    const timeoutMs = Math.max(1, Math.min(this.options.timeoutMs, left));
    if (budget) budget.requests++;
    const replica = (o.replica ?? 0) % this.replicas.length;
    const body = o.raw ?? (o.json === undefined ? undefined : JSON.stringify(o.json));
    const request: SentRequest = { method: o.method, path: o.path, replica };
    if (body !== undefined) {
      request.body = body;
      request.contentType = o.contentType ?? 'application/json';
    }
    const { answer: response, timedOut } = await this.exchange(this.replicas[replica] as string, request, timeoutMs);
    if (!('status' in response) && /refused/.test(response.error)) this.refused = `${this.replicas[replica]}: ${response.error}`;
    if (this.options.signal?.aborted) throw new InterruptedError();
    const exchange = { request, response };
    this.silentInARow = timedOut ? this.silentInARow + 1 : 0;
    if (this.silentInARow >= SILENT_IN_A_ROW) {
      this.silent = `${this.silentInARow} requests in a row got no answer within their time (the last: ${o.method} ${o.path} on ${this.replicas[replica]}: ${'error' in response ? response.error : 'cut off'})`;
      throw new ServiceSilent(`the service stopped answering: ${this.silent}`, budget?.requests ?? 1, exchange);
    }
    if (budget && timedOut && timeoutMs < this.options.timeoutMs) throw new CheckBudgetExceeded(budget.check, budget.ms, budget.requests, exchange);
    return exchange;
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request, bounded in total by `timeoutMs` (headers and body); `timedOut` when it got nothing usable in that time. */
  private exchange(base: string, sent: SentRequest, timeoutMs: number): Promise<{ answer: Answer | NoAnswer; timedOut: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      let timedOut = false;
      const done = (value: Answer | NoAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        // A body left unsent (refused before it was read), or one still coming: this connection cannot carry another request.
        if (!req.writableFinished || !partial?.res.complete) req.destroy();
        resolve({ answer: value, timedOut });
      };
      const headers: Record<string, string | number> = { 'user-agent': USER_AGENT, accept: 'application/json' };
      const payload = sent.body === undefined ? undefined : Buffer.from(sent.body, 'utf8');
      if (payload) {
        headers['content-type'] = sent.contentType ?? 'application/json';
        headers['content-length'] = payload.length;
        if (payload.length > LARGE_BODY) headers.expect = '100-continue';
      }
      /** The answer so far: a service may answer (413) and close before it has read a large body. */
      let partial: { res: http.IncomingMessage; chunks: Buffer[] } | undefined;
      const collected = (): Answer | undefined => (partial ? answerOf(partial.res, Buffer.concat(partial.chunks).subarray(0, MAX_BODY).toString('utf8')) : undefined);
      const { hostname, port } = new URL(base);
      // The path goes as it is (a URL object would fold dot segments and re-encode it).
      const target = { hostname, port, path: sent.path, method: sent.method, headers, agent: this.agent };
      const req = http.request(target, (res) => {
        const chunks: Buffer[] = [];
        partial = { res, chunks };
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY) chunks.push(chunk);
          else done({ error: `answered ${res.statusCode ?? 0} with a body over ${MAX_BODY / 1024 / 1024} MiB (cut off)` });
        });
        res.once('end', () => done(collected() as Answer));
        res.once('error', () => done(collected() as Answer));
        res.once('aborted', () => done(collected() as Answer));
      });
      // The whole exchange is bounded: an answer whose body never ends is no answer.
      const deadline = setTimeout(() => {
        timedOut = true;
        const status = partial?.res.statusCode;
        done({ error: status === undefined ? `no answer within ${timeoutMs} ms` : `answered ${status} but its body did not end within ${timeoutMs} ms` });
      }, timeoutMs);
      req.once('error', (err) => {
        const answer = collected();
        if (answer) done(answer);
        // The answer may still be on its way in (the write failed first): give it a moment.
        else setTimeout(() => done(collected() ?? { error: describeError(err) }), 50);
      });
      const abort = (): void => {
        req.destroy();
        done({ error: 'interrupted' });
      };
      this.options.signal?.addEventListener('abort', abort, { once: true });
      req.once('close', () => this.options.signal?.removeEventListener('abort', abort));
      void writeBody(req, payload, () => partial !== undefined || settled);
    });
  }
}

const CHUNK = 64 * 1024;
/** Bodies larger than this are announced with `Expect: 100-continue`, so a service can refuse them before they are sent. */
const LARGE_BODY = 4 * CHUNK;
const CONTINUE_WAIT_MS = 1000;
const ANSWER_WAIT_MS = 100;

/**
 * Writes the body. A large one is sent after the service says `100 Continue` (or after a second without a
 * word), and not at all if it answers first: a service that refuses it (413) and closes the connection
 * without reading it would otherwise reset the connection under its own answer.
 */
async function writeBody(req: http.ClientRequest, payload: Buffer | undefined, answered: () => boolean): Promise<void> {
  if (!payload || payload.length <= LARGE_BODY) {
    req.end(payload);
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CONTINUE_WAIT_MS);
    req.once('continue', () => {
      clearTimeout(timer);
      setTimeout(resolve, ANSWER_WAIT_MS);
    });
    req.once('response', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  for (let at = 0; at < payload.length; at += CHUNK) {
    if (answered() || req.destroyed) return;
    const failed = await new Promise<boolean>((resolve) => req.write(payload.subarray(at, at + CHUNK), (err) => resolve(err !== undefined && err !== null)));
    if (failed) return;
  }
  req.end();
}

/** Sends through the client, counting what one check sent. */
export class Session {
  count = 0;
  constructor(private readonly client: ServiceClient) {}

  async send(o: SendOptions): Promise<Exchange> {
    this.count++;
    return this.client.send(o);
  }

  get replicas(): number {
    return this.client.replicas.length;
  }
}

function answerOf(res: http.IncomingMessage, text: string): Answer {
  const contentType = String(res.headers['content-type'] ?? '');
  const answer: Answer = { status: res.statusCode ?? 0, contentType, body: text };
  if (text !== '') {
    try {
      answer.json = JSON.parse(text) as JsonValue;
    } catch {
      /* not JSON: the body stays as text */
    }
  }
  return answer;
}

function describeError(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset before an answer';
  if (code === 'TIMEOUT') return (err as Error).message;
  return (err as Error).message || String(code);
}
