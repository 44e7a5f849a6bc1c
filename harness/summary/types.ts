// summary.json: the one file every consumer (report, gate, compare, suite, bench) reads.
// The top-level names are a public contract: keep them.
import type { AuthOutcome } from '../history/record.ts';

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
}

export interface PhaseSummary {
  name: 'before' | 'during' | 'after' | 'whole';
  /** The fault window this phase is relative to; null for a run without faults. */
  fault: string | null;
  start_s: number;
  end_s: number;
  authorizations: number;
  success_rate: number;
  issuer_success_rate: number;
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
  /** Seconds from the fault's end until the per-second success rate was back within threshold; null if never. */
  recovery_s: number | null;
  error?: string;
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
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  actual: number | null;
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
  /** Second from the start of traffic. */
  t: number;
  authorizations: number;
  success_rate: number | null;
  issuer_success_rate: number | null;
  p50: number | null;
  p99: number | null;
  app_total: number;
  app_success_rate: number | null;
  /** Arrivals sent in this second (achieved rate). */
  sent: number;
}

export interface Summary {
  scenario: string;
  description: string;
  seed: number;
  router: 'naive' | 'hardened';
  standin: boolean;
  mode: 'embedded' | 'compose';
  duration_s: number;
  started_at: string;
  /** True when the run was interrupted (Ctrl-C) or the harness failed mid-run: what was measured is kept. */
  incomplete: boolean;
  authorizations: AuthorizationCounts;
  latency_ms: LatencySummary;
  load: {
    model: 'open' | 'closed';
    target_rate: number;
    achieved_rate: number;
    late: number;
    dropped: number;
    sent: number;
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
  thresholds: ThresholdResult[];
  baseline?: { file: string; deltas: BaselineDelta[]; ok: boolean };
  passed: boolean;
  /** One line per reason the run failed (or "all checks passed"). */
  verdict: string[];
  /** The command that repeats this run. */
  command: string;
  versions: { faultline: string; node: string; platform: string };
  files: { history: string; report?: string; junit?: string };
}
