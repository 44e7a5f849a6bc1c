// Comparing two answers the way idempotency by content means "the same answer": the same status and the
// same body, except `replayed` (it says which one is the repeat) and `ledger_attempts` (how many tries
// the processor's own ledger call took this time).
import type { JsonValue } from '../types.ts';
import { answered, type Answer, type NoAnswer } from './types.ts';

export const PER_DELIVERY_FIELDS: readonly string[] = ['replayed', 'ledger_attempts'];

/** The first path at which the two answers differ (`status`, `amount.value`), or null when they are the same answer. */
export function answerDifference(a: Answer | NoAnswer, b: Answer | NoAnswer): string | null {
  if (!answered(a) || !answered(b)) return 'status';
  if (a.status !== b.status) return 'status';
  return jsonDifference(strip(a.json), strip(b.json), '');
}

function strip(value: JsonValue | undefined): JsonValue | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) if (!PER_DELIVERY_FIELDS.includes(k)) out[k] = v;
  return out;
}

function jsonDifference(a: JsonValue | undefined, b: JsonValue | undefined, path: string): string | null {
  const here = path || '(body)';
  if (a === b) return null;
  if (a === null || b === null || a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return here;
  if (Array.isArray(a) !== Array.isArray(b)) return here;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return here;
    for (let i = 0; i < a.length; i++) {
      const d = jsonDifference(a[i], b[i], path ? `${path}.${i}` : String(i));
      if (d) return d;
    }
    return null;
  }
  const ao = a as Record<string, JsonValue>;
  const bo = b as Record<string, JsonValue>;
  for (const key of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
    const d = jsonDifference(ao[key], bo[key], path ? `${path}.${key}` : key);
    if (d) return d;
  }
  return null;
}
