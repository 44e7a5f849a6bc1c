// The closed model, for capacity runs: `connections` virtual cardholders each send an authorization, wait
// for its outcome, and send the next at once, so the rate is whatever the pipeline sustains (k6's
// constant-VUs executor, autocannon's connections). Every request goes through the same card network as
// the open model — issuer deadline, stand-in, advices, timeout reversals — so each answer is classified,
// recorded in the history and checked exactly as in an open-model run. There is no arrival schedule: a
// request is intended when it is sent, so lateness is 0 by construction and latency runs from the send.
import { performance } from 'node:perf_hooks';
import type { SendTiming } from './send-timing.ts';
import { measuredSeconds, type LoadModel } from './load-model.ts';

export interface ClosedLoopOptions<T> {
  /** An endless (or long enough) stream of requests; each virtual user takes the next. */
  requests: Iterator<T>;
  /** Sends one request and resolves when it is settled (never rejects; a rejection is counted in errors). */
  send(request: T, timing: SendTiming): Promise<unknown>;
  /** Concurrent virtual users (requests in flight at most). */
  connections: number;
  /** performance.now() of t = 0 (the end of the warm-up). */
  startAt: number;
  /** Start sending at this offset from startAt (negative: a warm-up before t = 0). */
  fromMs: number;
  /** Stop starting requests at this offset from startAt. */
  untilMs: number;
  signal?: AbortSignal;
  /** Called once per second with the count so far (progress line). */
  onTick?(progress: { elapsed_ms: number; sent: number; in_flight: number }): void;
}

export interface ClosedLoopResult {
  /** Requests sent in the measured part (t >= 0). */
  sent: number;
  /** Requests sent in the warm-up (t < 0). */
  warmup_sent: number;
  /** Measured-part sends per second. */
  achieved_rate: number;
  errors: number;
  aborted: boolean;
  elapsed_ms: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The closed model as a run's load model (`traffic.model: closed`): `traffic.connections` virtual users
 * sending the source's authorizations through the run's window; it paces itself, so no rate is refused.
 */
export const closedModel: LoadModel = {
  name: 'closed',
  achievedRateFrom: 'model',
  playsRecordings: false,
  async run(r) {
    const result = await runClosedLoop({
      requests: r.requests.authorizations(),
      send: (req, timing) => r.send(req, timing),
      connections: r.traffic.connections,
      startAt: r.t0,
      fromMs: r.window.fromMs,
      untilMs: r.window.untilMs,
      signal: r.signal,
      onTick: (p) => r.onTick(p.elapsed_ms),
    });
    return {
      model: 'closed',
      target_rate: 0,
      achieved_rate: result.achieved_rate,
      sent: result.sent,
      dropped: 0,
      aborted: result.aborted,
      measured_s: measuredSeconds(r.t0, r.window.untilMs, result.aborted),
      request_kinds: ['authorization'],
    };
  },
};

/** Runs `connections` loops of send-and-wait until `untilMs` (or the signal); resolves when all have settled. */
export async function runClosedLoop<T>(opts: ClosedLoopOptions<T>): Promise<ClosedLoopResult> {
  const { startAt, signal } = opts;
  let sent = 0;
  let warmupSent = 0;
  let errors = 0;
  let inFlight = 0;
  let exhausted = false;
  const now = (): number => performance.now() - startAt;
  const wait = opts.fromMs - now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const began = performance.now();
  const ticker = opts.onTick
    ? setInterval(() => opts.onTick?.({ elapsed_ms: round3(now()), sent: sent + warmupSent, in_flight: inFlight }), 1000)
    : undefined;
  ticker?.unref();

  const user = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted || exhausted) return;
      const t = now();
      if (t >= opts.untilMs) return;
      const next = opts.requests.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const timing: SendTiming = { intended_ms: round3(t), sent_ms: round3(t), late: false, intended_at: startAt + t };
      if (t < 0) warmupSent++;
      else sent++;
      inFlight++;
      try {
        await opts.send(next.value, timing);
      } catch {
        errors++;
      } finally {
        inFlight--;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.connections) }, () => user()));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  const measuredMs = Math.max(0, Math.min(now(), opts.untilMs));
  return {
    sent,
    warmup_sent: warmupSent,
    achieved_rate: measuredMs > 0 ? round3((sent * 1000) / measuredMs) : 0,
    errors,
    aborted: Boolean(signal?.aborted),
    elapsed_ms: round3(performance.now() - began),
  };
}
