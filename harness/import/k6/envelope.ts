// One line of k6's JSON output, checked against the format k6 documents
// (https://grafana.com/docs/k6/latest/results-output/real-time/json/):
//   {"type":"Metric","data":{"name":…,"type":"trend","contains":"time","thresholds":[…],"submetrics":…},"metric":"http_req_duration"}
//   {"type":"Point","data":{"time":"2017-05-09T14:34:45.239531499+02:00","value":459.86,"tags":{…},"metadata":{…}},"metric":"http_req_duration"}
// A line that is not one of these is a LineProblem saying what is wrong (the caller adds the file and line).
// k6 writes a metric's Metric line before its first Point; tags and metadata values are strings.

export const METRIC_TYPES = ['counter', 'gauge', 'rate', 'trend'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export interface MetricLine {
  type: 'Metric';
  metric: string;
  metricType: MetricType;
}

export interface PointLine {
  type: 'Point';
  metric: string;
  /** data.time as epoch milliseconds (sub-millisecond digits kept as a fraction). */
  time: number;
  value: number;
  tags: Readonly<Record<string, string>>;
  metadata: Readonly<Record<string, string>>;
}

export type EnvelopeLine = MetricLine | PointLine;

export class LineProblem extends Error {
  override name = 'LineProblem';
}

/** k6's metric name rule: 1 to 128 letters, digits and a few punctuation marks. */
const METRIC_NAME = /^[\p{L}\p{N}._ !?/&#()<>%-]{1,128}$/u;
/** RFC 3339 as Go writes it: up to nanoseconds, Z or a numeric offset. */
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** RFC 3339 time -> epoch ms, or null. */
export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [, whole, fraction = '', zone] = m;
  const base = Date.parse(`${whole}${zone}`);
  if (!Number.isFinite(base)) return null;
  return fraction ? base + Number(`0${fraction}`) * 1000 : base;
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === null || v === undefined) return {};
  if (!isObject(v)) throw new LineProblem(`"data.${what}" must be an object of strings or null, got ${shown(v)}`);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new LineProblem(`"data.${what}.${k}" must be a string (k6 writes ${what} as strings), got ${shown(x)}`);
  }
  return v as Record<string, string>;
}

/** Parses one line; throws a LineProblem naming what is wrong. */
export function parseEnvelope(text: string): EnvelopeLine {
  if (text.trim() === '') throw new LineProblem('an empty line: k6 writes one JSON object per line');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LineProblem(`not JSON (${(err as Error).message}): a k6 output cut short, or not k6's --out json`);
  }
  if (!isObject(raw)) throw new LineProblem(`not a JSON object: k6 writes {"type", "metric", "data"} on each line`);
  const { type, metric, data } = raw;
  if (type !== 'Metric' && type !== 'Point') throw new LineProblem(`"type" must be "Metric" or "Point", got ${shown(type)}`);
  if (typeof metric !== 'string' || !METRIC_NAME.test(metric)) throw new LineProblem(`"metric" must be a k6 metric name, got ${shown(metric)}`);
  if (!isObject(data)) throw new LineProblem(`"data" must be an object, got ${shown(data)}`);
  if (type === 'Metric') {
    const t = data.type;
    if (typeof t !== 'string' || !(METRIC_TYPES as readonly string[]).includes(t)) {
      throw new LineProblem(`metric ${metric}: "data.type" must be one of ${METRIC_TYPES.join(', ')}, got ${shown(t)}`);
    }
    return { type, metric, metricType: t as MetricType };
  }
  const time = typeof data.time === 'string' ? parseRfc3339(data.time) : null;
  if (time === null) throw new LineProblem(`point of ${metric}: "data.time" must be an RFC 3339 time, got ${shown(data.time)}`);
  if (typeof data.value !== 'number' || !Number.isFinite(data.value)) throw new LineProblem(`point of ${metric}: "data.value" must be a number, got ${shown(data.value)}`);
  return { type, metric, time, value: data.value, tags: stringMap(data.tags, 'tags'), metadata: stringMap(data.metadata, 'metadata') };
}
