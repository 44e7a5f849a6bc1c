// How values read in the legend and on the axes.

const DASH = '–';

export function fmtPct(v: number | null): string {
  return v == null ? DASH : (v * 100).toFixed(v >= 0.999 || v === 0 ? 1 : 2) + '%';
}

export function fmtMs(v: number | null): string {
  if (v == null) return DASH;
  if (v >= 1000) return (v / 1000).toFixed(2) + ' s';
  return (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ms';
}

export function fmtRate(v: number | null): string {
  return v == null ? DASH : (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + '/s';
}

export function fmtSeconds(v: number | null): string {
  return v == null ? DASH : v + ' s';
}

/** An x-axis tick: seconds, with a true minus sign before 0 (the warm-up). */
export function fmtSecondsTick(v: number): string {
  return (v < 0 ? '\u2212' + -v : v) + ' s';
}

export function fmtPctTick(v: number): string {
  return Math.round(v * 100) + '%';
}

export function fmtMsTick(v: number | null): string {
  if (v == null) return '';
  if (v >= 1000) return +(v / 1000).toPrecision(3) + ' s';
  return +v.toPrecision(3) + ' ms';
}

export function fmtRateTick(v: number | null): string {
  return v == null ? '' : +v.toPrecision(3) + '/s';
}
