// The schema of summary.json, checked wherever a summary is read (report, compare, gate, suite baselines,
// run --baseline): a damaged or hand-edited file is exit 2 naming the file and the field, the same in every
// command, never a crash deep in a reader.
//
// What readers rely on is checked strictly: types, counts are whole numbers >= 0, rates lie in [0, 1],
// every number is finite (JSON has no NaN or Infinity: what was NaN or "never" is null, and only where a
// reader expects null). Everything else is accepted as it comes: objects are open (an unknown field is
// kept, not refused), so a field added to the Summary type later is one added line here, and summaries
// written before a field existed (no warm-up, no validity, `verdict` as a list of lines) still read.
import { z } from 'zod';
import { readInputText } from '../files/input-file.ts';
import { LOAD_MODELS } from './types.ts';

/** A summary.json that cannot be read: names the file and the field. Bad input (exit 2). */
export class SummaryError extends Error {
  override readonly name = 'SummaryError';
}

/** Largest summary.json read: an hour at 50,000/s with 10 min of warm-up is a few MiB. */
export const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;
/** Longest scenario description (the scenario schema holds a scenario file to the same). */
export const MAX_DESCRIPTION_CHARS = 2000;
const MAX_TEXT = 20_000;
const MAX_LIST = 100_000;

/** A value as shown in a message: short, one line. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const must = (what: string) => ({ error: (issue: { input?: unknown }) => `must be ${what}, got ${shown(issue.input)}` });

const COUNT = 'a whole number ≥ 0';
const RATE = 'a rate from 0 to 1';
const count = z.number(must(COUNT)).int(must(COUNT)).min(0, must(COUNT));
const rate = z.number(must(RATE)).min(0, must(RATE)).max(1, must(RATE));
const nonNegative = z.number(must('a finite number ≥ 0')).min(0, must('a finite number ≥ 0'));
const finite = z.number(must('a finite number'));
const text = (max = MAX_TEXT) => z.string(must('a string')).max(max, must(`a string of at most ${max} characters`));
const bool = z.boolean(must('true or false'));
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, must(`one of ${values.join(', ')}`));
const object = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape, must('an object'));
const list = <T extends z.ZodType>(item: T, max = MAX_LIST) => z.array(item, must('a list')).max(max, must(`a list of at most ${max} items`));
const record = <T extends z.ZodType>(value: T) => z.record(z.string(), value, must('an object'));

const latency = object({ p50: nonNegative, p95: nonNegative, p99: nonNegative, max: nonNegative });

const authorizations = object({
  total: count,
  approved: count,
  declined: count,
  standin_approved: count,
  standin_declined: count,
  failed: count,
  unknown: count,
  success_rate: rate,
  issuer_success_rate: rate,
  approval_rate: rate.nullable().optional(),
});

const phase = object({
  name: oneOf(['before', 'during', 'after', 'whole']),
  fault: text(256).nullable(),
  start_s: nonNegative,
  end_s: nonNegative,
  authorizations: count,
  success_rate: rate,
  issuer_success_rate: rate,
  issuer_answers: count.optional(),
  approval_rate: rate.nullable().optional(),
  latency_ms: latency.optional(),
});

const fault = object({
  name: text(256),
  fault: text(256),
  target: text(256),
  scheduled_s: nonNegative,
  applied_s: finite.nullable(),
  healed_s: finite.nullable(),
  scheduled_end_s: nonNegative,
  recovery_s: nonNegative.nullable().optional(),
  recovery_applicable: bool.optional(),
  error: text().optional(),
  applied_elsewhere: bool.optional(),
});

const point = object({
  t: finite,
  authorizations: count,
  success_rate: rate.nullable(),
  issuer_success_rate: rate.nullable(),
  approval_rate: rate.nullable().optional(),
  p50: nonNegative.nullable(),
  p99: nonNegative.nullable(),
  app_total: count.optional(),
  app_success_rate: rate.nullable().optional(),
  sent: count.optional(),
});

const invariant = object({
  name: text(256),
  ok: bool,
  validity: oneOf(['valid', 'unknown', 'invalid']),
  detail: text(),
  offending: list(text(1024), 1000).optional(),
  count: count.optional(),
  not_judged: text().optional(),
});

const threshold = object({
  metric: text(1024),
  expression: text(1024),
  ok: bool,
  actual: finite.nullable(),
  not_applicable: text().optional(),
});

/** "Never recovered" (Infinity) is null in JSON. */
const delta = object({ metric: text(1024), baseline: finite.nullable(), actual: finite.nullable(), delta: finite.nullable(), tolerance: finite.nullable(), ok: bool });

const figure = finite.nullable();
const validity = object({
  ok: bool,
  reasons: list(text()),
  advice: list(text()).optional(),
  figures: object({
    event_loop_delay_ms: object({ p50: figure, p99: figure, max: figure }).optional(),
    send_lateness_ms: object({ p50: figure, p99: figure, max: figure, late_share: rate.nullable(), sends: count.optional() }).optional(),
    fault_activation: list(object({ fault: text(256), scheduled_s: finite, late_ms: finite.nullable() })).optional(),
    pre_fault: object({ authorizations: count, issuer_success_rate: rate.nullable(), latency_p50_ms: nonNegative.nullable() }).nullable().optional(),
    foreign_cpu: object({
      share: rate,
      max_second_share: rate,
      run_share: rate,
      busy_share: rate,
      cpus: count,
      samples: count,
      run_processes: count,
      pressure_some: rate.nullable(),
    }).nullable().optional(),
    undelivered_advices: count.optional(),
  }).optional(),
  limits: record(finite).optional(),
});

