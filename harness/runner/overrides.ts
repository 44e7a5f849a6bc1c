// Command-line overrides applied to a loaded scenario: duration (which scales the fault timeline with it),
// rate, seed, router, stand-in, load model. Each is checked here so a bad flag is exit 2 before anything starts.
import type { Scenario, RouterPolicy } from '../scenario/schema.ts';
import { UsageError } from '../cli/exit-codes.ts';

export interface ScenarioOverrides {
  duration?: number;
  rate?: number;
  seed?: number;
  router?: RouterPolicy;
  standin?: boolean;
  model?: 'open' | 'closed';
  connections?: number;
}

export function positiveNumber(flag: string, raw: unknown, opts: { integer?: boolean; max?: number } = {}): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (opts.integer && !Number.isInteger(n)) || (opts.max !== undefined && n > opts.max)) {
    throw new UsageError(`${flag} must be a positive ${opts.integer ? 'integer' : 'number'}${opts.max !== undefined ? ` up to ${opts.max}` : ''}, got "${String(raw)}"`);
  }
  return n;
}

export function applyOverrides(scenario: Scenario, o: ScenarioOverrides): Scenario {
  const next: Scenario = structuredClone(scenario);
  if (o.duration !== undefined && o.duration !== scenario.traffic.duration_s) {
    const scale = o.duration / scenario.traffic.duration_s;
    next.traffic.duration_s = o.duration;
    next.faults = next.faults.map((f) => ({ ...f, start_s: round3(f.start_s * scale), end_s: round3(f.end_s * scale) }));
  }
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
