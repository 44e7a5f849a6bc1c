// What the runner hands the live metrics while a run goes: every history record as it is written, and the
// live state a scrape reads (active faults, the advice queue, the replicas). The runner knows only this.
import type { HistoryRecord } from '../history/record.ts';
import type { AdviceCounts, ReplicaState } from './definitions.ts';

export interface LiveRunState {
  /** Fault windows that have taken effect and are not yet healed. */
  activeFaults(): readonly string[];
  advices(): AdviceCounts;
  replicas(): readonly ReplicaState[];
}

export interface RunMetricsHook {
  /** One history record, as the run writes it. Never throws. */
  record(record: HistoryRecord): void;
  /** Called once the topology is up and traffic is about to start. */
  watch(live: LiveRunState): void;
}
