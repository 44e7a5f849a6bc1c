// What a load model is: given where the run's requests come from, how to send (or drop) one, the run's
// clock and window, it drives the traffic and answers in one result shape. Each model is one file that
// declares itself (open-model.ts, closed-loop.ts) and one line in registry.ts, keyed by the scenario's
// `traffic.model` (k6: one file per executor). Time 0 is the end of the warm-up.
import { performance } from 'node:perf_hooks';
import type { Scenario, TrafficSpec } from '../../scenario/schema.ts';
import type { LoadModelName } from '../../summary/types.ts';
import type { PlannedRequest } from '../requests/planned-request.ts';
import type { RequestSource } from '../requests/source.ts';
import type { SendTiming } from './send-timing.ts';

export interface LoadRun {
  requests: RequestSource;
  /** Sends one request and resolves when it is settled (the card network never rejects). */
  send(request: PlannedRequest, timing: SendTiming): Promise<unknown>;
  /** Records a request the model did not send (the in-flight cap was reached). */
  drop(request: PlannedRequest, timing: SendTiming): void;
  /** The scenario's traffic block: each model reads what it is configured by (rate, connections). */
  traffic: TrafficSpec;
  /** performance.now() of t = 0. */
  t0: number;
  /** From the warm-up's start (-warm-up ms) to the end of the measured part (ms from t = 0). */
  window: { fromMs: number; untilMs: number };
  /** After the last send, how long answers still in flight are waited for. */
  drainTimeoutMs: number;
  /** Aborting it (Ctrl-C) stops the traffic. */
  signal?: AbortSignal;
  /** Once per second of traffic, with the ms from t = 0 (negative in the warm-up). */
  onTick(elapsedMs: number): void;
}

export interface LoadResult {
  model: LoadModelName;
  /** Arrivals per second the model was asked for (0: a model that paces itself). */
  target_rate: number;
  achieved_rate: number;
  sent: number;
  dropped: number;
  /** Stopped early by the signal. */
  aborted: boolean;
  /** Seconds of the measured part that traffic covered: the duration, or less when it was stopped early. */
  measured_s: number;
  /** The kinds of request the model could send: what a threshold's metric can be measured on. */
  request_kinds: string[];
}

export interface LoadModel {
  readonly name: LoadModelName;
  /**
   * Where a run's achieved rate is read: `model` = this model's own achieved_rate (it counts the measured
   * part's sends itself); `history` = the history's measured-part sends over the measured seconds (the
   * model's own rate spans its whole schedule, warm-up included).
   */
  readonly achievedRateFrom: 'model' | 'history';
  /** Whether it can play a recording (`--replay`) on the recording's own schedule; a run asking one that cannot is refused. */
  readonly playsRecordings: boolean;
  /** Refuses (throws) before anything starts a load this machine cannot drive; none for a model that paces itself. */
  checkOffered?(scenario: Scenario, replay: Iterable<PlannedRequest> | null, cores?: number): void;
  run(run: LoadRun): Promise<LoadResult>;
}

/** Seconds from t = 0 until traffic stopped, at most the duration (0 when stopped in the warm-up). */
export function measuredSeconds(t0: number, durationMs: number, aborted: boolean): number {
  if (!aborted) return durationMs / 1000;
  return Math.round(Math.min(durationMs, Math.max(0, performance.now() - t0))) / 1000;
}

/** Resolves true at `at` (performance.now()), or false as soon as the signal aborts. */
export function waitUntil(at: number, signal: AbortSignal | undefined): Promise<boolean> {
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
