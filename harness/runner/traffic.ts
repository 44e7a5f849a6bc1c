// The traffic part of a run: the warm-up, then the measured seconds, under the open model (the arrival
// schedule, a plan or a replay) or the closed model (virtual users in a send-and-wait loop). Both send
// through the card network, so every request becomes one history record classified the same way.
// Time 0 is the end of the warm-up: warm-up requests have negative intended times.
import { performance } from 'node:perf_hooks';
import type { AccountSeed } from '../../services/common/accounts.ts';
import type { CardNetwork } from '../traffic/card-network/card-network.ts';
import { authorizationStream, planTraffic } from '../traffic/requests/generator.ts';
import type { PlannedRequest } from '../traffic/requests/planned-request.ts';
import { runOpenModel } from '../traffic/load/open-model.ts';
import { runClosedLoop } from '../traffic/load/closed-loop.ts';
import type { RunContext } from './context.ts';

export interface TrafficResult {
  model: 'open' | 'closed';
  target_rate: number;
  achieved_rate: number;
  sent: number;
  dropped: number;
  /** Stopped early by the run's signal (Ctrl-C). */
  aborted: boolean;
  /** Seconds of the measured part that traffic covered: the duration, or less when it was stopped early. */
  measured_s: number;
  /** The kinds of request the traffic could send: what a threshold's metric can be measured on. */
  request_kinds: string[];
}

/** The request kinds a run's traffic holds: the closed model's authorizations, the mix's, or the replay's. */
export function requestKinds(ctx: RunContext): string[] {
  const { traffic } = ctx.scenario;
  if (traffic.model === 'closed') return ['authorization'];
  const replayed = (ctx.replayPlan as { info?: { kinds: Record<string, number> } } | null)?.info?.kinds;
  if (replayed) return Object.entries(replayed).filter(([, n]) => n > 0).map(([kind]) => kind);
  const mix: Array<[string, number]> = [['authorization', traffic.mix.authorizations], ['reversal', traffic.mix.reversals], ['balance', traffic.mix.balance], ['feed', traffic.mix.feed]];
  const kinds = mix.filter(([, weight]) => weight > 0).map(([kind]) => kind);
  return traffic.conflicting_retries > 0 ? [...kinds, 'conflicting_retry'] : kinds;
}

export interface TrafficHooks {
  /** performance.now() of t = 0 (the end of the warm-up). */
  t0: number;
  network: CardNetwork;
  accounts: readonly AccountSeed[];
  /** Once per second of traffic, with the elapsed time from t = 0 (negative in the warm-up). */
  onSecond(elapsedMs: number): void;
}

/** Shifts a plan's offsets by `byMs` (a plan starting at 0 starts at -warm-up). */
function* shifted(plan: Iterable<PlannedRequest>, byMs: number): Generator<PlannedRequest> {
  for (const r of plan) yield { ...r, offset_ms: Math.round((r.offset_ms + byMs) * 1000) / 1000 };
}

export async function runTraffic(ctx: RunContext, hooks: TrafficHooks): Promise<TrafficResult> {
  const { scenario } = ctx;
  const warmupMs = scenario.warmup_s * 1000;
  const durationMs = scenario.traffic.duration_s * 1000;
  const signal = ctx.options.signal;
  if (scenario.traffic.model === 'closed') {
    const bodies = authorizationStream({ seed: scenario.seed, traffic: scenario.traffic, accounts: hooks.accounts, idPrefix: 'cap' });
    const requests: Iterator<PlannedRequest> = {
      next: () => ({ done: false, value: { kind: 'authorization', offset_ms: 0, body: bodies.next().value } }),
    };
    const result = await runClosedLoop({
      requests,
      send: (req, timing) => hooks.network.send(req, timing),
      connections: scenario.traffic.connections,
      startAt: hooks.t0,
      fromMs: -warmupMs,
      untilMs: durationMs,
      signal,
      onTick: (p) => hooks.onSecond(p.elapsed_ms),
    });
    return { model: 'closed', target_rate: 0, achieved_rate: result.achieved_rate, sent: result.sent, dropped: 0, aborted: result.aborted, measured_s: measuredSeconds(hooks.t0, durationMs, result.aborted), request_kinds: requestKinds(ctx) };
  }
  const plan = ctx.replayPlan ?? shifted(planTraffic({ seed: scenario.seed, traffic: scenario.traffic, accounts: hooks.accounts, durationS: scenario.warmup_s + scenario.traffic.duration_s }), -warmupMs);
  const result = await runOpenModel({
    requests: plan,
    send: (req, timing) => hooks.network.send(req, timing),
    onDrop: (req, timing) => void hooks.network.drop(req, timing),
    targetRate: scenario.traffic.rate,
    // A replay is cut at the run's duration like a generated plan: the summary, the fault timeline and
    // the traffic cover the same seconds.
    durationMs,
    drainTimeoutMs: scenario.network.issuer_deadline_ms + 5000,
    signal,
    startAt: hooks.t0,
    onTick: (p) => hooks.onSecond(p.elapsed_ms),
  });
  let aborted = result.aborted;
  // A replay that ends before the run does leaves the rest of the run without traffic: the run still lasts
  // its duration, so the fault timeline plays out as scheduled and the rate is over the whole run.
  if (ctx.replayPlan && !aborted) aborted = !(await waitUntil(hooks.t0 + durationMs, signal));
  return {
    model: 'open',
    target_rate: result.target_rate,
    achieved_rate: result.achieved_rate,
    sent: result.sent,
    dropped: result.dropped,
    aborted,
    measured_s: measuredSeconds(hooks.t0, durationMs, aborted),
    request_kinds: requestKinds(ctx),
  };
}

/** Seconds from t = 0 until traffic stopped, at most the duration (0 when stopped in the warm-up). */
function measuredSeconds(t0: number, durationMs: number, aborted: boolean): number {
  if (!aborted) return durationMs / 1000;
  return Math.round(Math.min(durationMs, Math.max(0, performance.now() - t0))) / 1000;
}

/** Resolves true at `at` (performance.now()), or false as soon as the signal aborts. */
function waitUntil(at: number, signal: AbortSignal | undefined): Promise<boolean> {
  const wait = at - performance.now();
  if (signal?.aborted) return Promise.resolve(false);
  if (wait <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, wait);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** performance.now() of t = 0 for a run whose warm-up starts now. */
export function measuredStart(warmupS: number): number {
  return performance.now() + 20 + warmupS * 1000;
}
