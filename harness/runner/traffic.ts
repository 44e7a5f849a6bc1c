// The traffic part of a run: the warm-up, then the measured seconds, driven by the scenario's load model
// (traffic/load/registry.ts: the open model's arrival schedule, a plan or a replay, or the closed model's
// virtual users). Every model sends through the card network, so every request becomes one history record
// classified the same way. Time 0 is the end of the warm-up: warm-up requests have negative intended times.
import { performance } from 'node:perf_hooks';
import type { AccountSeed } from '../../services/common/accounts.ts';
import type { CardNetwork } from '../traffic/card-network/card-network.ts';
import { requestSource } from '../traffic/requests/source.ts';
import type { LoadModel, LoadResult } from '../traffic/load/load-model.ts';
import { loadModel } from '../traffic/load/registry.ts';
import type { RunContext } from './context.ts';

export interface TrafficResult extends LoadResult {
  /** Where the run's achieved rate is read (the model's own count, or the history's). */
  achieved_rate_from: LoadModel['achievedRateFrom'];
}

export interface TrafficHooks {
  /** performance.now() of t = 0 (the end of the warm-up). */
  t0: number;
  network: CardNetwork;
  accounts: readonly AccountSeed[];
  /** Once per second of traffic, with the elapsed time from t = 0 (negative in the warm-up). */
  onSecond(elapsedMs: number): void;
}

export async function runTraffic(ctx: RunContext, hooks: TrafficHooks): Promise<TrafficResult> {
  const { scenario } = ctx;
  const model = loadModel(scenario.traffic.model);
  const result = await model.run({
    requests: requestSource({ seed: scenario.seed, traffic: scenario.traffic, accounts: hooks.accounts, warmupS: scenario.warmup_s, replay: ctx.replayPlan }),
    send: (req, timing) => hooks.network.send(req, timing),
    drop: (req, timing) => void hooks.network.drop(req, timing),
    traffic: scenario.traffic,
    t0: hooks.t0,
    window: { fromMs: -scenario.warmup_s * 1000, untilMs: scenario.traffic.duration_s * 1000 },
    drainTimeoutMs: scenario.network.issuer_deadline_ms + 5000,
    signal: ctx.options.signal,
    onTick: (elapsedMs) => hooks.onSecond(elapsedMs),
  });
  return { ...result, achieved_rate_from: model.achievedRateFrom };
}

/** performance.now() of t = 0 for a run whose warm-up starts now. */
export function measuredStart(warmupS: number): number {
  return performance.now() + 20 + warmupS * 1000;
}
