// Overrides applied to a loaded scenario (from command-line flags or a suite entry): duration (which
// scales the fault timeline with it), warm-up, rate, seed, router, stand-in, load model. The values are
// already checked (harness/cli/flags.ts parses the flags).
import type { Scenario, RouterPolicy } from './schema.ts';

export interface ScenarioOverrides {
  /** Seconds. */
  duration?: number;
  /** Seconds of warm-up (0 = none). */
  warmup?: number;
  rate?: number;
  seed?: number;
  router?: RouterPolicy;
  standin?: boolean;
  model?: 'open' | 'closed';
  connections?: number;
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
  if (o.standin !== undefined) next.network.standin.enabled = o.standin;
  if (o.model !== undefined) next.traffic.model = o.model;
  if (o.connections !== undefined) next.traffic.connections = o.connections;
  return next;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
