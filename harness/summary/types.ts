// summary.json: the one file every consumer (report, gate, compare, suite, bench) reads.
// The top-level names are a public contract: keep them. This is the lowest layer of the harness: it
// imports nothing but its own parts (validity-types.ts), and the history, checkers, gate and report import
// their shared names from here.
import type { RunValidity } from './validity-types.ts';

/** An authorization's outcome (DESIGN.md's vocabulary). */
export const AUTH_OUTCOMES = [
  'approved',
  'declined',
  'standin_approved',
  'standin_declined',
  'failed',
  'unknown',
] as const;
export type AuthOutcome = (typeof AUTH_OUTCOMES)[number];

/**
 * The load models a scenario may name (`traffic.model`) and a summary records: each is one file under
 * harness/traffic/load/ and one line in its registry.ts, keyed by this name.
 */
export const LOAD_MODELS = ['open', 'closed'] as const;
export type LoadModelName = (typeof LOAD_MODELS)[number];

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface AuthorizationCounts extends Record<AuthOutcome, number> {
  total: number;
  /** (approved + declined + standin_*) / total: a technical failure is never a decline. */
  success_rate: number;
  /** (approved + declined) / total: what the issuer itself answered, without stand-in. */
  issuer_success_rate: number;
  /**
   * approved / (approved + declined): of what the issuer answered, how much it approved; null when it answered
   * nothing. Absent in summaries older than this field (readers compute it from the counts).
   */
  approval_rate?: number | null;
}

export interface PhaseSummary {
  /**
   * before / during / after a fault window, or `whole` for a run without faults. Phases cover the measured
   * part of the run only: the warm-up (t < 0) is never a phase. A window that starts at 0 has no `before`
   * phase and one that lasts to the end of traffic has no `after` phase.
   */
  name: 'before' | 'during' | 'after' | 'whole';
  /** The fault window this phase is relative to; null for a run without faults. */
  fault: string | null;
  start_s: number;
  end_s: number;
  authorizations: number;
  success_rate: number;
  issuer_success_rate: number;
  /** approved + declined: what the issuer answered in this phase (absent in older summaries). */
  issuer_answers?: number;
  /** approved / issuer_answers; null when the issuer answered nothing (absent in older summaries). */
  approval_rate?: number | null;
  latency_ms: LatencySummary;
}

export interface FaultSummary {
  name: string;
  fault: string;
  target: string;
  scheduled_s: number;
  /** When the fault took effect, seconds from the start of traffic; null if it never applied. */
  applied_s: number | null;
  healed_s: number | null;
  scheduled_end_s: number;
  /** Seconds from the fault's end until the per-second success rate was back within threshold; null if never (or not applicable). */
  recovery_s: number | null;
  /**
   * False when the window lasts to the end of traffic: there is no `after` phase to recover in, so recovery
   * is not measured and no threshold or baseline reads it. Absent in summaries older than this field (= true).
   */
  recovery_applicable?: boolean;
  error?: string;
  /**
   * The timeline ran in another process (`faultline faults` beside a k6 run, then `faultline check`): applied_s
   * and healed_s are not measured here (null), and the window is taken at its schedule. Absent = this run applied it.
   */
  applied_elsewhere?: boolean;
}

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** valid < unknown < invalid, as Jepsen composes checkers. */
  validity: 'valid' | 'unknown' | 'invalid';
  detail: string;
  /** The first offending ids (at most 20). */
  offending: string[];
  count: number;
  /**
   * Why this invariant was not judged: the run's load did not do what it needs (a k6 script delivers no stand-in
   * advices, `faultline check`), or an input it needs was not given. Validity is then `unknown`; such an
   * invariant neither passes nor fails the run. Absent on every invariant that was judged.
   */
  not_judged?: string;
}

/** A decline the book does not justify (invariant declines-justified): never a card number, an account id and amounts. */
export interface FalseDecline {
  /** The authorization id. */
  id: string;
  /** The decline's reason as answered (`(none)` when it had none); stand-in declines: `standin_declined`. */
  reason: string;
  account_id: string;
  amount: number | null;
  currency: string | null;
  /** Where the decline was decided: `processor` (without the ledger), `processor->ledger`, or `network` (stand-in). */
  hop: string;
  /** The fault windows active at its intended send time. */
  faults: string[];
  /** insufficient_funds: the lowest available balance the journal shows in the request's life; else null. */
  lowest_available: number | null;
  /** What the book says instead. */
  why: string;
}

