// Command-line flag values, checked before anything starts: a bad one is a UsageError (exit 2) naming the
// flag and what it got. Durations take units (`30s`, `1m30s`, `500ms`; a bare number is seconds).
import { DurationError, parseDuration } from '../scenario/duration.ts';
import { parseSeed } from '../scenario/seed.ts';
import { UsageError } from './exit-codes.ts';

export function positiveNumber(flag: string, raw: unknown, opts: { integer?: boolean; max?: number } = {}): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (opts.integer && !Number.isInteger(n)) || (opts.max !== undefined && n > opts.max)) {
    throw new UsageError(`${flag} must be a positive ${opts.integer ? 'integer' : 'number'}${opts.max !== undefined ? ` up to ${opts.max}` : ''}, got "${String(raw)}"`);
  }
  return n;
}

/** A duration flag in seconds (`--duration 1m30s` -> 90); `allowZero` for flags where 0 means "none". */
export function durationFlag(flag: string, raw: unknown, opts: { max?: number; allowZero?: boolean } = {}): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  let seconds: number;
  try {
    seconds = parseDuration(typeof raw === 'number' ? raw : String(raw), flag);
  } catch (err) {
    if (err instanceof DurationError) throw new UsageError(err.message);
    throw err;
  }
  if (seconds === 0 && !opts.allowZero) throw new UsageError(`${flag} must be longer than 0, got "${String(raw)}"`);
  if (opts.max !== undefined && seconds > opts.max) throw new UsageError(`${flag} must be at most ${opts.max} s, got "${String(raw)}"`);
  return seconds;
}

/** A seed within its documented range (scenario/seed.ts); an empty value is refused, not read as 0. */
export function seedFlag(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseSeed(String(raw));
  if ('problem' in parsed) throw new UsageError(`--seed ${parsed.problem}`);
  return parsed.seed;
}

/** One of a flag's choices, typed (commander offers the choices; a caller from code is checked here too). */
export function choiceFlag<T extends string>(flag: string, raw: unknown, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly unknown[]).includes(raw)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got "${String(raw)}"`);
  return raw as T;
}

/** A flag's text as given (a path, a file), or undefined. */
export function textFlag(raw: unknown): string | undefined {
  return raw === undefined ? undefined : String(raw);
}
