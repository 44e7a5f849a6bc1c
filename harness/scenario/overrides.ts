// Overrides applied to a loaded scenario (from command-line flags or a suite entry): duration (which
// scales the fault timeline with it), warm-up, rate, seed, router, stand-in, load model, replacements
// replica counts and the router tuning (merged over the scenario's, the flag winning). The values are already checked (harness/cli/flags.ts and replace-flags.ts parse the
// flags); runner/run.ts checks the replacements against the fault timeline before anything starts.
import type { Scenario, Replacements, RouterPolicy } from './schema.ts';
import { settleReplicaCounts, type ScaledService } from './replacements.ts';
import { mergeRouterTuning, type RouterTuning } from '../../services/router/tuning-override.ts';
import type { LoadModelName } from '../summary/types.ts';

export interface ScenarioOverrides {
  /** Seconds. */
  duration?: number;
  /** Seconds of warm-up (0 = none). */
  warmup?: number;
  rate?: number;
  seed?: number;
  router?: RouterPolicy;
  standin?: boolean;
  model?: LoadModelName;
  connections?: number;
  /** Mocks replaced by command or URL; one for a service replaces the scenario's own for it. */
  replace?: Replacements;
  /** Replica counts per scaled service (a command replacement is started this many times). */
  replicas?: Partial<Record<ScaledService, number>>;
  /** Router tuning (checked) merged over the scenario's `topology.router_tuning`, defence by defence. */
  routerTuning?: RouterTuning;
}

export function applyOverrides(scenario: Scenario, o: ScenarioOverrides): Scenario {
  const next: Scenario = structuredClone(scenario);
  if (o.duration !== undefined && o.duration !== scenario.traffic.duration_s) {
    const scale = o.duration / scenario.traffic.duration_s;
    next.traffic.duration_s = o.duration;
    next.faults = next.faults.map((f) => ({ ...f, start_s: round3(f.start_s * scale), end_s: round3(f.end_s * scale) }));
  }
  if (o.warmup !== undefined) next.warmup_s = o.warmup;
  if (o.rate !== undefined) next.traffic.rate = o.rate;
  if (o.seed !== undefined) next.seed = o.seed;
  if (o.router !== undefined) next.topology.router = o.router;
  if (o.routerTuning !== undefined) next.topology.router_tuning = mergeRouterTuning(next.topology.router_tuning, o.routerTuning);
  if (o.standin !== undefined) next.network.standin.enabled = o.standin;
  if (o.model !== undefined) next.traffic.model = o.model;
  if (o.connections !== undefined) next.traffic.connections = o.connections;
  if (o.replace !== undefined || o.replicas !== undefined) {
    next.replace = { ...next.replace, ...structuredClone(o.replace ?? {}) };
    settleReplicaCounts(next.topology, next.replace, o.replicas);
  }
  return next;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