/** Every decline of the run, by reason, and those the book does not justify (warm-up included, as every money check). */
export interface DeclineSummary {
  /** Issuer declines (outcome `declined`). */
  total: number;
  /** Issuer declines per reason code (`(none)` for a decline without one). */
  by_reason: Record<string, number>;
  /** Declines the network made in stand-in (over its per-card limit). */
  standin_declined: number;
  false_declines: {
    total: number;
    by_reason: Record<string, number>;
    /** `processor`, `processor->ledger`, `network`. */
    by_hop: Record<string, number>;
    /** Per fault window active at the intended send time; `(none)` outside every window. */
    by_fault: Record<string, number>;
    /** The first ones (at most 20), in the order the history recorded them. */
    first: FalseDecline[];
  };
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  /** True when met, or when not applicable (then `not_applicable` says why and nothing was judged). */
  ok: boolean;
  actual: number | null;
  /** Why this run cannot produce the metric at all (e.g. the closed model makes no app reads): shown as n/a. */
  not_applicable?: string;
}

export interface BaselineDelta {
  metric: string;
  baseline: number;
  actual: number;
  delta: number;
  tolerance: number;
  ok: boolean;
}

export interface TimeseriesPoint {
  /** Second from the start of the measured part of the run; negative during the warm-up. */
  t: number;
  authorizations: number;
  success_rate: number | null;
  issuer_success_rate: number | null;
  /** approved / (approved + declined) in this second; null when the issuer answered nothing (absent in older summaries). */
  approval_rate?: number | null;
  p50: number | null;
  p99: number | null;
  app_total: number;
  app_success_rate: number | null;
  /** Arrivals sent in this second (achieved rate). */
  sent: number;
}

/** The run's verdict: `inconclusive` when its own health says the machine, not the pipeline, shaped the numbers. */
export type Verdict = 'passed' | 'failed' | 'inconclusive';

/** The warm-up: the first seconds of traffic, recorded and charted, never gated. */
export interface WarmupSummary {
  duration_s: number;
  authorizations: AuthorizationCounts;
  latency_ms: LatencySummary;
}

// The run's health figures and limits: validity-types.ts.
export type { FaultActivation, ForeignCpuFigures, RunValidity, ValidityFigures, ValidityLimits } from './validity-types.ts';

/** A mock the run replaced by the user's own service (scenario `replace:`, or --replace / --replace-url). */
export interface ReplacedService {
  /** card-processor, ledger, ledger-store or feed. */
  service: string;
  /** `command`: faultline started it; `url`: it already ran, faultline only proxied and registered it. */
  by: 'command' | 'url';
  /** The command line, or the URL. */
  what: string;
  replicas: number;
}

/** A replica's process that ended during the run: on its own (a crash, an OOM kill) or by a fault. */
export interface ProcessEvent {
  replica: string;
  service: string;
  pid: number;
  /** Seconds from the start of the measured part (negative in the warm-up). */
  at_s: number;
  /** Its exit code, or null when a signal ended it. */
  code: number | null;
  signal: string | null;
  /** faultline ended it (a process fault, a restart); false: it died on its own, which fails the run. */
  expected: boolean;
  /** The user's service it was, when the mock was replaced: `command "node store.js"`. */
  replaced_by?: string;
}

