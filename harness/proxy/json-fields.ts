// Reading the fields of a JSON request body the way Go's decoder does: a field of the wrong JSON type is a
// "bad request body" (400), a missing or null one takes its default, unknown ones are ignored.
import { ErrBadRequestBody } from './api-error.ts';

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
