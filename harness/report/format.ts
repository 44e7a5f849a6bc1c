// How numbers read in the report: percentages, milliseconds, seconds, counts.

export function pct(rate: number | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  return `${(rate * 100).toFixed(digits)}%`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
}

export function secs(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value.toFixed(digits)} s`;
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-GB');
}

export function rate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value.toFixed(value >= 100 ? 0 : 1)}/s`;
}

export function share(part: number, total: number): string {
  return total > 0 ? pct(part / total, 1) : '–';
}

/** A CSS class for a success rate: good, warn or bad. */
export function rateClass(value: number | null | undefined): 'good' | 'warn' | 'bad' | 'none' {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'none';
  if (value >= 0.995) return 'good';
  if (value >= 0.95) return 'warn';
  return 'bad';
}

/**
 * A recovery time: seconds, "never" when the fault healed and the success rate did not come back, or "n/a"
 * when the window lasts to the end of traffic (there is no after phase to recover in: not measured).
 */
export function recovery(value: number | null | undefined, healed: boolean, applicable = true): string {
  if (!applicable) return 'n/a';
  if (!healed) return 'not healed';
  if (value === null || value === undefined || !Number.isFinite(value)) return 'never';
  return secs(value);
}