export interface Summary {
  scenario: string;
  description: string;
  seed: number;
  router: 'naive' | 'hardened';
  /**
   * The hardened router's tuning override (scenario `topology.router_tuning` and --router-tuning): defences
   * switched "off" and knobs set, e.g. {"ejection": "off"}; {} when none (absent in summaries older than this field).
   */
  router_tuning?: Record<string, string | number>;
  standin: boolean;
  /** `external`: faultline did not start the pipeline nor send the load (`faultline check` of a k6 run). */
  mode: 'embedded' | 'compose' | 'external';
  /** Mocks replaced by the user's own services; [] when none (absent in summaries older than this field). */
  replaced?: ReplacedService[];
  duration_s: number;
  started_at: string;
  /** True when the run was interrupted (Ctrl-C) or the harness failed mid-run: what was measured is kept. */
  incomplete: boolean;
  /** The warm-up's own numbers (t < 0). Everything else in this summary covers the measured part only. */
  warmup: WarmupSummary;
  /** The machine's health during the run; a broken limit makes the verdict `inconclusive`. */
  validity: RunValidity;
  /** Authorizations of the measured part (warm-up excluded): what thresholds and the baseline read. */
  authorizations: AuthorizationCounts;
  latency_ms: LatencySummary;
  load: {
    model: LoadModelName;
    target_rate: number;
    /**
     * Sends per wall second of the measured part: arrivals sent with an intended time at or after t = 0,
     * over the wall time from t = 0 to the end of the schedule or the last such send if later (a driver
     * that fell behind sends the same requests over more seconds). Advices and the network's timeout
     * reversals are not arrivals.
     */
    achieved_rate: number;
    late: number;
    dropped: number;
    sent: number;
    /** The kinds of request the run's traffic could send (authorization, reversal, balance, feed…); absent in older summaries. */
    request_kinds?: string[];
  };
  phases: PhaseSummary[];
  faults: FaultSummary[];
  app: { total: number; success_rate: number; balance: { total: number; ok: number }; feed: { total: number; ok: number } };
  reversals: { total: number; ok: number };
  advices: { queued: number; delivered: number; attempts: number; pending: number };
  /** Unknown authorizations resolved against the ledger after the run. */
  unknown_resolution: { total: number; held: number; not_held: number; unresolved: number };
  /** Failed and unknown authorizations per hop and cause, e.g. {"processor->ledger": {"timeout": 12}}. */
  causes: Record<string, Record<string, number>>;
  /** Causes per fault window: {"ledger-latency": {"processor->ledger:timeout": 12}}. */
  causes_by_fault: Record<string, Record<string, number>>;
  /** Ledger attempts per authorization (1.0 = no retries). */
  retry_amplification: number;
  timeseries: TimeseriesPoint[];
  invariants: InvariantResult[];
  /** Declines by reason and the false ones (invariant declines-justified); absent in summaries older than this field. */
  declines?: DeclineSummary;
  thresholds: ThresholdResult[];
  baseline?: { file: string; deltas: BaselineDelta[]; ok: boolean };
  /** The scenario's own baseline noise bands (scenario `baseline_tolerances`), for `faultline gate` to reuse. */
  baseline_tolerances?: Record<string, { abs?: number; rel?: number; sigmas?: number }>;
  /** passed, failed, or inconclusive (the machine shaped the numbers; never compared with a baseline). */
  verdict: Verdict;
  /** verdict === 'passed', for readers that want a boolean. */
  passed: boolean;
  /** One line per reason the run failed or is inconclusive (or "all checks passed"). */
  reasons: string[];
  /** The command that repeats this run. */
  command: string;
  /** Every end of a replica's process during the run (absent in summaries older than this field). */
  process_events?: ProcessEvent[];
  versions: { faultline: string; node: string; platform: string };
  files: { history: string; report?: string; junit?: string };
  /** Where the load came from when faultline did not send it (`faultline check`); absent for `faultline run`. */
  load_source?: LoadSource;
}

/** A run whose load another tool sent (k6), judged afterwards by `faultline check`. */
export interface LoadSource {
  tool: 'k6';
  /** The k6 JSON output file (`k6 run --out json=…`), as given. */
  file: string;
  /** The exported script's declaration (`faultline.k6/1`). */
  format: string;
  /** Lines read, requests turned into history records, iterations k6 dropped (never sent). */
  lines: number;
  requests: number;
  dropped_iterations: number;
  /** Validity figures a k6 run cannot supply, each with why (shown as not measured, never as 0). */
  not_measured: string[];
  /** What faultline's own card network does that the k6 script did not (stand-in, advices, timeout reversals…). */
  not_done: string[];
  /** Fields missing from the k6 output's request points and derived instead, with how many requests each (absent: none). */
  derived?: Record<string, number>;
}

/** What the history aggregator measured of a run (history/aggregate.ts): the numbers summary.json is built from. */
export interface AggregateResult {
  duration_s: number;
  warmup: WarmupSummary;
  /** How late sends of the measured part were (ms), and the share later than the tolerance. */
  lateness: { p50: number; p99: number; max: number; late_share: number; sends: number };
  authorizations: AuthorizationCounts;
  latency_ms: LatencySummary;
  load: { sent: number; late: number; dropped: number; achieved_rate: number };
  phases: PhaseSummary[];
  app: Summary['app'];
  reversals: Summary['reversals'];
  /** Advice records seen in the history (the driver owns the advice queue counts). */
  advices: { total: number; ok: number };
  causes: Summary['causes'];
  causes_by_fault: Summary['causes_by_fault'];
  retry_amplification: number;
  timeseries: TimeseriesPoint[];
}
