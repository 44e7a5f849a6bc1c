// Bad input generated from a contract's request schemas: a valid body with one thing wrong (a required
// field missing, a field of the wrong type, an unknown field, a value out of its range or pattern), bodies
// that are not JSON, a body past the limit, and path/query parameters that break their schemas. Each
// variant is confirmed invalid against the schema itself (Ajv, no coercion), so a service that accepts
// one really accepted what its contract refuses.
import { Ajv, type ValidateFunction } from 'ajv';
import { isObject, mergeAll } from './generate.ts';
import type { JsonObject, JsonSchema, JsonValue } from './types.ts';

export type InvalidKind = 'missing' | 'wrong-type' | 'unknown-field' | 'out-of-range';

export interface InvalidBody {
  kind: InvalidKind;
  /** The field at fault, as a dotted path (`amount.value`, `events.0.account_id`); `(body)` for the whole body. */
  field: string;
  /** What is wrong, in a few words: `amount.value is the string "1250"`. */
  description: string;
  body: JsonValue;
}

export interface MalformedBody {
  description: string;
  /** The raw text sent as `application/json`. */
  text: string;
}

export interface InvalidParams {
  description: string;
  /** The parameter at fault. */
  field: string;
  values: Record<string, string>;
}

const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** Whether the schema accepts the value (Ajv, no coercion, as a strict JSON API validates a body). */
export function accepts(schema: JsonSchema, value: JsonValue): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) === true;
}

const DELETE = Symbol('delete');
const MAX_DEPTH = 3;
const UNKNOWN_FIELD = 'unexpected_field';

/** Every single-fault variant of `valid` the schema refuses, top-level fields first. */
export function invalidBodies(schema: JsonSchema, valid: JsonValue): InvalidBody[] {
  const found: InvalidBody[] = [];
  const visit = (node: JsonSchema, value: JsonValue, path: string[]): void => {
    const s = Array.isArray(node.allOf) ? mergeAll(node) : node;
    if (path.length >= MAX_DEPTH) return;
    if (Array.isArray(value) && isObject(s.items) && value.length > 0) {
      visit(s.items, value[0] as JsonValue, [...path, '0']);
      return;
    }
    if (!isObject(value) || !isObject(s.properties)) return;
    const properties = s.properties;
    const required = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [];
    for (const name of required) {
      found.push({ kind: 'missing', field: dotted([...path, name]), description: `${dotted([...path, name])} is missing (required)`, body: setAt(valid, [...path, name], DELETE) });
    }
    if (s.additionalProperties === false) {
      const at = [...path, UNKNOWN_FIELD];
      found.push({ kind: 'unknown-field', field: dotted(at), description: `unknown field ${dotted(at)}`, body: setAt(valid, at, 'not in the contract') });
    }
    for (const [name, raw] of Object.entries(properties)) {
      if (!(name in value) || !isObject(raw)) continue;
      const at = [...path, name];
      const field = dotted(at);
      const wrong = wrongTypeFor(raw);
      if (wrong !== undefined) found.push({ kind: 'wrong-type', field, description: `${field} is ${describe(wrong)}`, body: setAt(valid, at, wrong) });
      for (const bad of outOfRangeFor(raw)) found.push({ kind: 'out-of-range', field, description: `${field} is ${describe(bad.value)} (${bad.why})`, body: setAt(valid, at, bad.value) });
      visit(raw, value[name] as JsonValue, at);
    }
  };
  found.push({ kind: 'wrong-type', field: '(body)', description: 'the body is a JSON array, not an object', body: [valid] });
  found.push({ kind: 'wrong-type', field: '(body)', description: 'the body is JSON null', body: null });
  visit(schema, valid, []);
  return found.filter((v) => !accepts(schema, v.body));
}

/** Bodies that are not JSON at all, sent with `content-type: application/json`. */
export function malformedBodies(validText: string): MalformedBody[] {
  return [
    { description: 'malformed JSON (cut off half-way)', text: validText.slice(0, Math.max(1, Math.floor(validText.length / 2))) },
    { description: 'malformed JSON (not JSON at all)', text: 'amount=1250&currency=GBP' },
    { description: 'malformed JSON (an empty body)', text: '' },
    { description: 'malformed JSON (a stray brace after the object)', text: `${validText}}` },
  ];
}

/** The valid body padded with one long field so that it is `overBy` bytes past `limitBytes`. */
export function oversizeBody(valid: JsonObject, limitBytes: number, overBy = 1024): string {
  const base = JSON.stringify({ ...valid, padding: '' });
  return JSON.stringify({ ...valid, padding: 'x'.repeat(Math.max(1, limitBytes + overBy - base.length)) });
}

