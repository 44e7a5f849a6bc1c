// Is an answer one the contract documents? Its status must be documented for the route and its body must
// validate against that status's schema (Ajv, compiled once per schema). The first problem is named the
// way a service names a bad field: `body/account/available must be integer`.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { responseFor } from '../routes.ts';
import type { ContractRoute, JsonSchema, JsonValue } from '../types.ts';
import { answered, type Answer, type NoAnswer } from './types.ts';

const ajv = new Ajv({ strict: false, allErrors: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** The first way `value` breaks `schema`, or null. */
export function schemaProblem(schema: JsonSchema, value: JsonValue | undefined): string | null {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (value === undefined) return 'the body is not JSON';
  if (validate(value)) return null;
  return describeAjvError(validate.errors?.[0]);
}

function describeAjvError(error: ErrorObject | undefined): string {
  if (!error) return 'the body does not match its schema';
  const where = `body${error.instancePath}`;
  const params = error.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[] };
  if (params.additionalProperty) return `${where}/${params.additionalProperty} is not an allowed field`;
  if (params.missingProperty) return `${where} must have required property '${params.missingProperty}'`;
  const allowed = params.allowedValues ? `: ${params.allowedValues.join(', ')}` : '';
  return `${where} ${error.message ?? 'is invalid'}${allowed}`;
}

export interface JudgeOptions {
  /** A status only a range (`4XX`) or `default` covers is not documented enough (a valid request's answer). */
  exactStatus?: boolean;
}

/** Null when the answer is documented for the route and its body validates; else what is wrong. */
export function answerProblem(route: ContractRoute, response: Answer | NoAnswer, options: JudgeOptions = {}): string | null {
  if (!answered(response)) return `no answer: ${response.error}`;
  const documented = responseFor(route, response.status);
  if (!documented || (options.exactStatus && documented.status !== String(response.status))) {
    const listed = route.responses.map((r) => r.status).join(', ');
    return `answered ${response.status}, which the contract does not document for ${route.method} ${route.path} (it documents ${listed})`;
  }
  if (!documented.schema) return null;
  const problem = schemaProblem(documented.schema, response.json);
  return problem ? `answered ${response.status} with a body that breaks the contract's ${documented.status} schema: ${problem}` : null;
}

/** The answer's JSON body as an object, or undefined. */
export function bodyOf(response: Answer | NoAnswer): Record<string, JsonValue> | undefined {
  if (!answered(response)) return undefined;
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? json : undefined;
}

export function statusOf(response: Answer | NoAnswer): number | null {
  return answered(response) ? response.status : null;
}

/** `409`, or `no answer (connection refused)`. */
export function describeStatus(response: Answer | NoAnswer): string {
  return answered(response) ? String(response.status) : `no answer (${response.error})`;
}
