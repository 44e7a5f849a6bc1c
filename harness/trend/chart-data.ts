// What the trend page's charts draw, one JSON block for the whole page (escape.ts jsonForScript): per group
// the nights (tick label, verdict, comparable or not) and per series the value, the band and whether the
// value met it, night by night. The browser script (client/) imports these types only.
import type { NightVerdict, TrendGroup } from './model.ts';
import type { NightPoint } from './night-metrics.ts';
import type { Unit } from './units.ts';

export interface TrendChartSeries {
  id: string;
  family: string;
  unit: Unit;
  values: Array<number | null>;
  /** A recovery that never came that night. */
  never: boolean[];
  /** The night's band: where the value met every limit it was held to (null = open on that side). */
  lo: Array<number | null>;
  hi: Array<number | null>;
  /** Met its limits (true), broke one (false), held to none (null). */
  ok: Array<boolean | null>;
}

export interface TrendChartGroup {
  key: string;
  /** Short tick labels: `11-30 03:55` (UTC). */
  labels: string[];
  /** Full start times, for the legend. */
  started: string[];
  verdicts: NightVerdict[];
  comparable: boolean[];
  series: TrendChartSeries[];
}

export interface TrendChartData {
  groups: TrendChartGroup[];
}

/** The band of one night: the intersection of every limit's allowed region. */
export function bandOf(point: NightPoint): { lo: number | null; hi: number | null } {
  let lo: number | null = null;
  let hi: number | null = null;
  for (const l of point.limits) {
    if (l.lo !== null && Number.isFinite(l.lo)) lo = lo === null ? l.lo : Math.max(lo, l.lo);
    if (l.hi !== null && Number.isFinite(l.hi)) hi = hi === null ? l.hi : Math.min(hi, l.hi);
  }
  return { lo, hi };
}

/** `2026-11-30T03:55:51.418Z` → `11-30 03:55` (UTC, as the summaries record it). */
export function tickLabel(startedAt: string): string {
  const d = new Date(startedAt);
  if (!Number.isFinite(d.getTime())) return startedAt.slice(0, 16);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

const round = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 1e6) / 1e6);

export function trendChartData(groups: TrendGroup[]): TrendChartData {
  return {
    groups: groups.map((g) => ({
      key: g.key,
      labels: g.nights.map((n) => tickLabel(n.started_at)),
      started: g.nights.map((n) => n.started_at),
      verdicts: g.nights.map((n) => n.verdict),
      comparable: g.nights.map((n) => n.comparable),
      series: g.series.map((s) => {
        const bands = s.points.map(bandOf);
        return {
          id: s.meta.id,
          family: s.meta.family,
          unit: s.meta.unit,
          values: s.points.map((p) => round(p.value)),
          never: s.points.map((p) => p.never),
          lo: bands.map((b) => round(b.lo)),
          hi: bands.map((b) => round(b.hi)),
          ok: s.points.map((p) => p.ok),
        };
      }),
    })),
  };
}
