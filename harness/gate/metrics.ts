// The metrics a threshold may name, what aggregations each supports, which tags it accepts, and how
// its value is read from a Summary. Everything here is computed from summary.json alone.
import type { PhaseSummary, Summary } from '../summary/types.ts';

export const PHASE_NAMES = ['before', 'during', 'after'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

/** An aggregation as written in an expression, normalised (`med` is `p(50)`). */
export type Aggregation = 'rate' | 'count' | 'value' | 'p(50)' | 'p(95)' | 'p(99)' | 'max';

export type TagName = 'phase' | 'fault';

/** The tags of a metric key: `authorization_latency{phase:during,fault:ledger-latency}`. */
export interface MetricTags {
  phase?: PhaseName;
  fault?: string;
}

export interface MetricSpec {
  name: string;
  description: string;
  /** The aggregations an expression on this metric may use. */
  aggregations: readonly Aggregation[];
  tags: readonly TagName[];
  /** Which direction is worse, used to pick the worst phase when a tag matches several. */
  worse: 'lower' | 'higher';
  /** The value, or null when there is no data (a null value fails its threshold). */
  read(summary: Summary, aggregation: Aggregation, tags: MetricTags): number | null;
}

/**
 * The phases a tag set selects. No tags: none (the whole run is read instead).
 * `{fault:x}` alone means the requests sent while fault x was active: its `during` phase.
 */
export function selectPhases(summary: Summary, tags: MetricTags): PhaseSummary[] {
  const phase = tags.phase ?? (tags.fault !== undefined ? 'during' : undefined);
  return summary.phases.filter(
    (p) => p.name === phase && (tags.fault === undefined || p.fault === tags.fault) && p.authorizations > 0,
  );
}

function hasTags(tags: MetricTags): boolean {
  return tags.phase !== undefined || tags.fault !== undefined;
}

function worstOf(values: number[], worse: 'lower' | 'higher'): number | null {
  if (values.length === 0) return null;
  return worse === 'lower' ? Math.min(...values) : Math.max(...values);
}

function latencyKey(aggregation: Aggregation): 'p50' | 'p95' | 'p99' | 'max' {
  switch (aggregation) {
    case 'p(50)':
      return 'p50';
    case 'p(95)':
      return 'p95';
    case 'p(99)':
      return 'p99';
    default:
      return 'max';
  }
}

/** The app success rate over a time window, weighted by the app requests of each second. */
function appRateBetween(summary: Summary, start_s: number, end_s: number): number | null {
  let total = 0;
  let ok = 0;
  for (const point of summary.timeseries) {
    if (point.t < start_s || point.t >= end_s || point.app_success_rate === null) continue;
    total += point.app_total;
    ok += point.app_total * point.app_success_rate;
  }
  return total > 0 ? ok / total : null;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const rateOf =
  (whole: (s: Summary) => number, perPhase: (p: PhaseSummary) => number) =>
  (summary: Summary, _aggregation: Aggregation, tags: MetricTags): number | null => {
    if (!hasTags(tags)) return summary.authorizations.total > 0 ? finiteOrNull(whole(summary)) : null;
    return worstOf(
      selectPhases(summary, tags).map(perPhase).filter((v) => Number.isFinite(v)),
      'lower',
    );
  };

/** approved / (approved + declined) of the whole run, from the counts (summaries older than the field have them too). */
export function wholeApprovalRate(summary: Summary): number | null {
  const { approved, declined } = summary.authorizations;
  const answered = approved + declined;
  return answered > 0 ? approved / answered : null;
}

/** A phase's approval rate; null when the issuer answered nothing in it, or the summary predates the field. */
export function phaseApprovalRate(p: PhaseSummary): number | null {
  return finiteOrNull(p.approval_rate);
}

const specs: MetricSpec[] = [
  {
    name: 'authorization_success_rate',
    description: '(approved + declined + stand-in) / total authorizations',
    aggregations: ['rate'],
    tags: ['phase', 'fault'],
    worse: 'lower',
    read: rateOf(
      (s) => s.authorizations.success_rate,
      (p) => p.success_rate,
    ),
  },
  {
    name: 'issuer_success_rate',
    description: '(approved + declined) / total: what the issuer itself answered, without stand-in',
    aggregations: ['rate'],
    tags: ['phase', 'fault'],
    worse: 'lower',
    read: rateOf(
      (s) => s.authorizations.issuer_success_rate,
      (p) => p.issuer_success_rate,
    ),
  },
  {
    name: 'approval_rate',
    description: 'approved / (approved + declined): of what the issuer answered, how much it approved (no issuer answer = no data)',
    aggregations: ['rate'],
    tags: ['phase', 'fault'],
    worse: 'lower',
    read(summary, _aggregation, tags) {
      if (!hasTags(tags)) return wholeApprovalRate(summary);
      const rates = selectPhases(summary, tags)
        .map(phaseApprovalRate)
        .filter((v): v is number => v !== null);
      return worstOf(rates, 'lower');
    },
  },
  {
    name: 'authorization_latency',
    description: 'authorization latency in ms from the intended send time (p(50), p(95), p(99), max)',
    aggregations: ['p(50)', 'p(95)', 'p(99)', 'max'],
    tags: ['phase', 'fault'],
    worse: 'higher',
    read(summary, aggregation, tags) {
      const key = latencyKey(aggregation);
      if (!hasTags(tags)) return summary.authorizations.total > 0 ? finiteOrNull(summary.latency_ms[key]) : null;
      return worstOf(
        selectPhases(summary, tags)
          .map((p) => p.latency_ms[key])
          .filter((v) => Number.isFinite(v)),
        'higher',
      );
    },
  },
  {
    name: 'app_success_rate',
    description: 'balance and feed reads that succeeded / app reads',
    aggregations: ['rate'],
    tags: ['phase', 'fault'],
    worse: 'lower',
    read(summary, _aggregation, tags) {
      if (!hasTags(tags)) return summary.app.total > 0 ? finiteOrNull(summary.app.success_rate) : null;
      const phase = tags.phase ?? 'during';
      const windows = summary.phases.filter(
        (p) => p.name === phase && (tags.fault === undefined || p.fault === tags.fault),
      );
      const rates = windows.map((p) => appRateBetween(summary, p.start_s, p.end_s)).filter((v) => v !== null);
      return worstOf(rates, 'lower');
    },
  },
  {
    name: 'recovery_seconds',
    description: "seconds from a fault's end until the success rate is back within threshold (never = fails)",
    aggregations: ['value'],
    tags: ['fault'],
    worse: 'higher',
    read(summary, _aggregation, tags) {
      // A window that lasts to the end of traffic has nothing to recover in: it is not read.
      const faults = summary.faults.filter((f) => (tags.fault === undefined || f.name === tags.fault) && f.recovery_applicable !== false);
      if (faults.length === 0) return null;
      // One fault that never recovered makes the whole metric "never".
      if (faults.some((f) => f.recovery_s === null || !Number.isFinite(f.recovery_s))) return null;
      return worstOf(
        faults.map((f) => f.recovery_s as number),
        'higher',
      );
    },
  },
  {
    name: 'authorizations_failed',
    description: 'authorizations with no usable answer and no stand-in',
    aggregations: ['count'],
    tags: [],
    worse: 'higher',
    read: (summary) => summary.authorizations.failed,
  },
  {
    name: 'authorizations_unknown',
    description: 'authorizations that timed out (resolved against the ledger after the run)',
    aggregations: ['count'],
    tags: [],
    worse: 'higher',
    read: (summary) => summary.authorizations.unknown,
  },
  {
    name: 'load_error_pct',
    description: 'how far the achieved arrival rate missed the target: 100 * |achieved - target| / target',
    aggregations: ['value'],
    tags: [],
    worse: 'higher',
    read(summary) {
      const { target_rate, achieved_rate } = summary.load;
      if (!(target_rate > 0)) return null;
      return (100 * Math.abs(achieved_rate - target_rate)) / target_rate;
    },
  },
  {
    name: 'retry_amplification',
    description: 'ledger attempts per authorization (1.0 = no retries)',
    aggregations: ['value'],
    tags: [],
    worse: 'higher',
    read: (summary) => finiteOrNull(summary.retry_amplification),
  },
];

export const METRICS: ReadonlyMap<string, MetricSpec> = new Map(specs.map((s) => [s.name, s]));
export const METRIC_NAMES: readonly string[] = specs.map((s) => s.name);
