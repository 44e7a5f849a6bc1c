// Reading toxic bodies the way the real server does: defaults (downstream, toxicity 1, name
// `<type>_<stream>`), then the stream, the type, and the attributes once the type is known.
import type { z } from 'zod';
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

/**
 * The attributes of `definition` from a body value, over `base` (defaults on create, current values on
 * update): each attribute the toxic declares is checked with its own schema; a missing or null one keeps
 * its base value, and attributes the toxic does not declare are ignored, as the real server does.
 */
export function readAttributes(definition: ToxicDefinition, raw: unknown, base: Attributes): Attributes {
  const result: Attributes = { ...base };
  if (raw === undefined || raw === null) return result;
  const given = readObject(raw, 'attributes');
  for (const [key, schema] of Object.entries(definition.attributes.shape)) {
    const value = given[key];
    if (value === undefined || value === null) continue;
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw ErrBadRequestBody.withDetail(`attribute "${key}" of ${definition.type} ${problem(parsed.error.issues[0])}`);
    result[key] = parsed.data;
  }
  return result;
}

/** Go's decoder only knows an integer or not; the sign is this server's own check. */
function problem(issue: z.core.$ZodIssue | undefined): string {
  if (issue?.code === 'too_small') return issue.minimum === 0 ? 'must not be negative' : `must be at least ${String(issue.minimum)}`;
  if (issue?.code === 'too_big') return `must be at most ${String(issue.maximum)}`;
  return issue?.code === 'custom' ? issue.message : 'must be an integer';
}
