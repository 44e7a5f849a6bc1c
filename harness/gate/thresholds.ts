// Thresholds in k6's syntax on faultline's metrics:
//   'authorization_success_rate': ['rate>0.995']
//   'authorization_latency{phase:during}': ['p(99)<800']
//   'recovery_seconds{fault:ledger-latency}': ['value<10']
// A metric key is `name` or `name{tag:value,...}` with tags `phase` (before|during|after) and `fault`
// (a fault window's name). With a phase tag and several faults, the worst matching phase counts.
// An expression is `aggregation operator number`, operators < <= > >= == !=.
import type { Summary, ThresholdResult } from '../summary/types.ts';
import { notApplicable } from './applicability.ts';
import { METRIC_NAMES, METRICS, PHASE_NAMES, type Aggregation, type MetricSpec, type MetricTags, type PhaseName } from './metrics.ts';

export type Thresholds = Record<string, string[]>;

export const OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type Operator = (typeof OPERATORS)[number];

/** A threshold that cannot be parsed or names an unknown metric or tag. The CLI maps it to exit 2. */
export class ThresholdError extends Error {
  override readonly name = 'ThresholdError';
  constructor(
    readonly metric: string,
    readonly expression: string | null,
    reason: string,
  ) {
    super(
      expression === null
        ? `threshold '${metric}': ${reason}`
        : `threshold '${metric}': '${expression}': ${reason}`,
    );
  }
}

export interface ParsedMetricKey {
  key: string;
  spec: MetricSpec;
  tags: MetricTags;
}

export interface ParsedExpression {
  expression: string;
  aggregation: Aggregation;
  operator: Operator;
  value: number;
}

export interface ParsedThreshold extends ParsedMetricKey, ParsedExpression {}

export interface ValidateOptions {
  /** The scenario's fault window names: a `{fault:NAME}` tag must name one of them. */
  faults?: readonly string[];
}

const KEY_RE = /^\s*([a-z_][a-z0-9_]*)\s*(?:\{([^{}]*)\})?\s*$/;
const EXPRESSION_RE =
  /^\s*(rate|count|value|max|min|avg|med|p\(\s*([0-9]+(?:\.[0-9]+)?)\s*\))\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*$/;
const FAULT_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function parseMetricKey(key: string, options: ValidateOptions = {}): ParsedMetricKey {
  const match = KEY_RE.exec(key);
  if (!match) throw new ThresholdError(key, null, 'not a metric key: expected name or name{tag:value,...}');
  const [, name, tagText] = match as unknown as [string, string, string | undefined];
  const spec = METRICS.get(name);
  if (!spec) throw new ThresholdError(key, null, `unknown metric '${name}' (known: ${METRIC_NAMES.join(', ')})`);
  const tags: MetricTags = {};
  if (tagText !== undefined) {
    const parts = tagText.split(',').map((p) => p.trim());
    if (parts.length === 0 || parts.some((p) => p === '')) throw new ThresholdError(key, null, 'empty tag');
    for (const part of parts) {
      const colon = part.indexOf(':');
      if (colon <= 0) throw new ThresholdError(key, null, `tag '${part}' is not name:value`);
      const tag = part.slice(0, colon).trim();
      const value = part.slice(colon + 1).trim();
      if (tag !== 'phase' && tag !== 'fault') throw new ThresholdError(key, null, `unknown tag '${tag}' (known: phase, fault)`);
      if (!spec.tags.includes(tag)) {
        const allowed = spec.tags.length ? spec.tags.join(', ') : 'none';
        throw new ThresholdError(key, null, `metric '${name}' does not take the tag '${tag}' (tags: ${allowed})`);
      }
      if (tags[tag] !== undefined) throw new ThresholdError(key, null, `tag '${tag}' given twice`);
      if (tag === 'phase') {
        if (!(PHASE_NAMES as readonly string[]).includes(value)) {
          throw new ThresholdError(key, null, `unknown phase '${value}' (known: ${PHASE_NAMES.join(', ')})`);
        }
        tags.phase = value as PhaseName;
      } else {
        if (!FAULT_NAME_RE.test(value)) throw new ThresholdError(key, null, `'${value}' is not a fault window name`);
        if (options.faults && !options.faults.includes(value)) {
          const known = options.faults.length ? options.faults.join(', ') : 'the scenario has no faults';
          throw new ThresholdError(key, null, `no fault window named '${value}' (known: ${known})`);
        }
        tags.fault = value;
      }
    }
  }
  if (options.faults && options.faults.length === 0 && (tags.phase !== undefined || name === 'recovery_seconds')) {
    throw new ThresholdError(key, null, 'the scenario has no fault windows, so there is no phase or recovery to measure');
  }
  return { key: key.trim(), spec, tags };
}

