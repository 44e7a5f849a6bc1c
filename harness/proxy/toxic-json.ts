// Reading toxic bodies the way the real server's JSON decoding does: defaults (downstream, toxicity 1,
// name `<type>_<stream>`), then the stream, the type, and the attributes once the type is known.
// Fields of the wrong JSON type are a "bad request body"; unknown fields are ignored.
import { ErrBadRequestBody, ErrInvalidStream } from './api-error.ts';
import type { Attributes, Direction, ToxicDefinition } from './toxics/toxic.ts';

export interface ToxicCreateFields {
  name: string;
  type: string;
  stream: Direction;
  toxicity: number;
  /** The raw `attributes` value, read once the type is known. */
  attributes: unknown;
}

export function readObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ErrBadRequestBody.withDetail(`expected a JSON object for ${what}`);
  }
  return body as Record<string, unknown>;
}

export function readString(body: Record<string, unknown>, field: string, fallback: string): string {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw ErrBadRequestBody.withDetail(`field "${field}" must be a string`);
  return value;
}

export function readNumber(body: Record<string, unknown>, field: string, fallback: number): number {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw ErrBadRequestBody.withDetail(`field "${field}" must be a number`);
  return value;
}

export function readBoolean(body: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw ErrBadRequestBody.withDetail(`field "${field}" must be a boolean`);
  return value;
}

export function parseDirection(value: string): Direction | undefined {
  const lower = value.toLowerCase();
  return lower === 'upstream' || lower === 'downstream' ? lower : undefined;
}

export function readToxicCreate(raw: unknown): ToxicCreateFields {
  const body = readObject(raw, 'a toxic');
  const streamText = readString(body, 'stream', 'downstream');
  const type = readString(body, 'type', '');
  const name = readString(body, 'name', '');
  const toxicity = readNumber(body, 'toxicity', 1);
  const stream = parseDirection(streamText);
  if (!stream) throw ErrInvalidStream;
  return { name: name === '' ? `${type}_${stream}` : name, type, stream, toxicity, attributes: body.attributes };
}

/** The attributes of `definition` from a body value, over `base` (defaults on create, current values on update). */
export function readAttributes(definition: ToxicDefinition, raw: unknown, base: Attributes): Attributes {
  const result: Attributes = { ...base };
  if (raw === undefined || raw === null) return result;
  const given = readObject(raw, 'attributes');
  for (const key of Object.keys(definition.defaults)) {
    const value = given[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw ErrBadRequestBody.withDetail(`attribute "${key}" of ${definition.type} must be an integer`);
    }
    if (value < 0) throw ErrBadRequestBody.withDetail(`attribute "${key}" of ${definition.type} must not be negative`);
    result[key] = value;
  }
  const problem = definition.validate?.(result);
  if (problem) throw ErrBadRequestBody.withDetail(problem);
  return result;
}