const counts = record(record(count));

const falseDecline = object({
  id: text(256),
  reason: text(256),
  account_id: text(256),
  amount: count.nullable(),
  currency: text(16).nullable(),
  hop: text(64),
  faults: list(text(256), 1000),
  lowest_available: finite.nullable(),
  why: text(),
});

const declines = object({
  total: count,
  by_reason: record(count),
  standin_declined: count,
  false_declines: object({ total: count, by_reason: record(count), by_hop: record(count), by_fault: record(count), first: list(falseDecline, 1000) }),
});

const processEvent = object({
  replica: text(256),
  service: text(256),
  pid: count,
  at_s: finite,
  code: z.number(must('an exit code')).int(must('an exit code')).nullable(),
  signal: text(64).nullable(),
  expected: bool,
  replaced_by: text().optional(),
});

/** Where the load came from when faultline did not send it (`faultline check` of a k6 run). */
const loadSource = object({
  tool: oneOf(['k6']),
  file: text(),
  format: text(256),
  lines: count,
  requests: count,
  dropped_iterations: count,
  not_measured: list(text(), 64),
  not_done: list(text(), 64),
  derived: record(count).optional(),
});

export const summarySchema = object({
  scenario: text(256),
  description: text(MAX_DESCRIPTION_CHARS).optional(),
  seed: count.optional(),
  router: oneOf(['naive', 'hardened']).optional(),
  standin: bool.optional(),
  mode: oneOf(['embedded', 'compose', 'external']).optional(),
  replaced: list(object({ service: text(256), by: oneOf(['command', 'url']), what: text(), replicas: count }), 64).optional(),
  duration_s: nonNegative.optional(),
  started_at: text(64).optional(),
  incomplete: bool.optional(),
  warmup: object({ duration_s: nonNegative, authorizations: authorizations.optional(), latency_ms: latency.optional() }).optional(),
  validity: validity.optional(),
  authorizations,
  latency_ms: latency.optional(),
  load: object({
    model: oneOf(LOAD_MODELS),
    target_rate: nonNegative,
    achieved_rate: nonNegative,
    late: count.optional(),
    dropped: count,
    sent: count,
    request_kinds: list(text(64), 64).optional(),
  }).optional(),
  phases: list(phase).optional(),
  faults: list(fault, 1000).optional(),
  app: object({
    total: count,
    success_rate: rate,
    balance: object({ total: count, ok: count }).optional(),
    feed: object({ total: count, ok: count }).optional(),
  }).optional(),
  reversals: object({ total: count, ok: count }).optional(),
  advices: object({ queued: count, delivered: count, attempts: count, pending: count }).optional(),
  unknown_resolution: object({ total: count, held: count, not_held: count, unresolved: count }).optional(),
  causes: counts.optional(),
  causes_by_fault: counts.optional(),
  retry_amplification: nonNegative.nullable().optional(),
  timeseries: list(point).optional(),
  invariants: list(invariant, 1000).optional(),
  declines: declines.optional(),
  process_events: list(processEvent, 10_000).optional(),
  thresholds: list(threshold, 10_000).optional(),
  baseline: object({ file: text(4096), deltas: list(delta, 10_000), ok: bool }).optional(),
  baseline_tolerances: record(object({ abs: nonNegative.optional(), rel: nonNegative.optional(), sigmas: nonNegative.optional() })).optional(),
  // Older summaries wrote the verdict as a list of lines.
  verdict: z.union([oneOf(['passed', 'failed', 'inconclusive']), list(text())], must('passed, failed or inconclusive')).optional(),
  passed: bool.optional(),
  reasons: list(text()).optional(),
  command: text().optional(),
  versions: object({ faultline: text(256).optional(), node: text(256).optional(), platform: text(256).optional() }).optional(),
  files: object({ history: text(4096).optional(), report: text(4096).optional(), junit: text(4096).optional() }).optional(),
  load_source: loadSource.optional(),
});

/** `phases[2].latency_ms.p99` */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(the whole file)';
}

/** Checks a parsed summary.json; throws a SummaryError naming `file` and the first bad field. */
export function validateSummary(raw: unknown, file: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SummaryError(`${file}: not a faultline summary.json: the file must hold a JSON object, got ${shown(raw)}`);
  if (!('scenario' in raw) || !('authorizations' in raw)) throw new SummaryError(`${file}: not a faultline summary.json: it has no "scenario" or "authorizations"`);
  const result = summarySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SummaryError(`${file}: ${fieldPath(issue?.path ?? [])}: ${issue?.message ?? 'is invalid'}`);
  }
  return raw as Record<string, unknown>;
}

/** Reads, parses and checks a summary.json (bounded in size; a named pipe has a deadline). */
export async function readSummaryFile(file: string, options: { signal?: AbortSignal } = {}): Promise<Record<string, unknown>> {
  let textContent: string;
  try {
    textContent = await readInputText(file, { maxBytes: MAX_SUMMARY_BYTES, what: 'a summary.json', signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'InputFileError') throw new SummaryError((err as Error).message);
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(textContent);
  } catch (err) {
    throw new SummaryError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return validateSummary(raw, file);
}
