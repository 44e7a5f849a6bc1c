// Every gated metric of one night's summary, with the limits it was held to that night. The list is derived
// from the gate's own modules at run time, so a metric or family added there shows up here untouched:
// - every threshold metric (gate/metrics.ts METRICS), whole-run, in each of its aggregations, read the way
//   a threshold reads it; and every threshold the run was judged by (summary.thresholds), tags and all,
//   with the value the gate read and its limit;
// - every baseline family (gate/baseline.ts): the run's baseline deltas when it was compared with one
//   (value, and the tolerance band around the baseline), and otherwise the same metrics measured on the run
//   alone (compareBaseline of the run with itself gives each family's metrics and values, no band).
// A metric that is both (authorization_success_rate, retry_amplification, recovery_seconds{fault:F}) is
// one series; its band that night is where it passed every limit it was held to.
import { compareBaseline, worseDirection } from '../gate/baseline.ts';
import { METRICS, type Aggregation, type MetricTags } from '../gate/metrics.ts';
import { parseExpression, parseMetricKey } from '../gate/thresholds.ts';
import type { BaselineDelta, Summary, ThresholdResult } from '../summary/types.ts';
import { formatValue, unitOf, type Unit } from './units.ts';

/** One limit a metric was held to on one night: the allowed region [lo, hi] (null = open on that side). */
export interface Limit {
  source: 'threshold' | 'baseline';
  lo: number | null;
  hi: number | null;
  /** As a reader wants it: `p(99)<800`, `baseline 99.90% − tolerance 0.50%: fails below 99.40%`. */
  text: string;
}

export interface MetricMeta {
  /** The series' key on the page: `authorization_latency{phase:during} p(99)`, `recovery_seconds{fault:x}`. */
  id: string;
  /** The gate's name for it: a METRICS name or a baseline family. */
  family: string;
  unit: Unit;
}

export interface NightPoint {
  /** null when the night has no value (no data, or never recovered: see `never`). */
  value: number | null;
  /** A recovery that never came: drawn as such, never as a number. */
  never: boolean;
  limits: Limit[];
  /** Did it meet every limit it was held to that night; null when it was held to none. */
  ok: boolean | null;
}

export interface NightMetric {
  meta: MetricMeta;
  point: NightPoint;
}

const TAG_ORDER = ['phase', 'fault'];

