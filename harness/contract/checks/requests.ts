// A route's request from its parts: the path template filled (each parameter URI-encoded), the query
// string, the JSON body.
import { fillPath } from '../routes.ts';
import type { ContractRoute, JsonValue } from '../types.ts';
import type { SendOptions } from './client.ts';

export interface RequestParts {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: JsonValue;
  /** A raw body instead of `body` (malformed JSON). */
  raw?: string;
  replica?: number;
}

export function requestFor(route: Pick<ContractRoute, 'method' | 'path'>, parts: RequestParts = {}): SendOptions {
  const query = new URLSearchParams(parts.query ?? {}).toString();
  const path = `${fillPath(route.path, parts.params ?? {})}${query ? `?${query}` : ''}`;
  const out: SendOptions = { method: route.method, path };
  if (parts.raw !== undefined) out.raw = parts.raw;
  else if (parts.body !== undefined) out.json = parts.body;
  if (parts.replica !== undefined) out.replica = parts.replica;
  return out;
}

/** Query parameters as strings, as a URL carries them. */
export function queryStrings(value: JsonValue): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}
