// The seed of a run or a contract check: a whole number from 0 to 2^32 - 1. Every stream faultline draws
// from a seed (traffic, accounts, toxicity draws: services/common/random.ts) reduces it to 32 bits, so a
// larger one would only repeat a smaller one; and a seed is written as its decimal digits into request
// ids (`ct<seed>-…`), which must stay within the contracts' id pattern `^[A-Za-z0-9_.:-]+$` — 10 digits
// at most, never `1e+21`. The same range holds on every command that takes --seed and in scenario files.
export const MAX_SEED = 4_294_967_295;

export const SEED_RANGE = `a whole number from 0 to ${MAX_SEED} (2^32 - 1)`;

/** The seed a command-line value names, or why it names none (empty, signed, 1e21, 0x10, out of range). */
export function parseSeed(raw: string): { seed: number } | { problem: string } {
  const text = raw.trim();
  if (!/^\d{1,10}$/.test(text)) return { problem: `must be ${SEED_RANGE}, got "${raw}"` };
  const seed = Number(text);
  if (seed > MAX_SEED) return { problem: `must be ${SEED_RANGE}, got "${raw}"` };
  return { seed };
}
