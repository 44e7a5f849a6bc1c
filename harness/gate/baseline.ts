// Baseline comparison: is this run worse than a kept baseline summary by more than noise?
//
// The bands (README, "The nightly gate", has the measurements they were sized from):
//
//     tolerance = max(abs, rel × |baseline|, sigmas × standard error)
//
// | metric                                                   | worse  | abs      | rel  | sigmas | standard error                             |
// | -------------------------------------------------------- | ------ | -------- | ---- | ------ | ------------------------------------------ |
// | `authorization_success_rate` (whole run, and `{phase:during,fault:F}`) | lower | 0.005 | 0 | 3 | binomial: √(pₐ(1−pₐ)/nₐ + p_b(1−p_b)/n_b) |
// | `issuer_success_rate`                                    | lower  | 0.005    | 0    | 3      | binomial                                   |
// | `approval_rate` (whole run, and `{phase:during,fault:F}`) | lower | 0.005    | 0    | 3      | binomial over the issuer's answers         |
// | `authorization_latency_p50{slice}`                       | higher | 5 ms     | 0.25 | 0      | –                                          |
// | `authorization_latency_p99{slice}`                       | higher | 60 ms    | 1.0  | 0      | –                                          |
// | `recovery_seconds{fault:F}`                              | higher | 2 s      | 0.50 | 0      | –                                          |
// | `authorizations_failed_unknown` (scaled to this run's n) | higher | 5        | 0.25 | 3      | Poisson: √(baseline count)                 |
// | `retry_amplification`                                    | higher | 0.005    | 0    | 0      | –; 0 when the baseline had no retry at all |
//
// Latency is compared per slice of the BASELINE's schedule (comparedSlices below), never as a whole-run
// percentile of a fault run, and only with enough samples (MIN_SAMPLES: 200 for p50, 1,000 for p99).
// A fault that recovered in the baseline but never recovers now always fails; a metric present in only
// one of the two runs is skipped. "Never recovered" is Infinity in memory and null in JSON. A scenario's
// `baseline_tolerances` and a `--tolerances` file override any band, per family or per metric.
import { z } from 'zod';
import { InputFileError, readInputText } from '../files/input-file.ts';
import { readSummaryFile, SummaryError } from '../summary/schema.ts';
import type { BaselineDelta, LatencySummary, PhaseSummary, Summary } from '../summary/types.ts';

export interface Tolerance {
  /** Absolute band, in the metric's unit (rate, ms, s, count). */
  abs: number;
  /** Relative band, a fraction of the baseline value. */
  rel: number;
  /** Standard errors (binomial for rates, Poisson for counts; 0 = unused). */
  sigmas: number;
}

export const BASELINE_FAMILIES = [
  'authorization_success_rate',
  'issuer_success_rate',
  'approval_rate',
  'authorization_latency_p50',
  'authorization_latency_p99',
  'recovery_seconds',
  'authorizations_failed_unknown',
  'retry_amplification',
] as const;
export type BaselineFamily = (typeof BASELINE_FAMILIES)[number];

/** Per family (`recovery_seconds`) or per metric (`recovery_seconds{fault:x}`): partial overrides of the defaults. */
export type BaselineTolerances = Record<string, Partial<Tolerance>>;

export const DEFAULT_TOLERANCES: Readonly<Record<BaselineFamily, Tolerance>> = {
  authorization_success_rate: { abs: 0.005, rel: 0, sigmas: 3 },
  issuer_success_rate: { abs: 0.005, rel: 0, sigmas: 3 },
  // Provisional, like issuer_success_rate's: to be sized from unchanged reruns.
  approval_rate: { abs: 0.005, rel: 0, sigmas: 3 },
  authorization_latency_p50: { abs: 5, rel: 0.25, sigmas: 0 },
  authorization_latency_p99: { abs: 60, rel: 1, sigmas: 0 },
  recovery_seconds: { abs: 2, rel: 0.5, sigmas: 0 },
  authorizations_failed_unknown: { abs: 5, rel: 0.25, sigmas: 3 },
  retry_amplification: { abs: 0.005, rel: 0, sigmas: 0 },
};

export interface BaselineComparison {
  deltas: BaselineDelta[];
  ok: boolean;
}

const toleranceSchema = z.strictObject({
  abs: z.number().nonnegative().optional(),
  rel: z.number().nonnegative().optional(),
  sigmas: z.number().nonnegative().optional(),
});
const KEY_RE = /^([a-z_0-9]+)(\{[^{}]*\})?$/;
export const tolerancesSchema = z.record(
  z.string().refine((k) => (BASELINE_FAMILIES as readonly string[]).includes(KEY_RE.exec(k)?.[1] ?? ''), {
    message: `must be one of ${BASELINE_FAMILIES.join(', ')}, optionally with {tags}`,
  }),
  toleranceSchema,
);

