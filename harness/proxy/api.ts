// The Toxiproxy 2.x HTTP API (Toxiproxy's api.go) over node:http: the same routes, status codes and bodies,
// so toxiproxy-node-client and the other Toxiproxy clients drive this server as they drive the real one.
// Errors are {"error": "...", "status": N} sent the way Go's http.Error sends them (text/plain, newline).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ApiError, ErrBadRequestBody, ErrToxicNotFound } from './api-error.ts';
import { PopulateError, type ProxyCollection } from './proxy-collection.ts';
import { toxicJson } from './toxics/toxic.ts';
import { BROWSER_REFUSED_MESSAGE, isBrowserUserAgent } from '../../services/common/browser-guard.ts';

/** The Toxiproxy release whose API this server follows. */
export const TOXIPROXY_VERSION = '2.12.0';

const MAX_BODY_BYTES = 1024 * 1024;

interface Reply {
  status: number;
  /** JSON body; undefined for an empty one. */
  body?: unknown;
  /** A body sent as it is, instead of JSON. */
  raw?: { contentType: string; text: string };
}

interface Request {
  params: string[];
  /** The body parsed as JSON (a "bad request body" ApiError otherwise). */
  json(): Promise<unknown>;
}

type Handler = (request: Request) => Promise<Reply>;

interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

const ok = (body: unknown): Reply => ({ status: 200, body });

function routes(proxies: ProxyCollection): Route[] {
  const showProxy: Handler = async ({ params }) => ok(proxies.get(params[0] ?? ''));
  const updateProxy: Handler = async ({ params, json }) => {
    const name = proxies.get(params[0] ?? '').name; // 404 before the body is read, as the real server
    return ok(await proxies.update(name, await json()));
  };
  const showToxic: Handler = async ({ params }) => {
    const toxic = proxies.get(params[0] ?? '').toxics.get(params[1] ?? '');
    if (!toxic) throw ErrToxicNotFound;
    return ok(toxicJson(toxic));
  };
  const updateToxic: Handler = async ({ params, json }) => {
    const proxy = proxies.get(params[0] ?? '');
    if (!proxy.toxics.get(params[1] ?? '')) throw ErrToxicNotFound;
    return ok(toxicJson(await proxy.toxics.update(params[1] ?? '', await json())));
  };
  return [
    { pattern: /^\/version$/, methods: { GET: async () => ({ status: 200, raw: VERSION_BODY }) } },
    {
      pattern: /^\/reset$/,
      methods: {
        POST: async () => {
          await proxies.reset();
          return { status: 204 };
        },
      },
    },
    {
      pattern: /^\/proxies$/,
      methods: {
        GET: async () => ok(Object.fromEntries(proxies.list().map((p) => [p.name, p]))),
        POST: async ({ json }) => ({ status: 201, body: await proxies.create(await json()) }),
      },
    },
    {
      pattern: /^\/populate$/,
      methods: { POST: async ({ json }) => ({ status: 201, body: { proxies: await proxies.populate(await json()) } }) },
    },
    {
      pattern: /^\/proxies\/([^/]+)$/,
      methods: {
        GET: showProxy,
        POST: updateProxy,
        PATCH: updateProxy,
        DELETE: async ({ params }) => {
          await proxies.remove(params[0] ?? '');
          return { status: 204 };
        },
      },
    },
    {
      pattern: /^\/proxies\/([^/]+)\/toxics$/,
      methods: {
        GET: async ({ params }) => ok(proxies.get(params[0] ?? '').toxics.list().map(toxicJson)),
        POST: async ({ params, json }) => {
          const proxy = proxies.get(params[0] ?? '');
          return ok(toxicJson(await proxy.toxics.add(await json())));
        },
      },
    },
    {
      pattern: /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
      methods: {
        GET: showToxic,
        POST: updateToxic,
        PATCH: updateToxic,
        DELETE: async ({ params }) => {
          await proxies.get(params[0] ?? '').toxics.remove(params[1] ?? '');
          return { status: 204 };
        },
      },
    },
  ];
}

const VERSION_BODY = { contentType: 'application/json;charset=utf-8', text: `{"version": "${TOXIPROXY_VERSION}"}\n` };

/** A request listener serving the API for `proxies`. Changes are applied one at a time, in arrival order. */
export function createApiHandler(proxies: ProxyCollection): RequestListener {
  const table = routes(proxies);
  let queue: Promise<unknown> = Promise.resolve();
  const serialise = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let params: string[] | undefined;
    let route: Route | undefined;
    for (const candidate of table) {
      const match = candidate.pattern.exec(path);
      if (match) {
        route = candidate;
        params = match.slice(1).map(decodeSegment);
        break;
      }
    }
    if (!route || !params) return sendText(res, 404, '404 page not found\n');
    const handler = route.methods[req.method ?? 'GET'];
    if (!handler) return sendText(res, 405, '');
    if (isBrowserUserAgent(req.headers['user-agent'])) return sendText(res, 403, `${BROWSER_REFUSED_MESSAGE}\n`);
    const request: Request = { params, json: () => readJson(req) };
    const run = req.method === 'GET' ? handler(request) : serialise(() => handler(request));
    run.then(
      (reply) => sendReply(res, reply),
      (err: unknown) => sendError(res, err),
    );
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw ErrBadRequestBody.withDetail(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw ErrBadRequestBody.withDetail('EOF');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw ErrBadRequestBody.withDetail((err as Error).message);
  }
}

function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.raw) {
    res.writeHead(reply.status, { 'Content-Type': reply.raw.contentType });
    res.end(reply.raw.text);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  const apiError = err instanceof ApiError ? err : new ApiError(err instanceof Error ? err.message : String(err), 500);
  if (apiError instanceof PopulateError) {
    // The real server answers a failed populate with the error and the proxies created before it.
    return sendReply(res, { status: apiError.status, body: { ...apiError.toJSON(), proxies: apiError.proxies } });
  }
  sendText(res, apiError.status, `${JSON.stringify(apiError)}\n`);
}

/** As Go's http.Error writes a body. */
function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, text === '' ? {} : { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
