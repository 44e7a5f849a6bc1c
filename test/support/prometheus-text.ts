// A strict parser of the Prometheus text exposition format (version 0.0.4), for tests: it refuses what a
// Prometheus server would refuse or misread, so a scrape that parses here is one Prometheus can ingest.
// Checked: line syntax (metric and label names, quoted and escaped label values, float values incl. NaN and
// ±Inf, optional integer timestamp), the final line feed, HELP (escapes) and TYPE (known type, at most once,
// before the family's samples), each family's samples on consecutive lines, no series twice, histograms
// (every series has _bucket with an `le`, cumulative counts, a +Inf bucket equal to _count, and _sum),
// summaries (quantile labels) and counters (never negative).

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (e.g. x_bucket for histogram x). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string | null;
  samples: Sample[];
}

export class ExpositionError extends Error {
  override name = 'ExpositionError';
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function fail(line: number, what: string, text: string): never {
  throw new ExpositionError(`line ${line}: ${what}: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`);
}

function parseValue(raw: string, line: number, text: string): number {
  if (raw === 'NaN') return NaN;
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) fail(line, `not a number "${raw}"`, text);
  return Number(raw);
}

/** Parses `{a="x",b="y"}` starting at `i` (the `{`); returns the labels and the index after `}`. */
function parseLabels(text: string, i: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  i++; // {
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '}') return { labels, end: i + 1 };
    const nameStart = i;
    while (i < text.length && /[a-zA-Z0-9_]/.test(text[i])) i++;
    const name = text.slice(nameStart, i);
    if (!LABEL_NAME.test(name)) fail(line, 'bad label name', text);
    if (name in labels) fail(line, `label ${name} twice`, text);
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '=') fail(line, `no "=" after label ${name}`, text);
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '"') fail(line, `label ${name}'s value is not quoted`, text);
    i++;
    let value = '';
    for (;;) {
      if (i >= text.length) fail(line, `label ${name}'s value is not closed`, text);
      const c = text[i];
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else fail(line, `bad escape \\${next ?? ''} in label ${name}`, text);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++; // closing quote
    labels[name] = value;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') return { labels, end: i + 1 };
    fail(line, 'expected "," or "}" after a label', text);
  }
}

function unescapeHelp(raw: string, line: number, text: string): string {
  return raw.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    return fail(line, `bad escape \\${c} in HELP`, text);
  });
}

/** The family a sample name belongs to, given the TYPEs declared so far. */
function familyOf(name: string, types: Map<string, MetricType>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const t = types.get(base);
      if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
    }
  }
  return name;
}

const seriesKey = (name: string, labels: Record<string, string>): string =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;

export function parseExposition(body: string): Map<string, Family> {
  if (body.length > 0 && !body.endsWith('\n')) throw new ExpositionError('the last line does not end with a line feed');
  const families = new Map<string, Family>();
  const types = new Map<string, MetricType>();
  const helps = new Set<string>();
  const finished = new Set<string>();
  const seen = new Set<string>();
  let current: string | null = null;
  const lines = body.split('\n');
  lines.pop();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: types.get(name) ?? 'untyped', help: null, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === '') return;
    if (text.startsWith('#')) {
      const m = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(text);
      if (!m) return; // a comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name)) fail(line, `bad metric name in ${kind}`, text);
      if (kind === 'HELP') {
        if (helps.has(name)) fail(line, `second HELP for ${name}`, text);
        helps.add(name);
        family(name).help = unescapeHelp(rest, line, text);
      } else {
        if (!TYPES.has(rest as MetricType)) fail(line, `unknown type "${rest}"`, text);
        if (types.has(name)) fail(line, `second TYPE for ${name}`, text);
        if (families.get(name)?.samples.length) fail(line, `TYPE for ${name} after its samples`, text);
        types.set(name, rest as MetricType);
        family(name).type = rest as MetricType;
      }
      return;
    }
    let i = 0;
    while (i < text.length && /[a-zA-Z0-9_:]/.test(text[i])) i++;
    const name = text.slice(0, i);
    if (!METRIC_NAME.test(name)) fail(line, 'bad metric name', text);
    let labels: Record<string, string> = {};
    if (text[i] === '{') ({ labels, end: i } = parseLabels(text, i, line));
    const rest = text.slice(i);
    if (!/^[ \t]/.test(rest)) fail(line, 'no blank between the series and its value', text);
    const tokens = rest.trim().split(/[ \t]+/);
    if (tokens.length > 2) fail(line, 'trailing text after the value', text);
    const value = parseValue(tokens[0], line, text);
    if (tokens.length === 2 && !/^-?\d+$/.test(tokens[1])) fail(line, `bad timestamp "${tokens[1]}"`, text);
    const base = familyOf(name, types);
    if (base !== current) {
      if (finished.has(base)) fail(line, `samples of ${base} are not on consecutive lines`, text);
      if (current !== null) finished.add(current);
      current = base;
    }
    const key = seriesKey(name, labels);
    if (seen.has(key)) fail(line, `series ${key} twice`, text);
    seen.add(key);
    const f = family(base);
    if (f.type === 'counter' && !(value >= 0)) fail(line, 'a counter below zero (or NaN)', text);
    if (f.type === 'histogram' && name === `${base}_bucket` && labels.le === undefined) fail(line, 'a histogram bucket without le', text);
    if (f.type === 'summary' && name === base && labels.quantile === undefined) fail(line, 'a summary sample without quantile', text);
    if (f.type === 'histogram' && name === base) fail(line, `histogram ${base} has a bare sample`, text);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = seriesKey('', rest);
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name === `${f.name}_bucket`) entry.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    else if (s.name === `${f.name}_sum`) entry.sum = s.value;
    else if (s.name === `${f.name}_count`) entry.count = s.value;
  }
  for (const [key, e] of series) {
    const where = `histogram ${f.name}${key}`;
    if (e.count === undefined || e.sum === undefined) throw new ExpositionError(`${where}: no _count or _sum`);
    const sorted = [...e.buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.some(([le]) => Number.isNaN(le))) throw new ExpositionError(`${where}: an le that is not a number`);
    const inf = sorted.at(-1);
    if (!inf || inf[0] !== Infinity) throw new ExpositionError(`${where}: no +Inf bucket`);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i][1] < sorted[i - 1][1]) throw new ExpositionError(`${where}: bucket le=${sorted[i][0]} counts fewer than le=${sorted[i - 1][0]}`);
    }
    if (inf[1] !== e.count) throw new ExpositionError(`${where}: the +Inf bucket (${inf[1]}) is not _count (${e.count})`);
  }
}

/** The sum of a sample name's values over the series whose labels match (a function or exact values). */
export function total(families: Map<string, Family>, sample: string, match: Record<string, string> | ((labels: Record<string, string>) => boolean) = {}): number {
  const test = typeof match === 'function' ? match : (l: Record<string, string>) => Object.entries(match).every(([k, v]) => l[k] === v);
  let sum = 0;
  for (const f of families.values()) {
    for (const s of f.samples) if (s.name === sample && test(s.labels)) sum += s.value;
  }
  return sum;
}

/** Every sample of a family as `name{labels}` -> value (for comparing two scrapes). */
export function seriesValues(families: Map<string, Family>, type?: MetricType): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of families.values()) {
    if (type && f.type !== type) continue;
    for (const s of f.samples) out.set(seriesKey(s.name, s.labels), s.value);
  }
  return out;
}
