// How a trend value reads in the legend and on the y axis, by unit (units.ts formats the tables the same way).
import type { Unit } from '../units.ts';

const DASH = '–';

export function fmtValue(unit: Unit, v: number | null): string {
  if (v == null || !isFinite(v)) return DASH;
  switch (unit) {
    case 'rate':
      return (v * 100).toFixed(2) + '%';
    case 'ms':
      return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : v.toFixed(v >= 100 ? 0 : 1) + ' ms';
    case 's':
      return v.toFixed(1) + ' s';
    case 'count':
      return Math.round(v) === v ? String(v) : v.toFixed(1);
    case 'ratio':
      return v.toFixed(3);
    case 'pct':
      return v.toFixed(v < 10 ? 2 : 1) + '%';
    default:
      return Math.round(v) === v ? String(v) : v.toFixed(3);
  }
}

/** A y-axis tick: shorter than a legend value. */
export function fmtTick(unit: Unit, v: number | null): string {
  if (v == null || !isFinite(v)) return '';
  switch (unit) {
    case 'rate':
      return +(v * 100).toPrecision(4) + '%';
    case 'ms':
      return v >= 1000 ? +(v / 1000).toPrecision(3) + ' s' : +v.toPrecision(3) + ' ms';
    case 's':
      return +v.toPrecision(3) + ' s';
    case 'pct':
      return +v.toPrecision(3) + '%';
    default:
      return String(+v.toPrecision(4));
  }
}
