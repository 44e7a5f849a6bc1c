// Admin and fault routes refuse web browsers, as the Toxiproxy API does (api.go, StopBrowsersMiddleware:
// a User-Agent starting "Mozilla/" gets 403 "User agent not allowed"). Every faultline service binds
// loopback, but a page open in the user's browser can still reach 127.0.0.1: without this, any web page
// could restart the mesh or inject faults with a bodyless POST (no CORS preflight for a "simple" request).
// One rule, used by every service (common/app.ts) and by faultline's own Toxiproxy API (harness/proxy/api.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What every browser's User-Agent starts with (and what Toxiproxy checks). */
export const BROWSER_USER_AGENT_PREFIX = 'Mozilla/';

/** Path prefixes of the admin and fault routes the rule guards. */
export const ADMIN_PATH_PREFIXES = ['/__admin', '/__faults'] as const;

export const BROWSER_REFUSED_MESSAGE = 'User agent not allowed';

export function isBrowserUserAgent(userAgent: string | readonly string[] | undefined): boolean {
  const value = Array.isArray(userAgent) ? userAgent[0] : userAgent;
  return typeof value === 'string' && value.startsWith(BROWSER_USER_AGENT_PREFIX);
}

export function isAdminPath(path: string): boolean {
  return ADMIN_PATH_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function decodedPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Fastify onRequest hook: 403 for a browser on an admin or fault route, before the body is read or any
 * handler runs. The route's own pattern is checked (and the decoded path, for a request no route matched).
 */
export function refuseBrowsersOnAdminRoutes(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  if (!isBrowserUserAgent(request.headers['user-agent'])) return done();
  const route = request.routeOptions.url;
  if ((route !== undefined && isAdminPath(route)) || isAdminPath(decodedPath(request.url))) {
    void reply.code(403).send({ error: BROWSER_REFUSED_MESSAGE, code: 'FORBIDDEN', status: 403 });
    return;
  }
  done();
}
