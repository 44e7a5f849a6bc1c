// Keeps a request's JSON body as received (still parsed and validated as usual), so a replica can
// forward the exact bytes to the store instead of serialising the parsed object again.
import type { FastifyInstance, FastifyRequest } from 'fastify';

const rawBodies = new WeakMap<FastifyRequest, string>();

/** Replaces the JSON parser in this plugin's scope with one that also keeps the raw text. */
export function keepRawJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    rawBodies.set(request, body as string);
    parse(request, body as string, done);
  });
}

export function rawBody(request: FastifyRequest): string {
  const raw = rawBodies.get(request);
  if (raw === undefined) throw new Error('no raw body kept for this request (keepRawJson not registered?)');
  return raw;
}