/** One invalid value per constrained parameter (path or query), each in an otherwise valid set. */
export function invalidParams(schema: JsonSchema, valid: Record<string, string>): InvalidParams[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const out: InvalidParams[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    if (!isObject(raw)) continue;
    const type = raw.type;
    if (type === 'integer' || type === 'number') {
      out.push({ field: name, description: `${name}=abc (not a number)`, values: { ...valid, [name]: 'abc' } });
      if (typeof raw.minimum === 'number') out.push({ field: name, description: `${name}=${raw.minimum - 1} (below its minimum ${raw.minimum})`, values: { ...valid, [name]: String(raw.minimum - 1) } });
      if (typeof raw.maximum === 'number') out.push({ field: name, description: `${name}=${raw.maximum + 1} (above its maximum ${raw.maximum})`, values: { ...valid, [name]: String(raw.maximum + 1) } });
    } else if (type === 'string' && typeof raw.pattern === 'string') {
      const bad = breaking(raw);
      if (bad !== undefined) out.push({ field: name, description: `${name}=${JSON.stringify(bad)} (breaks its pattern ${raw.pattern})`, values: { ...valid, [name]: bad } });
    }
  }
  return out;
}

/** A value of another type than the schema's, that it refuses; undefined when every candidate is accepted. */
function wrongTypeFor(schema: JsonSchema): JsonValue | undefined {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const byType: Record<string, JsonValue[]> = {
    string: [12345, true],
    integer: ['1250', 12.5, true],
    number: ['12.5', true],
    boolean: ['true', 1],
    object: ['an object was expected', [1]],
    array: [{ not: 'an array' }, 'x'],
  };
  const candidates = [...(byType[typeof type === 'string' ? type : ''] ?? []), 12345, 'x', true, { x: 1 }, [1], null];
  return candidates.find((c) => !accepts(schema, c));
}

/** Values of the right type that break one constraint each (pattern, enum, length, range, const). */
function outOfRangeFor(schema: JsonSchema): Array<{ value: JsonValue; why: string }> {
  const out: Array<{ value: JsonValue; why: string }> = [];
  const add = (value: JsonValue, why: string): void => {
    if (!accepts(schema, value)) out.push({ value, why });
  };
  if (typeof schema.pattern === 'string') {
    const bad = breaking(schema);
    if (bad !== undefined) add(bad, `breaks ${schema.pattern}`);
  }
  if (Array.isArray(schema.enum) && schema.enum.every((e) => typeof e === 'string')) add('NOT_A_LISTED_VALUE', `not one of ${schema.enum.slice(0, 4).join(', ')}${schema.enum.length > 4 ? ', …' : ''}`);
  if ('const' in schema && typeof schema.const === 'string') add(`${schema.const}_other`, `not ${schema.const}`);
  if (typeof schema.minLength === 'number' && schema.minLength > 0) add('', `shorter than ${schema.minLength}`);
  if (typeof schema.maxLength === 'number') add('x'.repeat(schema.maxLength + 1), `longer than ${schema.maxLength}`);
  if (typeof schema.minimum === 'number') add(schema.minimum - 1, `below its minimum ${schema.minimum}`);
  if (typeof schema.maximum === 'number') add(schema.maximum + 1, `above its maximum ${schema.maximum}`);
  return out;
}

/** A short string of the right length that the schema's pattern refuses. */
function breaking(schema: JsonSchema): string | undefined {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  return ['bad value!', 'white space', '#', '<x>', 'é', '0', 'a'].map((c) => c.padEnd(min, 'x')).find((c) => !accepts(schema, c));
}

function setAt(root: JsonValue, path: string[], value: JsonValue | typeof DELETE): JsonValue {
  const copy = structuredClone(root);
  let node: JsonValue = copy;
  for (const key of path.slice(0, -1)) {
    node = (Array.isArray(node) ? node[Number(key)] : (node as JsonObject)[key]) as JsonValue;
  }
  const last = path[path.length - 1] as string;
  if (Array.isArray(node)) {
    if (value === DELETE) node.splice(Number(last), 1);
    else node[Number(last)] = value;
  } else if (isObject(node)) {
    if (value === DELETE) delete node[last];
    else node[last] = value;
  }
  return copy;
}

function dotted(path: string[]): string {
  return path.join('.');
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `the array ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'object') return `the object ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'string') return `the string ${truncate(JSON.stringify(value))}`;
  return `the ${typeof value} ${String(value)}`;
}

function truncate(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`;
}
