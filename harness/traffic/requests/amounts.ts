// Authorization amounts: log-normal around a median (card spend is many small payments and a long tail
// of large ones), clamped to [min, max], always an integer number of minor units.
import type { Rng } from '../../../services/common/random.ts';

export interface AmountSpec {
  currency: string;
  /** Median amount in minor units. */
  median: number;
  min: number;
  max: number;
}

/**
 * Spread of ln(amount). 1.0 puts the middle 50% of payments between about 0.5x and 2x the median,
 * and 1 in 20 above 5x: close to everyday card spend.
 */
export const DEFAULT_AMOUNT_SIGMA = 1.0;

/** A standard normal draw (Box–Muller, one of the pair), from uniform draws of the seeded Rng. */
export function standardNormal(rng: Rng): number {
  let u = rng.next();
  while (u <= Number.EPSILON) u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Draws one amount in integer minor units. */
export function drawAmount(rng: Rng, spec: AmountSpec, sigma: number = DEFAULT_AMOUNT_SIGMA): number {
  const min = Math.ceil(Math.min(spec.min, spec.max));
  const max = Math.floor(Math.max(spec.min, spec.max));
  const raw = spec.median * Math.exp(sigma * standardNormal(rng));
  const value = Math.round(raw);
  if (value < min) return min;
  if (value > max) return max;
  return value;
}