/** A baseline or tolerances file that cannot be used: bad input (exit 2), never a harness failure. */
export class BaselineFileError extends Error {
  override name = 'BaselineFileError';
}

/** Validates a tolerances object; throws a BaselineFileError naming the key. */
export function parseTolerances(input: unknown, source = 'tolerances'): BaselineTolerances {
  const result = tolerancesSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.map(String).join('.') || '(root)';
    throw new BaselineFileError(`${source}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** A scenario's own bands under a --tolerances file's: the file wins, key by key. */
export function mergeTolerances(scenario: BaselineTolerances, file: BaselineTolerances = {}): BaselineTolerances {
  const out: BaselineTolerances = { ...scenario };
  for (const [key, band] of Object.entries(file)) out[key] = { ...out[key], ...band };
  return out;
}

export async function loadTolerances(file: string): Promise<BaselineTolerances> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readInputText(file, { maxBytes: 1024 * 1024, what: 'a tolerances file' }));
  } catch (err) {
    if (err instanceof InputFileError) throw new BaselineFileError(err.message);
    throw new BaselineFileError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return parseTolerances(raw, file);
}

export function toleranceFor(metric: string, family: BaselineFamily, overrides: BaselineTolerances = {}): Tolerance {
  return { ...DEFAULT_TOLERANCES[family], ...overrides[family], ...overrides[metric] };
}

interface Sample {
  metric: string;
  family: BaselineFamily;
  worse: 'lower' | 'higher';
  baseline: number;
  actual: number;
  /** Standard error of the difference, when the metric has one. */
  se: number;
  /** The baseline had none of it (no retry at all): any is a change, unless a tolerance says otherwise. */
  noneInBaseline?: boolean;
}

function binomialSe(pa: number, na: number, pb: number, nb: number): number {
  const term = (p: number, n: number) => (n > 0 ? (p * (1 - p)) / n : 0);
  return Math.sqrt(term(pa, na) + term(pb, nb));
}

/** approved / (approved + declined) and its n: of what the issuer answered, how much it approved. */
function wholeApproval(summary: Summary): { rate: number; n: number } | null {
  const n = summary.authorizations.approved + summary.authorizations.declined;
  return n > 0 ? { rate: summary.authorizations.approved / n, n } : null;
}

/** A phase's approval rate and its n; null when the issuer answered nothing or the summary predates the fields. */
function phaseApproval(p: PhaseSummary): { rate: number; n: number } | null {
  const rate = p.approval_rate;
  const n = p.issuer_answers;
  return typeof rate === 'number' && Number.isFinite(rate) && typeof n === 'number' && n > 0 ? { rate, n } : null;
}

function duringPhase(summary: Summary, fault: string): PhaseSummary | undefined {
  return summary.phases.find((p) => p.name === 'during' && p.fault === fault && p.authorizations > 0);
}

function recoveryOf(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
}

/** Fewest authorizations a phase needs before its latency percentiles are compared (p50 / p99). */
export const MIN_SAMPLES = { p50: 200, p99: 1000 } as const;

/** A slice of the schedule whose latency is compared: a tag, and how to find it in a summary. */
interface ComparedSlice {
  tag: string;
  read(summary: Summary): { authorizations: number; latency_ms: LatencySummary } | undefined;
}

const phaseOf = (name: PhaseSummary['name'], fault: string | null) => (summary: Summary) =>
  summary.phases.find((p) => p.name === name && p.fault === fault);

/**
 * The slices of the schedule whose latency is compared, chosen from the BASELINE's fault windows so the
 * same slice is read in both runs (a regression injected as an extra fault window does not move them):
 * the measured run for a baseline without faults; otherwise the quiet phase before its first fault, each
 * of its faults' `during`, and the quiet phase after its last fault. Per-fault before/after phases that
 * overlap other faults (monzo-2017) are mixtures of quiet and faulted seconds and are not compared, nor
 * is a whole-run percentile of a fault run (a bimodal mixture whose median lands anywhere between the
 * modes).
 */
export function comparedSlices(baseline: Summary): ComparedSlice[] {
  if (baseline.faults.length === 0) {
    return [{ tag: '{phase:whole}', read: (s) => ({ authorizations: s.authorizations.total, latency_ms: s.latency_ms }) }];
  }
  const out: ComparedSlice[] = [];
  const first = [...baseline.faults].sort((a, b) => a.scheduled_s - b.scheduled_s)[0];
  if (first) out.push({ tag: '{phase:before}', read: phaseOf('before', first.name) });
  for (const f of baseline.faults) out.push({ tag: `{phase:during,fault:${f.name}}`, read: phaseOf('during', f.name) });
  const last = [...baseline.faults].sort((a, b) => b.scheduled_end_s - a.scheduled_end_s)[0];
  if (last) out.push({ tag: '{phase:after}', read: phaseOf('after', last.name) });
  return out;
}

function samples(actual: Summary, baseline: Summary): Sample[] {
  const out: Sample[] = [];
  const a = actual.authorizations;
  const b = baseline.authorizations;
  if (a.total > 0 && b.total > 0) {
    out.push({
      metric: 'authorization_success_rate',
      family: 'authorization_success_rate',
      worse: 'lower',
      baseline: b.success_rate,
      actual: a.success_rate,
      se: binomialSe(a.success_rate, a.total, b.success_rate, b.total),
    });
    out.push({
      metric: 'issuer_success_rate',
      family: 'issuer_success_rate',
      worse: 'lower',
      baseline: b.issuer_success_rate,
      actual: a.issuer_success_rate,
      se: binomialSe(a.issuer_success_rate, a.total, b.issuer_success_rate, b.total),
    });
    const approvalA = wholeApproval(actual);
    const approvalB = wholeApproval(baseline);
    if (approvalA && approvalB) {
      out.push({
        metric: 'approval_rate',
        family: 'approval_rate',
        worse: 'lower',
        baseline: approvalB.rate,
        actual: approvalA.rate,
        se: binomialSe(approvalA.rate, approvalA.n, approvalB.rate, approvalB.n),
      });
    }
    const badA = a.failed + a.unknown;
    const badB = ((b.failed + b.unknown) * a.total) / b.total;
    out.push({
      metric: 'authorizations_failed_unknown',
      family: 'authorizations_failed_unknown',
      worse: 'higher',
      baseline: badB,
      actual: badA,
      se: Math.sqrt(badB),
    });
    if (actual.retry_amplification > 0 && baseline.retry_amplification > 0) {
      out.push({
        metric: 'retry_amplification',
        family: 'retry_amplification',
        worse: 'higher',
        baseline: baseline.retry_amplification,
        actual: actual.retry_amplification,
        se: 0,
        noneInBaseline: baseline.retry_amplification <= 1,
      });
    }
  }
  for (const { tag, read } of comparedSlices(baseline)) {
    const pa = read(actual);
    const pb = read(baseline);
    if (!pa || !pb) continue;
    for (const key of ['p50', 'p99'] as const) {
      if (pa.authorizations < MIN_SAMPLES[key] || pb.authorizations < MIN_SAMPLES[key]) continue;
      out.push({
        metric: `authorization_latency_${key}${tag}`,
        family: `authorization_latency_${key}`,
        worse: 'higher',
        baseline: pb.latency_ms[key],
        actual: pa.latency_ms[key],
        se: 0,
      });
    }
  }
  for (const fault of actual.faults) {
    const base = baseline.faults.find((f) => f.name === fault.name);
    if (!base) continue;
    const pa = duringPhase(actual, fault.name);
    const pb = duringPhase(baseline, fault.name);
    if (pa && pb) {
      out.push({
        metric: `authorization_success_rate{phase:during,fault:${fault.name}}`,
        family: 'authorization_success_rate',
        worse: 'lower',
        baseline: pb.success_rate,
        actual: pa.success_rate,
        se: binomialSe(pa.success_rate, pa.authorizations, pb.success_rate, pb.authorizations),
      });
      const approvalA = phaseApproval(pa);
      const approvalB = phaseApproval(pb);
      if (approvalA && approvalB) {
        out.push({
          metric: `approval_rate{phase:during,fault:${fault.name}}`,
          family: 'approval_rate',
          worse: 'lower',
          baseline: approvalB.rate,
          actual: approvalA.rate,
          se: binomialSe(approvalA.rate, approvalA.n, approvalB.rate, approvalB.n),
        });
      }
    }
    const applicable = fault.recovery_applicable !== false && base.recovery_applicable !== false;
    if (applicable && fault.healed_s !== null && base.healed_s !== null) {
      out.push({
        metric: `recovery_seconds{fault:${fault.name}}`,
        family: 'recovery_seconds',
        worse: 'higher',
        baseline: recoveryOf(base.recovery_s),
        actual: recoveryOf(fault.recovery_s),
        se: 0,
      });
    }
  }
  return out;
}

function judge(sample: Sample, overrides: BaselineTolerances): BaselineDelta {
  const t = toleranceFor(sample.metric, sample.family, overrides);
  if (sample.noneInBaseline && overrides[sample.family]?.abs === undefined && overrides[sample.metric]?.abs === undefined) {
    // The quiet reference run never needed a retry: one now means something on the ledger path misbehaves.
    const delta = sample.actual - sample.baseline;
    return { metric: sample.metric, baseline: sample.baseline, actual: sample.actual, delta, tolerance: 0, ok: delta <= 0 };
  }
  const { baseline, actual } = sample;
  if (!Number.isFinite(baseline) || !Number.isFinite(actual)) {
    // Only recovery can be infinite ("never recovered"): worse only if it recovered before and not now.
    const bothNever = !Number.isFinite(baseline) && !Number.isFinite(actual);
    const tolerance = Number.isFinite(baseline) ? Math.max(t.abs, t.rel * Math.abs(baseline)) : Number.POSITIVE_INFINITY;
    return {
      metric: sample.metric,
      baseline,
      actual,
      delta: bothNever ? 0 : actual - baseline,
      tolerance,
      ok: bothNever || !Number.isFinite(baseline),
    };
  }
  const tolerance = Math.max(t.abs, t.rel * Math.abs(baseline), t.sigmas * sample.se);
  const delta = actual - baseline;
  const ok = sample.worse === 'lower' ? delta >= -tolerance : delta <= tolerance;
  return { metric: sample.metric, baseline, actual, delta, tolerance, ok };
}

/** Compares a run with its baseline; `ok` is false when any metric regressed beyond its tolerance. */
export function compareBaseline(actual: Summary, baseline: Summary, tolerances: BaselineTolerances = {}): BaselineComparison {
  const deltas = samples(actual, baseline).map((s) => judge(s, tolerances));
  return { deltas, ok: deltas.every((d) => d.ok) };
}

/** Which way a baseline metric gets worse (for arrows and colours in reports). */
export function worseDirection(metric: string): 'lower' | 'higher' {
  return metric.startsWith('authorization_success_rate') || metric.startsWith('issuer_success_rate') || metric.startsWith('approval_rate') ? 'lower' : 'higher';
}

/**
 * Why a run cannot be a baseline, or null when it can: only a sound run — complete, passed, on a machine
 * whose health kept within its limits — is written or accepted as one. A failed run's numbers are a
 * broken pipeline's (a baseline p50 of 52 s would give a 13 s tolerance), an inconclusive or distorted
 * one's are the machine's, an interrupted one covers part of its schedule.
 */
export function unsoundBaselineReason(s: Partial<Pick<Summary, 'incomplete' | 'verdict' | 'passed' | 'validity' | 'reasons'>>): string | null {
  const first = (s.reasons ?? []).find((r) => typeof r === 'string' && !/^not (judged|compared)/.test(r));
  const why = first ? ` (${first})` : '';
  if (s.incomplete) return 'the run was interrupted (incomplete): it covers only part of its schedule';
  // Summaries older than verdicts carry `verdict` as a list of lines: `passed` says how they ended.
  const verdict = typeof s.verdict === 'string' ? s.verdict : s.passed === true ? 'passed' : 'failed';
  if (verdict === 'inconclusive') return `the run was inconclusive: the machine shaped its numbers${why}`;
  if (s.validity && s.validity.ok === false) return `the run was distorted: its validity figures broke their limits (${s.validity.reasons?.[0] ?? 'run health'})`;
  if (verdict !== 'passed') return `the run failed${why}: a broken pipeline's numbers would widen every band`;
  return null;
}

export async function loadBaselineSummary(file: string): Promise<Summary> {
  let raw: unknown;
  try {
    raw = await readSummaryFile(file); // bounded, parsed and checked against the summary schema
  } catch (err) {
    if (err instanceof SummaryError) throw new BaselineFileError(err.message);
    throw err;
  }
  const s = raw as Partial<Summary> | null;
  if (!s || typeof s !== 'object' || !s.authorizations || !Array.isArray(s.phases) || !Array.isArray(s.faults) || !s.latency_ms) {
    throw new BaselineFileError(`${file}: not a faultline summary.json (missing authorizations, latency_ms, phases or faults)`);
  }
  const unsound = unsoundBaselineReason(s);
  if (unsound) throw new BaselineFileError(`${file}: cannot be a baseline: ${unsound}`);
  if (!s.warmup) throw new BaselineFileError(`${file}: written by an older faultline (no warm-up, whole-run latency): refresh it with \`faultline suite nightly --write-baselines <dir>\``);
  return raw as Summary;
}
