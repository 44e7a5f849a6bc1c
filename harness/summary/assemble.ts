// Assembles summary.json from what a run produced: the aggregator's numbers, the load model's figures,
// the fault timeline (with recovery), the advice queue, the checkers and the run's validity. The verdict
// is left for the gate (gate/verdict.ts decide + applyDecision).
import type { AggregateResult, FaultSummary, RunValidity, Summary } from './types.ts';

export interface SummaryParts {
  scenario: {
    name: string;
    description: string;
    seed: number;
    router: Summary['router'];
    router_tuning?: Summary['router_tuning'];
    standin: boolean;
    duration_s: number;
    baseline_tolerances?: Summary['baseline_tolerances'];
  };
  mode: Summary['mode'];
  /** Which mocks were replaced, and by what. */
  replaced?: Summary['replaced'];
  startedAt: string;
  incomplete: boolean;
  aggregate: AggregateResult;
  load: { model: Summary['load']['model']; target_rate: number; achieved_rate: number; sent: number; dropped: number; request_kinds?: string[] };
  faults: FaultSummary[];
  advices: Summary['advices'];
  /** `figures`: what the checkers add beside their results (e.g. `declines`). */
  checks: { invariants: Summary['invariants']; unknown_resolution: Summary['unknown_resolution']; figures?: Partial<Pick<Summary, 'declines'>> };
  validity: RunValidity;
  command: string;
  versions: Summary['versions'];
  historyFile: string;
  /** Where the load came from when another tool sent it (`faultline check`). */
  loadSource?: Summary['load_source'];
  /** Ends of replicas' processes during the run. */
  processEvents?: Summary['process_events'];
}

/** The summary of a finished (or interrupted) run, verdict not yet decided. */
export function assembleSummary(p: SummaryParts): Summary {
  const agg = p.aggregate;
  return {
    scenario: p.scenario.name,
    description: p.scenario.description,
    seed: p.scenario.seed,
    router: p.scenario.router,
    router_tuning: { ...p.scenario.router_tuning },
    standin: p.scenario.standin,
    mode: p.mode,
    replaced: p.replaced ?? [],
    duration_s: p.scenario.duration_s,
    started_at: p.startedAt,
    incomplete: p.incomplete,
    warmup: agg.warmup,
    validity: p.validity,
    authorizations: agg.authorizations,
    latency_ms: agg.latency_ms,
    load: {
      model: p.load.model,
      target_rate: p.load.target_rate,
      achieved_rate: p.load.achieved_rate,
      late: agg.load.late,
      dropped: agg.load.dropped || p.load.dropped,
      sent: agg.load.sent || p.load.sent,
      ...(p.load.request_kinds ? { request_kinds: p.load.request_kinds } : {}),
    },
    phases: agg.phases,
    faults: p.faults,
    app: agg.app,
    reversals: agg.reversals,
    advices: p.advices,
    unknown_resolution: p.checks.unknown_resolution,
    causes: agg.causes,
    causes_by_fault: agg.causes_by_fault,
    retry_amplification: agg.retry_amplification,
    timeseries: agg.timeseries,
    invariants: p.checks.invariants,
    ...(p.checks.figures ?? {}),
    thresholds: [],
    verdict: 'failed',
    passed: false,
    reasons: [],
    command: p.command,
    ...(p.processEvents ? { process_events: p.processEvents } : {}),
    versions: p.versions,
    files: { history: p.historyFile },
    ...(p.loadSource ? { load_source: p.loadSource } : {}),
    ...(p.scenario.baseline_tolerances && Object.keys(p.scenario.baseline_tolerances).length > 0 ? { baseline_tolerances: p.scenario.baseline_tolerances } : {}),
  };
}