export function parseExpression(metric: ParsedMetricKey, expression: string): ParsedExpression {
  const match = EXPRESSION_RE.exec(expression);
  if (!match) {
    throw new ThresholdError(
      metric.key,
      expression,
      `not an expression: expected aggregation, operator and number, e.g. ${metric.spec.aggregations[0]}<${example(metric.spec)}`,
    );
  }
  const [, rawAggregation, percentile, operator, number] = match as unknown as [string, string, string | undefined, Operator, string];
  let aggregation: string = rawAggregation;
  if (percentile !== undefined) aggregation = `p(${Number(percentile)})`;
  if (aggregation === 'med') aggregation = 'p(50)';
  if (!(metric.spec.aggregations as readonly string[]).includes(aggregation)) {
    throw new ThresholdError(
      metric.key,
      expression,
      `'${rawAggregation}' is not available for ${metric.spec.name} (use ${metric.spec.aggregations.join(', ')})`,
    );
  }
  const value = Number(number);
  if (!Number.isFinite(value)) throw new ThresholdError(metric.key, expression, `'${number}' is not a finite number`);
  return { expression: expression.trim(), aggregation: aggregation as Aggregation, operator, value };
}

function example(spec: MetricSpec): string {
  return spec.aggregations[0] === 'rate' ? '0.99' : '100';
}

export function parseThresholds(thresholds: Thresholds, options: ValidateOptions = {}): ParsedThreshold[] {
  const parsed: ParsedThreshold[] = [];
  for (const [key, expressions] of Object.entries(thresholds)) {
    const metric = parseMetricKey(key, options);
    if (!Array.isArray(expressions) || expressions.length === 0) {
      throw new ThresholdError(key, null, 'expected a non-empty list of expressions');
    }
    for (const expression of expressions) {
      if (typeof expression !== 'string') throw new ThresholdError(key, String(expression), 'an expression must be a string');
      parsed.push({ ...metric, ...parseExpression(metric, expression) });
    }
  }
  return parsed;
}

/** Throws ThresholdError for the first bad threshold. Run at scenario load time, before any traffic. */
export function validateThresholds(thresholds: Thresholds, options: ValidateOptions = {}): void {
  parseThresholds(thresholds, options);
}

export function compare(actual: number, operator: Operator, expected: number): boolean {
  switch (operator) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

export function evaluateThreshold(threshold: ParsedThreshold, summary: Summary): ThresholdResult {
  const na = notApplicable(threshold.spec.name, threshold.tags, summary);
  if (na !== null) return { metric: threshold.key, expression: threshold.expression, ok: true, actual: null, not_applicable: na };
  const actual = threshold.spec.read(summary, threshold.aggregation, threshold.tags);
  const ok = actual !== null && Number.isFinite(actual) && compare(actual, threshold.operator, threshold.value);
  return { metric: threshold.key, expression: threshold.expression, ok, actual };
}

/**
 * Evaluates every threshold on a run's summary; a null actual (no data, never recovered) fails, unless the
 * run cannot produce the metric at all (applicability.ts): then it is n/a with the reason.
 */
export function evaluateThresholds(thresholds: Thresholds, summary: Summary): ThresholdResult[] {
  return parseThresholds(thresholds).map((t) => evaluateThreshold(t, summary));
}

/** The thresholds a summary was judged by, recovered from its results (to re-gate a finished run). */
export function thresholdsOf(summary: Summary): Thresholds {
  const out: Thresholds = {};
  for (const t of summary.thresholds) (out[t.metric] ??= []).push(t.expression);
  return out;
}
