// Building an InvariantResult: the first offending ids (at most 20), how many there were, and a validity.
import type { InvariantResult } from '../summary/types.ts';

export type Validity = InvariantResult['validity'];

export const MAX_OFFENDING = 20;

/** Collects offending ids: keeps the first MAX_OFFENDING, counts them all. */
export class Offenders {
  readonly ids: string[] = [];
  count = 0;
  add(id: string): void {
    this.count++;
    if (this.ids.length < MAX_OFFENDING) this.ids.push(id);
  }
}

/**
 * A checker's result. Validity is `invalid` when anything offended, else `unknown` when the checker
 * could not see everything it needed, else `valid`; ok is true only when valid.
 */
export function invariantResult(
  name: string,
  offenders: Offenders,
  detail: string,
  options: { unknown?: boolean } = {},
): InvariantResult {
  const validity: Validity = offenders.count > 0 ? 'invalid' : options.unknown ? 'unknown' : 'valid';
  return { name, ok: validity === 'valid', validity, detail, offending: offenders.ids, count: offenders.count };
}

/** "3 lost (a, b, c)" style fragments for details, showing at most `show` examples. */
export function describe(label: string, ids: readonly string[], count: number, show = 3): string {
  if (count === 0) return `0 ${label}`;
  const shown = ids.slice(0, show).join(', ');
  return `${count} ${label} (${shown}${count > show ? ', ...' : ''})`;
}