/** `{phase:x,fault:y}` in one order whatever order the key was written in; '' without tags. */
export function tagText(tags: Record<string, string | undefined>): string {
  const names = Object.keys(tags)
    .filter((k) => tags[k] !== undefined)
    .sort((a, b) => (TAG_ORDER.indexOf(a) + 1 || 99) - (TAG_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
  return names.length ? `{${names.map((k) => `${k}:${tags[k]}`).join(',')}}` : '';
}

/** `name{b:2,a:1}` → family `name` and the key with its tags in canonical order. */
export function splitKey(key: string): { family: string; id: string; tags: Record<string, string> } {
  const m = /^\s*([^{}\s]+)\s*(?:\{([^{}]*)\})?\s*$/.exec(key);
  if (!m) return { family: key, id: key, tags: {} };
  const family = m[1] as string;
  const tags: Record<string, string> = {};
  for (const part of (m[2] ?? '').split(',')) {
    const colon = part.indexOf(':');
    if (colon > 0) tags[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return { family, id: family + tagText(tags), tags };
}

function thresholdId(name: string, tags: MetricTags, aggregation: Aggregation): string {
  const spec = METRICS.get(name);
  const several = (spec?.aggregations.length ?? 1) > 1;
  return `${name}${tagText({ phase: tags.phase, fault: tags.fault })}${several ? ` ${aggregation}` : ''}`;
}

/** Did fault `name` (or any fault) heal and the success rate never come back? */
function neverRecovered(summary: Summary, name?: string): boolean {
  return summary.faults.some(
    (f) =>
      (name === undefined || f.name === name) &&
      f.recovery_applicable !== false &&
      f.healed_s !== null &&
      (f.recovery_s === null || !Number.isFinite(f.recovery_s)),
  );
}

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const OPERATOR_RE = /(<=|>=|==|!=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*$/;

/** The allowed region of a threshold expression (`rate>0.995` → [0.995, open)). */
export function thresholdLimit(expression: string): Limit {
  const m = OPERATOR_RE.exec(expression);
  const text = expression.trim();
  if (!m) return { source: 'threshold', lo: null, hi: null, text };
  const value = Number(m[2]);
  switch (m[1]) {
    case '<':
    case '<=':
      return { source: 'threshold', lo: null, hi: value, text };
    case '>':
    case '>=':
      return { source: 'threshold', lo: value, hi: null, text };
    case '==':
      return { source: 'threshold', lo: value, hi: value, text };
    default:
      return { source: 'threshold', lo: null, hi: null, text };
  }
}

/** Which way the metric gets worse: the threshold catalogue's word for it, else the baseline module's. */
function worseOf(family: string, metric: string): 'lower' | 'higher' {
  return METRICS.get(family)?.worse ?? worseDirection(metric);
}

/** The tolerance band around the baseline, open on the better side (only a change for the worse fails). */
export function baselineLimit(delta: Pick<BaselineDelta, 'metric' | 'baseline' | 'tolerance'>, family: string, unit: Unit): Limit {
  const base = finite(delta.baseline);
  const tol = finite(delta.tolerance);
  const worse = worseOf(family, delta.metric);
  if (base === null) {
    const text = family.startsWith('recovery') ? 'baseline never recovered: any value passes' : 'baseline without a value: any value passes';
    return { source: 'baseline', lo: null, hi: null, text };
  }
  if (tol === null) return { source: 'baseline', lo: null, hi: null, text: `baseline ${formatValue(unit, base)}, no limit` };
  const edge = worse === 'lower' ? base - tol : base + tol;
  const text = `baseline ${formatValue(unit, base)} ${worse === 'lower' ? '−' : '+'} tolerance ${formatValue(unit, tol)}: fails ${worse === 'lower' ? 'below' : 'above'} ${formatValue(unit, edge)}`;
  return worse === 'lower' ? { source: 'baseline', lo: edge, hi: null, text } : { source: 'baseline', lo: null, hi: edge, text };
}

class NightCollector {
  readonly out = new Map<string, NightMetric>();

  /** Adds a value (the first non-null one wins) and any limit to the series `meta.id`. */
  add(meta: MetricMeta, value: number | null, never: boolean, limit?: Limit, ok?: boolean): void {
    let entry = this.out.get(meta.id);
    if (!entry) {
      entry = { meta, point: { value: null, never: false, limits: [], ok: null } };
      this.out.set(meta.id, entry);
    }
    const p = entry.point;
    if (p.value === null && !p.never) {
      p.value = value;
      p.never = value === null && never;
    }
    if (limit) p.limits.push(limit);
    if (ok !== undefined) p.ok = (p.ok ?? true) && ok;
  }
}

function safeRead(read: () => number | null): number | null {
  try {
    return finite(read());
  } catch {
    return null;
  }
}

function addThresholdResult(c: NightCollector, summary: Summary, t: ThresholdResult): void {
  let meta: MetricMeta;
  let faultTag: string | undefined;
  try {
    const key = parseMetricKey(t.metric);
    const { aggregation } = parseExpression(key, t.expression);
    meta = { id: thresholdId(key.spec.name, key.tags, aggregation), family: key.spec.name, unit: unitOf(key.spec.name, aggregation) };
    faultTag = key.tags.fault;
  } catch {
    // A threshold this faultline does not know (written by a newer one): still charted, by its key.
    const { family, id, tags } = splitKey(t.metric);
    meta = { id, family, unit: unitOf(family) };
    faultTag = tags.fault;
  }
  const never = t.actual === null && meta.family.startsWith('recovery') && neverRecovered(summary, faultTag);
  c.add(meta, finite(t.actual), never, thresholdLimit(t.expression), t.ok);
}

function addDelta(c: NightCollector, d: Pick<BaselineDelta, 'metric' | 'baseline' | 'actual' | 'tolerance' | 'ok'>, judged: boolean): void {
  const { family, id } = splitKey(d.metric);
  const meta: MetricMeta = { id, family, unit: unitOf(family) };
  const actual = finite(d.actual);
  // Infinity in memory and null in JSON both mean "never recovered" for a recovery.
  const never = actual === null && family.startsWith('recovery') && (d.actual === null || d.actual === Number.POSITIVE_INFINITY);
  if (judged) c.add(meta, actual, never, baselineLimit(d, family, meta.unit), d.ok);
  else c.add(meta, actual, never);
}

/** Every gated metric of one run, keyed by series id. */
export function nightMetrics(summary: Summary): Map<string, NightMetric> {
  const c = new NightCollector();
  // What the gate judged that night first: its values and limits.
  for (const t of summary.thresholds) addThresholdResult(c, summary, t);
  for (const d of summary.baseline?.deltas ?? []) addDelta(c, d, true);
  // Then every threshold metric, whole-run, in each aggregation (what a threshold on it would read).
  for (const spec of METRICS.values()) {
    for (const aggregation of spec.aggregations) {
      const meta: MetricMeta = { id: thresholdId(spec.name, {}, aggregation), family: spec.name, unit: unitOf(spec.name, aggregation) };
      const value = safeRead(() => spec.read(summary, aggregation, {}));
      c.add(meta, value, value === null && spec.name.startsWith('recovery') && neverRecovered(summary));
    }
  }
  // Then every baseline family's metrics measured on the run alone (slices, faults, counts).
  let self: BaselineDelta[] = [];
  try {
    self = compareBaseline(summary, summary).deltas;
  } catch {
    self = [];
  }
  for (const d of self) addDelta(c, d, false);
  return c.out;
}
