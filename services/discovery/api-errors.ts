// Every error the stub answers, in the shape its caller reads: a Kubernetes `Status` on the API (any path
// outside /__admin: a client parses it, e.g. into @kubernetes/client-node's ApiException), faultline's
// admin error `{error, code, status}` on the admin API (what the harness and every other service's admin
// API answer). Covers what Fastify would answer in its own shape: an unknown route (404), a known path
// with another method (405, with Allow), a path segment past the router's bound (414), a URL that does
// not decode (400), a body too large or of a type not taken (413, 415).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Status, StatusDetails } from './contract.ts';
import { renderStatus } from './render.ts';

/** The longest Kubernetes object name; a path segment past it is refused with 414 before routing. */
export const MAX_NAME_LENGTH = 253;

const ADMIN_PREFIX = '/__admin';
const ADMIN_CODES: Record<number, string> = { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'BODY_TOO_LARGE', 414: 'URI_TOO_LONG', 415: 'UNSUPPORTED_MEDIA_TYPE' };

const isAdmin = (url: string): boolean => url === ADMIN_PREFIX || url.startsWith(`${ADMIN_PREFIX}/`) || url.startsWith(`${ADMIN_PREFIX}?`);

export function sendStatus(reply: FastifyReply, code: number, message: string, reason?: string, details?: StatusDetails): FastifyReply {
  return reply.code(code).type('application/json').send(renderStatus(code, message, reason, details));
}

/** An error's status code, kept when it is a 4xx/5xx, and its Status. */
export function statusFromError(error: unknown): Status {
  const e = error as Partial<FastifyError> & { message?: string };
  const code = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  return renderStatus(code, code >= 500 ? `internal error: ${e.message ?? 'unknown'}` : (e.message ?? 'bad request'));
}

function sendError(request: FastifyRequest, reply: FastifyReply, code: number, message: string, extra: StatusDetails = {}): FastifyReply {
  if (isAdmin(request.url)) return reply.code(code).send({ error: message, code: ADMIN_CODES[code] ?? 'ERROR', status: code });
  return sendStatus(reply, code, message, undefined, Object.keys(extra).length > 0 ? extra : undefined);
}

/** A route path (`/a/:b/c`) as a pattern for one concrete path. */
function pathPattern(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * Installs the error and not-found handlers of the plugin it is called in, after collecting every route
 * registered there (call it first): an unknown path is a 404, a known path asked with another method a
 * 405 naming the methods it takes, and anything thrown on the API (a body too large on a path that takes
 * none) a Status. An admin route's error goes on to the app's handler, which answers faultline's shape.
 */
export function answerErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    if (isAdmin(request.url)) throw error;
    const status = statusFromError(error);
    if (status.code >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(status.code).send(status);
  });
  const known: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const pattern = pathPattern(route.url);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const entry = known.find((k) => k.pattern.source === pattern.source);
    if (entry) for (const m of methods) entry.methods.add(m);
    else known.push({ pattern, methods: new Set(methods) });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = new Set<string>();
    for (const k of known) if (k.pattern.test(path)) for (const m of k.methods) allowed.add(m);
    if (allowed.size > 0) {
      const allow = [...allowed].sort().join(', ');
      void reply.header('allow', allow);
      return sendError(request, reply, 405, `the server does not allow ${request.method} on ${path} (allowed: ${allow})`);
    }
    return sendError(request, reply, 404, `the server could not find the requested resource (${request.method} ${path})`);
  });
}

/**
 * For the discovery app's `frameworkErrors`: Fastify answers these before any route or hook runs, so the
 * plugin cannot reach them; the app that serves the stub passes this in (services/common/app.ts).
 */
export function discoveryFrameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendError(request, reply, 414, `a path segment is longer than ${MAX_NAME_LENGTH} characters, the longest Kubernetes name`);
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    void sendError(request, reply, 400, 'the path is not a valid URL (a bad percent-encoding)');
    return;
  }
  void sendError(request, reply, error.statusCode && error.statusCode >= 400 ? error.statusCode : 500, error.message);
}
