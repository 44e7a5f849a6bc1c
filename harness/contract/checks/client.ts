// The HTTP client of the contract checks: node:http (fetch refuses some ports a service may listen on)
// over keep-alive connections, one request at a time, each recorded as an exchange — what was sent byte
// for byte and what came back — so a failure can show it. It never throws for an HTTP problem: a refused,
// reset or silent connection is an answer of its own (NoAnswer). It throws only when the check run is
// interrupted (Ctrl-C).
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

/** Answers are kept up to this size (a journal page of 10,000 entries is about 3 MB). */
const MAX_BODY = 16 * 1024 * 1024;
const USER_AGENT = 'faultline-contract/1';

export class ServiceClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  /** Set when a replica refused a connection: the service is gone (or never was there). */
  refused: string | null = null;

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

  async send(o: SendOptions): Promise<Exchange> {
    if (this.options.signal?.aborted) throw new InterruptedError();
    const replica = (o.replica ?? 0) % this.replicas.length;
    const body = o.raw ?? (o.json === undefined ? undefined : JSON.stringify(o.json));
    const request: SentRequest = { method: o.method, path: o.path, replica };
    if (body !== undefined) {
      request.body = body;
      request.contentType = o.contentType ?? 'application/json';
    }
    const response = await this.exchange(this.replicas[replica] as string, request);
    if (!('status' in response) && /refused/.test(response.error)) this.refused = `${this.replicas[replica]}: ${response.error}`;
    if (this.options.signal?.aborted) throw new InterruptedError();
    return { request, response };
  }

  close(): void {
    this.agent.destroy();
  }

  private exchange(base: string, sent: SentRequest): Promise<Answer | NoAnswer> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (value: Answer | NoAnswer): void => {
        if (settled) return;
        settled = true;
        // A body left unsent (refused before it was read): this connection cannot carry another request.
        if (!req.writableFinished) req.destroy();
        resolve(value);
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
      const target = { hostname, port, path: sent.path, method: sent.method, headers, agent: this.agent, timeout: this.options.timeoutMs };
      const req = http.request(target, (res) => {
        const chunks: Buffer[] = [];
        partial = { res, chunks };
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.once('end', () => done(collected() as Answer));
        res.once('error', () => done(collected() as Answer));
        res.once('aborted', () => done(collected() as Answer));
      });
      req.once('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.options.timeoutMs} ms`), { code: 'TIMEOUT' })));
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
