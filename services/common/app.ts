// Builds a Fastify instance the way every faultline service wants it: strict JSON bodies (no type
// coercion, unknown fields rejected, errors naming the field), a body limit (413 past it), no request logs.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Ajv } from 'ajv';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface AppOptions {
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
}

/** Body validation never coerces ("100" is not an amount); query and params coerce as HTTP needs. */
function makeValidators(): { body: Ajv; other: Ajv } {
  const common = { allErrors: false, removeAdditional: false, useDefaults: false, strict: false } as const;
  return {
    body: new Ajv({ ...common, coerceTypes: false }),
    other: new Ajv({ ...common, coerceTypes: true }),
  };
}

export function createApp(options: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    keepAliveTimeout: 65_000,
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  const validators = makeValidators();
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? validators.body : validators.other;
    return ajv.compile(schema);
  });
  app.setErrorHandler((error, request, reply) => {
    const err = error as { statusCode?: number; validation?: unknown; validationContext?: string; code?: string; message: string };
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    // Fastify's messages name the part and field: "body/amount/value must be integer".
    void reply.code(status).send({ error: err.message, code: err.code ?? 'ERROR', status });
  });
  return app;
}
