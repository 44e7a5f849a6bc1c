// Durations as people write them (k6, Toxiproxy and Go do the same): `500ms`, `30s`, `1m30s`, `1h`,
// `1.5s`; a bare number is seconds. The one parser for every duration on the command line and in a
// scenario file. Returns seconds.

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/g;
const WHOLE = /^(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ms|h|m|s))+$/;

export const DURATION_EXAMPLES = '30s, 1m30s or 500ms (a bare number is seconds)';

export class DurationError extends Error {
  override name = 'DurationError';
}

/** Seconds for a duration such as `1m30s`, `500ms` or `20`; throws a DurationError naming what it got. */
export function parseDuration(input: number | string, what = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new DurationError(`${what} must be a duration such as ${DURATION_EXAMPLES}, got ${input}`);
    return input;
  }
  const text = input.trim();
  if (/^(\d+(\.\d+)?|\.\d+)$/.test(text)) return Number(text);
  if (!WHOLE.test(text)) throw new DurationError(`${what} must be a duration such as ${DURATION_EXAMPLES}, got "${input}"`);
  let seconds = 0;
  for (const m of text.matchAll(PART)) seconds += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
  return Math.round(seconds * 1e6) / 1e6;
}

/** `90` -> `1m30s`, `0.5` -> `500ms`: how a duration is shown back to the user. */
export function formatDuration(seconds: number): string {
  if (seconds < 1 && seconds > 0) return `${Math.round(seconds * 1000)}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round((seconds % 60) * 1000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
