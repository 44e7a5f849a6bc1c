// The trend: runs grouped by what makes them comparable (scenario, router, stand-in, replaced services),
// each group's nights in the order they started, and per group one series per gated metric with a point
// for every night. Pure: summaries in, model out (the page and the tests read the same model).
import { BASELINE_FAMILIES } from '../gate/baseline.ts';
import { METRIC_NAMES, METRICS } from '../gate/metrics.ts';
import type { Summary } from '../summary/types.ts';
import { nightMetrics, type MetricMeta, type NightPoint } from './night-metrics.ts';
import type { Unit } from './units.ts';

/** A night's verdict as the trend shows it: an interrupted run is `incomplete` unless it lost money (failed). */
export type NightVerdict = 'passed' | 'failed' | 'inconclusive' | 'incomplete';

export interface TrendRun {
  /** The run folder (the one holding summary.json). */
  dir: string;
  summary: Summary;
}

export interface Night {
  dir: string;
  started_at: string;
  verdict: NightVerdict;
  /** Passed and failed nights are compared with each other; inconclusive and incomplete ones never are. */
  comparable: boolean;
  reasons: string[];
  /** The baseline the run was compared with, if it was. */
  baseline: string | null;
  duration_s: number;
}

export interface TrendSeries {
  meta: MetricMeta;
  /** One point per night of the group, in the nights' order. */
  points: NightPoint[];
}

export interface TrendGroup {
  key: string;
  scenario: string;
  router: string;
  standin: boolean;
  /** Services replaced by the team's own (a run against them is its own series). */
  replaced: string[];
  nights: Night[];
  series: TrendSeries[];
  /** Gated metrics (names or families) with no value on any night of the group, e.g. recovery without faults. */
  unmeasured: string[];
  /** Earlier nights left out by `last`. */
  dropped: number;
}

export interface TrendOptions {
  /** Keep the most recent `last` nights of each group. */
  last?: number;
}

/** Every gated metric name and family, in the order the page shows them (the gate's own order). */
export function gatedFamilies(): string[] {
  return [...new Set([...METRIC_NAMES, ...BASELINE_FAMILIES])];
}

export function nightVerdict(summary: Summary): NightVerdict {
  if (summary.verdict === 'failed') return 'failed';
  if (summary.incomplete) return 'incomplete';
  return summary.verdict;
}

function groupKey(s: Summary): string {
  const replaced = (s.replaced ?? []).map((r) => r.service).sort();
  return [s.scenario, s.router, s.standin ? 'stand-in' : 'no stand-in', ...(replaced.length ? [`own ${replaced.join('+')}`] : [])].join(' · ');
}

function night(run: TrendRun): Night {
  const s = run.summary;
  const verdict = nightVerdict(s);
  return {
    dir: run.dir,
    started_at: s.started_at,
    verdict,
    comparable: !s.incomplete && (s.verdict === 'passed' || s.verdict === 'failed'),
    reasons: s.reasons,
    baseline: s.baseline ? (s.baseline.file ?? 'a baseline') : null,
    duration_s: s.duration_s,
  };
}

function familyRank(order: readonly string[], family: string): number {
  const i = order.indexOf(family);
  return i === -1 ? order.length : i;
}

/** Where a series' aggregation (`authorization_latency p(99)`) sits in its metric's list: p(50) before p(99). */
function aggregationRank(meta: MetricMeta): number {
  const aggregations: readonly string[] = METRICS.get(meta.family)?.aggregations ?? [];
  const i = aggregations.findIndex((a) => meta.id.endsWith(` ${a}`));
  return i === -1 ? aggregations.length : i;
}

/** Rates first, then latency, recovery, counts, and the rest: related metrics sit together on the page. */
const UNIT_ORDER: readonly Unit[] = ['rate', 'ms', 's', 'count', 'pct', 'ratio', 'number'];

function buildGroup(runs: TrendRun[], options: TrendOptions): TrendGroup {
  const sorted = [...runs].sort((a, b) => Date.parse(a.summary.started_at) - Date.parse(b.summary.started_at) || a.dir.localeCompare(b.dir));
  const keep = options.last && options.last > 0 ? sorted.slice(-options.last) : sorted;
  const first = keep[0]?.summary as Summary;
  const perNight = keep.map((r) => nightMetrics(r.summary));
  // Series by unit, then the gate's family order, whole-run before tagged, then first seen.
  const metas = new Map<string, MetricMeta>();
  for (const m of perNight) for (const [id, entry] of m) if (!metas.has(id)) metas.set(id, entry.meta);
  const order = gatedFamilies();
  const seen = [...metas.values()];
  const series: TrendSeries[] = seen
    .map((meta, i) => ({ meta, i }))
    .sort(
      (a, b) =>
        UNIT_ORDER.indexOf(a.meta.unit) - UNIT_ORDER.indexOf(b.meta.unit) ||
        familyRank(order, a.meta.family) - familyRank(order, b.meta.family) ||
        a.meta.family.localeCompare(b.meta.family) ||
        Number(a.meta.id.includes('{')) - Number(b.meta.id.includes('{')) ||
        aggregationRank(a.meta) - aggregationRank(b.meta) ||
        a.i - b.i,
    )
    .map(({ meta }) => ({
      meta,
      points: perNight.map((m) => m.get(meta.id)?.point ?? { value: null, never: false, limits: [], ok: null }),
    }))
    .filter((s) => s.points.some((p) => p.value !== null || p.never));
  const measured = new Set(series.map((s) => s.meta.family));
  return {
    key: groupKey(first),
    scenario: first.scenario,
    router: first.router,
    standin: first.standin,
    replaced: (first.replaced ?? []).map((r) => r.service).sort(),
    nights: keep.map(night),
    series,
    unmeasured: order.filter((f) => !measured.has(f)),
    dropped: sorted.length - keep.length,
  };
}

export function buildTrend(runs: TrendRun[], options: TrendOptions = {}): TrendGroup[] {
  const groups = new Map<string, TrendRun[]>();
  for (const run of runs) {
    const key = groupKey(run.summary);
    const list = groups.get(key);
    if (list) list.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.values()].map((g) => buildGroup(g, options)).sort((a, b) => a.key.localeCompare(b.key));
}
