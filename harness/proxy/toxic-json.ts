// Reading toxic bodies the way the real server does: defaults (downstream, toxicity 1, name
// `<type>_<stream>`), then the stream, the type, and the attributes once the type is known.
import { ErrBadRequestBody, ErrInvalidStream } from './api-error.ts';
import { readNumber, readObject, readString } from './json-fields.ts';
import type { Attributes, Direction, ToxicDefinition } from './toxics/toxic.ts';

export interface ToxicCreateFields {
  name: string;
  type: string;
  stream: Direction;
  toxicity: number;
  /** The raw `attributes` value, read once the type is known. */
  attributes: unknown;
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
