// The unit of a gated metric, told from the gate's own metric catalogue (harness/gate/metrics.ts) and the
// metric's name, so a metric added there later reads right here without a change: a rate as a percentage,
// latency in ms, recovery in seconds, counts as whole numbers.
import { METRICS, type Aggregation } from '../gate/metrics.ts';

export type Unit = 'rate' | 'ms' | 's' | 'count' | 'ratio' | 'pct' | 'number';

export function unitOf(family: string, aggregation?: Aggregation): Unit {
  const agg = aggregation ?? METRICS.get(family)?.aggregations[0];
  if (/latency/.test(family)) return 'ms';
  if (/_seconds$/.test(family)) return 's';
  if (/_pct$/.test(family)) return 'pct';
  if (agg === 'rate' || /_rate$/.test(family)) return 'rate';
  if (agg === 'count' || /^authorizations_/.test(family)) return 'count';
  if (/amplification|ratio/.test(family)) return 'ratio';
  return 'number';
}

/** A value as the page's tables read it (the charts format theirs in the browser, the same way). */
export function formatValue(unit: Unit, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'rate':
      return `${(value * 100).toFixed(2)}%`;
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value >= 100 ? 0 : 1)} ms`;
    case 's':
      return `${value.toFixed(1)} s`;
    case 'count':
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
    case 'ratio':
      return value.toFixed(3);
    case 'pct':
      return `${value.toFixed(value < 10 ? 2 : 1)}%`;
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(3);
  }
}
