// What one run carries from start to finish: the scenario, the user's options, where it writes, the
// running topology, the baseline to compare with, and the request plan when it replays a file.
import type { ServiceDefects } from '../../services/catalogue.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { RunningTopology } from '../topology/types.ts';
import type { Summary } from '../summary/types.ts';
import type { BaselineInput } from '../gate/verdict.ts';
import type { ReplayPlan } from '../traffic/requests/replay.ts';
import type { RunMetricsHook } from '../metrics/hook.ts';

export interface RunOptions {
  out?: string;
  replay?: string;
  speed?: number;
  mode?: 'embedded' | 'compose';
  baseline?: string;
  tolerances?: string;
  report?: boolean;
  /** The command that repeats this run, shown in the report. */
  command?: string;
  /** Aborting it interrupts the run: traffic stops, faults heal, what was measured is checked and written. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  progress?: boolean;
  /**
   * Deliberate defects for checker tests, per service (services/catalogue.ts lists them and their ordinary
   * values): e.g. `{ 'ledger-store': { idempotency: false }, feed: { miss_events_percent: 30 } }`. Handed to
   * the topology untouched.
   */
  defects?: ServiceDefects;
  /**
   * Test hook: block the driver's event loop for `ms` at `at_s` seconds into the measured part (a deliberate
   * driver stall, so the validity check can be tested without hoping the machine produces one).
   */
  driverStall?: { at_s: number; ms: number };
  /** Live metrics (`--metrics-port`): fed every history record, and the live state once traffic starts. */
  metrics?: RunMetricsHook;
}

export interface RunResult {
  summary: Summary;
  runDir: string;
}

export interface RunContext {
  scenario: Scenario;
  options: RunOptions;
  log: (line: string) => void;
  runDir: string;
  startedAt: string;
  topology: RunningTopology;
  baseline: BaselineInput | undefined;
  /** Requests from a replay file (already shifted so its first warm-up seconds come before t = 0), or null to generate. */
  replayPlan: ReplayPlan | null;
}

export class HarnessError extends Error {}
