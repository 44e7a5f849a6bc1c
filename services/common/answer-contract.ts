// Reading another service's answer against its contract: a JSON schema (the same one the answering
// service serialises with) plus the caller's own checks (the answer is about what was asked). Whoever
// reads an answer — the processor reading the ledger and the feed, the card network reading the processor,
// the checkers reading the ledger — judges it here, so `{}`, a missing or mistyped field, an unknown result
// or a body that is not JSON is one thing everywhere: a bad answer (cause `bad_answer`), never a decline.
import type { ErrorObject } from 'ajv';
import { schemaCompiler } from './validator-cache.ts';

// validateSchema: false: the answer schemas are ours (the services' own response schemas, published and checked
// as OpenAPI); checking them against the meta-schema cost a compile of the meta-schema in every process at start-up.
// A service a topology started loads them as the code Ajv generated at an earlier start (validator-cache.ts).
const validatorOf = schemaCompiler({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false, validateSchema: false, code: { optimize: false } });

function sentence(error: ErrorObject): string {
  const where = error.instancePath ? `answer${error.instancePath}` : 'answer';
  const allowed = error.keyword === 'enum' ? ` (${(error.params as { allowedValues?: unknown[] }).allowedValues?.map((v) => JSON.stringify(v)).join(', ')})` : '';
  return `${where} ${error.message ?? 'is invalid'}${allowed}`;
}

/**
 * Compiles the schemas now. Compiling takes tens of milliseconds per schema (hundreds on a busy machine):
 * a service or the driver does it before serving or sending, never on its first answer under load.
 */
export function precompileAnswers(...schemas: object[]): void {
  for (const schema of schemas) validatorOf(schema);
}

/** A short, safe rendering of what came back, for an error message (bounded: answers can be large). */
export function describeBody(body: unknown): string {
  if (body === null || body === undefined) return 'no JSON body (empty, or not JSON)';
  if (typeof body === 'string') return `a body that is not JSON (${JSON.stringify(body.length > 60 ? `${body.slice(0, 60)}…` : body)})`;
  const text = JSON.stringify(body) ?? String(body);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/**
 * Why `body` does not match `schema`, or null when it does. A string body (the router's and the network's
 * clients hand over a body that is not JSON as text) or an empty one is never a match for an object schema.
 */
export function answerProblem(schema: object, body: unknown): string | null {
  if (body === null || body === undefined || typeof body === 'string') return `${describeBody(body)} where a JSON answer was due`;
  const validate = validatorOf(schema);
  if (validate(body)) return null;
  const first = validate.errors?.[0];
  return first ? sentence(first) : 'answer does not match its schema';
}

/** The answer's `field` must echo what was asked: null when it does, else why not. */
export function echoProblem(body: unknown, field: string, expected: string | number): string | null {
  const value = (body as Record<string, unknown> | null)?.[field];
  return value === expected ? null : `answer/${field} is ${JSON.stringify(value)}, not the ${JSON.stringify(expected)} asked for`;
}
