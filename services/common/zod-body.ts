// Request bodies declared once, in zod: the JSON Schema Fastify validates a route's body with is derived
// from the zod schema (what a client may send: fields with a default are optional), and the handler
// parses the body with the same schema to get typed values with the defaults filled in. The parse also
// enforces what JSON Schema cannot say (a refinement such as "at least one of"); its errors are 400s
// that name the field the way Fastify's validation errors do (`body/abort/percent ...`).
import { z } from 'zod';

/** The JSON Schema (draft-07, as Fastify's Ajv reads it) of what a client may send for `schema`. */
export function bodyJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

export class BodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
}

/** The body's values with defaults filled; a BodyError (400) naming the first bad field otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = ['body', ...(issue?.path ?? []).map(String)].join('/');
  throw new BodyError(`${where} ${issue?.message ?? 'is invalid'}`);
}
