// Builds a Fastify instance the way every faultline service wants it: strict JSON bodies (no type
// coercion, unknown fields rejected, errors naming the field), a body limit (413 past it), no request logs,
// and admin/fault routes that refuse web browsers (browser-guard.ts).
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { schemaCompiler, type SchemaCompiler } from './validator-cache.ts';
import { refuseBrowsersOnAdminRoutes } from './browser-guard.ts';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface AppOptions {
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
  /** Longest path parameter; a longer one is answered 414 before routing (Fastify's default: 100). */
  maxParamLength?: number;
  /** Answers the errors Fastify raises before routing (a bad URL, a parameter too long) in the service's own shape. */
  frameworkErrors?: FastifyServerOptions['frameworkErrors'];
}

/**
 * Body validation never coerces ("100" is not an amount); query and params coerce as HTTP needs.
 * `validateSchema: false`: Ajv does not check our own route schemas against the JSON Schema meta-schema
 * at compile time, which meant compiling the meta-schema itself in every instance of every service
 * (about a quarter of a service's start-up CPU). Every request is validated exactly as before; the route
 * schemas are checked as JSON Schema where they are published (the OpenAPI contract tests). A service started
 * by a topology loads the validators Ajv generated at an earlier start instead of compiling them again
 * (validator-cache.ts).
 */
function makeValidators(): { body: SchemaCompiler; other: SchemaCompiler } {
  const common = { allErrors: false, removeAdditional: false, useDefaults: false, strict: false, validateSchema: false, code: { optimize: false } } as const;
  return {
    body: schemaCompiler({ ...common, coerceTypes: false }),
    other: schemaCompiler({ ...common, coerceTypes: true }),
  };
}

export function createApp(options: AppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    keepAliveTimeout: 65_000,
    forceCloseConnections: true,
    return503OnClosing: true,
    ...(options.maxParamLength === undefined ? {} : { routerOptions: { maxParamLength: options.maxParamLength } }),
    ...(options.frameworkErrors === undefined ? {} : { frameworkErrors: options.frameworkErrors }),
  });
  // First hook of every service: a browser never reaches an admin or fault route (nor its body parser).
  app.addHook('onRequest', refuseBrowsersOnAdminRoutes);
  const validators = makeValidators();
  // Name the offending field in every validation message, including unknown ones.
  app.setSchemaErrorFormatter((errors, dataVar) => {
    const first = errors[0];
    if (!first) return new Error(`${dataVar} is invalid`);
    const where = `${dataVar}${first.instancePath ?? ''}`;
    const params = first.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[] };
    if (params.additionalProperty) return new Error(`${where}/${params.additionalProperty} is not an allowed field`);
    if (params.missingProperty) return new Error(`${where} must have required property '${params.missingProperty}'`);
    const allowed = params.allowedValues ? `: ${params.allowedValues.join(', ')}` : '';
    return new Error(`${where} ${first.message ?? 'is invalid'}${allowed}`);
  });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const compile = httpPart === 'body' ? validators.body : validators.other;
    return compile(schema);
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
