// Reads a run folder's summary.json for the report, filling what an interrupted or older run left out
// so a partial summary still renders instead of crashing the report. Older summaries (before verdicts
// could be inconclusive) carry `verdict` as an array of lines and no warm-up or validity: their lines
// become `reasons`, their verdict is read from `passed` (an interrupted one is inconclusive), and the run
// health they never measured is left as not measured (NaN figures), never as a healthy zero.
// Every summary is first checked against its schema (summary/schema.ts): a damaged one is a SummaryError
// naming the file and the field (exit 2), never a crash further down.
import { join } from 'node:path';
import { DEFAULT_VALIDITY_LIMITS } from '../gate/validity.ts';
import type { AuthorizationCounts, DeclineSummary, ForeignCpuFigures, InvariantResult, RunValidity, Summary, Verdict, WarmupSummary } from '../summary/types.ts';
import { existsSync } from 'node:fs';
import { readSummaryFile, SummaryError, validateSummary } from '../summary/schema.ts';

export { SummaryError } from '../summary/schema.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ZERO_LATENCY = { p50: 0, p95: 0, p99: 0, max: 0 };
const VERDICTS: readonly Verdict[] = ['passed', 'failed', 'inconclusive'];

const num = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);
/** A figure that may be missing: NaN (shown as "not measured"), never a made-up 0. */
const figure = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** The router tuning override: string and number values only; {} for older summaries. */
const routerTuningOf = (v: unknown): Record<string, string | number> =>
  isObject(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number')) : {};

function counts(raw: unknown): AuthorizationCounts {
  const a = (isObject(raw) ? raw : {}) as Partial<AuthorizationCounts>;
  return {
    total: num(a.total),
    approved: num(a.approved),
    declined: num(a.declined),
    standin_approved: num(a.standin_approved),
    standin_declined: num(a.standin_declined),
    failed: num(a.failed),
    unknown: num(a.unknown),
    success_rate: num(a.success_rate),
    issuer_success_rate: num(a.issuer_success_rate),
    ...(typeof a.approval_rate === 'number' || a.approval_rate === null ? { approval_rate: a.approval_rate } : {}),
  };
}

/** Counts per key: numbers only. */
function table(raw: unknown): Record<string, number> {
  if (!isObject(raw)) return {};
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

/** The declines (absent in older summaries): counts kept, a malformed block dropped rather than half-drawn. */
function declinesOf(raw: unknown): DeclineSummary | undefined {
  if (!isObject(raw) || !isObject(raw.false_declines)) return undefined;
  const f = raw.false_declines;
  return {
    total: num(raw.total),
    by_reason: table(raw.by_reason),
    standin_declined: num(raw.standin_declined),
    false_declines: {
      total: num(f.total),
      by_reason: table(f.by_reason),
      by_hop: table(f.by_hop),
      by_fault: table(f.by_fault),
      first: Array.isArray(f.first)
        ? f.first.filter(isObject).map((x) => ({
            id: String(x.id ?? ''),
            reason: String(x.reason ?? ''),
            account_id: String(x.account_id ?? ''),
            amount: typeof x.amount === 'number' ? x.amount : null,
            currency: typeof x.currency === 'string' ? x.currency : null,
            hop: String(x.hop ?? ''),
            faults: strings(x.faults),
            lowest_available: typeof x.lowest_available === 'number' ? x.lowest_available : null,
            why: String(x.why ?? ''),
          }))
        : [],
    },
  };
}

/** No warm-up recorded (an older summary): duration 0, nothing drawn. */
function warmupOf(raw: unknown): WarmupSummary {
  const w = (isObject(raw) ? raw : {}) as Partial<WarmupSummary>;
  return { duration_s: num(w.duration_s), authorizations: counts(w.authorizations), latency_ms: { ...ZERO_LATENCY, ...w.latency_ms } };
}

/** The foreign CPU figure: absent in older summaries (left absent), null when it was not measured. */
function foreignCpuOf(f: Partial<RunValidity['figures']>): Pick<RunValidity['figures'], 'foreign_cpu'> {
  if (f.foreign_cpu === null) return { foreign_cpu: null };
  if (!isObject(f.foreign_cpu)) return {};
  const c = f.foreign_cpu as Partial<ForeignCpuFigures>;
  return {
    foreign_cpu: {
      share: figure(c.share),
      max_second_share: figure(c.max_second_share),
      run_share: figure(c.run_share),
      busy_share: figure(c.busy_share),
      cpus: num(c.cpus),
      samples: num(c.samples),
      run_processes: num(c.run_processes),
      pressure_some: typeof c.pressure_some === 'number' ? c.pressure_some : null,
    },
  };
}

function validityOf(raw: unknown): RunValidity {
  const v = (isObject(raw) ? raw : {}) as Partial<RunValidity>;
  const f = (isObject(v.figures) ? v.figures : {}) as Partial<RunValidity['figures']>;
  const loop = (isObject(f.event_loop_delay_ms) ? f.event_loop_delay_ms : {}) as Partial<RunValidity['figures']['event_loop_delay_ms']>;
  const late = (isObject(f.send_lateness_ms) ? f.send_lateness_ms : {}) as Partial<RunValidity['figures']['send_lateness_ms']>;
  const pre = isObject(f.pre_fault) ? (f.pre_fault as Partial<NonNullable<RunValidity['figures']['pre_fault']>>) : null;
  return {
    ok: typeof v.ok === 'boolean' ? v.ok : true,
    reasons: strings(v.reasons),
    advice: strings(v.advice),
    figures: {
      event_loop_delay_ms: { p50: figure(loop.p50), p99: figure(loop.p99), max: figure(loop.max) },
      send_lateness_ms: { p50: figure(late.p50), p99: figure(late.p99), max: figure(late.max), late_share: figure(late.late_share), sends: num(late.sends) },
      fault_activation: Array.isArray(f.fault_activation)
        ? f.fault_activation.filter(isObject).map((a) => ({
            fault: String(a.fault ?? ''),
            scheduled_s: num(a.scheduled_s),
            late_ms: typeof a.late_ms === 'number' ? a.late_ms : null,
          }))
        : [],
      ...foreignCpuOf(f),
      ...(typeof f.undelivered_advices === 'number' ? { undelivered_advices: f.undelivered_advices } : {}),
      pre_fault: pre
        ? {
            start_s: num(pre.start_s),
            end_s: num(pre.end_s),
            authorizations: num(pre.authorizations),
            issuer_success_rate: typeof pre.issuer_success_rate === 'number' ? pre.issuer_success_rate : null,
            latency_p50_ms: typeof pre.latency_p50_ms === 'number' ? pre.latency_p50_ms : null,
          }
        : null,
    },
    limits: { ...DEFAULT_VALIDITY_LIMITS, ...(isObject(v.limits) ? (v.limits as Partial<RunValidity['limits']>) : {}) },
  };
}

/**
 * The verdict and its reasons, from a current summary or an older one (`verdict: string[]`, `passed`). An
 * older interrupted run reads as inconclusive, as it would be judged today, unless it lost money.
 */
function verdictOf(s: Record<string, unknown>, incomplete: boolean, invariants: InvariantResult[]): { verdict: Verdict; reasons: string[] } {
  const v = s.verdict;
  if (typeof v === 'string' && (VERDICTS as readonly string[]).includes(v)) return { verdict: v as Verdict, reasons: strings(s.reasons) };
  const reasons = Array.isArray(v) ? strings(v) : strings(s.reasons);
  if (s.passed === true) return { verdict: 'passed', reasons };
  const moneyLost = invariants.some((i) => !i.ok && i.validity === 'invalid');
  return { verdict: incomplete && !moneyLost ? 'inconclusive' : 'failed', reasons };
}

export function normalizeSummary(input: unknown, file = 'summary.json'): Summary {
  const raw = validateSummary(input, file);
  const s = raw as Partial<Summary>;
  const n = num;
  const incomplete = s.incomplete ?? false;
  const invariants = (s.invariants ?? []).map((i) => ({ ...i, offending: i.offending ?? [], count: n(i.count) }));
  const { verdict, reasons } = verdictOf(raw, incomplete, invariants);
  const duration = n(s.duration_s);
  const declines = declinesOf(raw.declines);
  return {
    scenario: s.scenario as string,
    description: s.description ?? '',
    seed: n(s.seed),
    router: s.router ?? 'hardened',
    router_tuning: routerTuningOf(s.router_tuning),
    standin: s.standin ?? true,
    mode: s.mode ?? 'embedded',
    replaced: s.replaced ?? [],
    duration_s: duration,
    started_at: s.started_at ?? '',
    incomplete,
    warmup: warmupOf(s.warmup),
    validity: validityOf(s.validity),
    authorizations: counts(s.authorizations),
    latency_ms: { ...ZERO_LATENCY, ...s.latency_ms },
    load: { model: 'open', target_rate: 0, achieved_rate: 0, late: 0, dropped: 0, sent: 0, ...s.load },
    // Older runs wrote empty zero-length before/after phases for windows at the edges of the run: drop them.
    phases: (s.phases ?? []).filter((p) => !(p.end_s <= p.start_s && !(p.authorizations > 0))).map((p) => ({ ...p, latency_ms: { ...ZERO_LATENCY, ...p.latency_ms } })),
    // A window lasting to the end of traffic has no recovery to measure; older summaries did not say so.
    faults: (s.faults ?? []).map((f) =>
      f.recovery_applicable === undefined && duration > 0 && f.scheduled_end_s >= duration ? { ...f, recovery_s: null, recovery_applicable: false } : f,
    ),
    app: {
      total: 0,
      success_rate: 0,
      ...s.app,
      balance: { total: 0, ok: 0, ...s.app?.balance },
      feed: { total: 0, ok: 0, ...s.app?.feed },
    },
    reversals: { total: 0, ok: 0, ...s.reversals },
    advices: { queued: 0, delivered: 0, attempts: 0, pending: 0, ...s.advices },
    unknown_resolution: { total: 0, held: 0, not_held: 0, unresolved: 0, ...s.unknown_resolution },
    causes: s.causes ?? {},
    causes_by_fault: s.causes_by_fault ?? {},
    retry_amplification: n(s.retry_amplification, Number.NaN),
    timeseries: s.timeseries ?? [],
    invariants,
    ...(declines ? { declines } : {}),
    thresholds: s.thresholds ?? [],
    ...(s.baseline ? { baseline: s.baseline } : {}),
    // The scenario's own bands: `faultline gate` compares with them, as the run did.
    ...(s.baseline_tolerances ? { baseline_tolerances: s.baseline_tolerances } : {}),
    verdict,
    passed: verdict === 'passed',
    reasons,
    command: s.command ?? '',
    ...(s.process_events ? { process_events: s.process_events } : {}),
    versions: { faultline: '', node: '', platform: '', ...s.versions },
    files: { history: '', ...s.files },
    ...(isObject(raw.load_source) ? { load_source: raw.load_source as unknown as Summary['load_source'] } : {}),
  };
}

/** Reads, checks and normalizes `<runDir>/summary.json`; a SummaryError names the file and the field. */
export async function readSummary(runDir: string): Promise<Summary> {
  const file = join(runDir, 'summary.json');
  if (!existsSync(file)) throw new SummaryError(`${file}: no summary.json in this run folder`);
  return normalizeSummary(await readSummaryFile(file), file);
}

/** The same for a summary.json anywhere (a baseline). */
export async function readSummaryAt(file: string): Promise<Summary> {
  return normalizeSummary(await readSummaryFile(file), file);
}
