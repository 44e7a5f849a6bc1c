// The open model: requests leave at their scheduled times whatever the system under test is doing, the
// way customers' cards keep arriving during an outage. Latency runs from the INTENDED send time, so a
// slow answer or a late send shows up in full (no coordinated omission). A send later than the
// tolerance is counted `late` (and still sent); a request due while the in-flight cap is reached is
// counted `dropped` and handed to `onDrop` (so it lands in the history), never skipped silently.
//
// Scheduling: a setTimeout sleeps until the next request is due (whole ms, so sub-ms gaps wait ~1 ms
// rather than spin a core the system under test needs), then everything
// that is due is sent in batches; between batches a setImmediate lets sockets and timers run, so a
// backlog is caught up without starving I/O. autocannon's overallRate is not used: it sends each
// second's quota in a burst and measures latency from the actual send.
import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from '../../history/latency.ts';
import type { LatencySummary } from '../../summary/types.ts';
import type { SendTiming } from './send-timing.ts';

/** Handed to `send` and `onDrop` with each request. */
export type { SendTiming } from './send-timing.ts';

export interface OpenModelOptions<T extends { offset_ms: number }> {
  /** The arrival schedule, in non-decreasing offset order (a plan or a replay). */
  requests: Iterable<T>;
  /** Sends one request and resolves when it is answered or given up on. Should not fail (a throw or rejection is counted in `errors`). */
  send(request: T, timing: SendTiming): Promise<unknown>;
  /** Called for each dropped request (in-flight cap reached), to record it. */
  onDrop?(request: T, timing: SendTiming): void;
  /** The rate the schedule was made for (arrivals/s), reported as target_rate; else derived from the schedule. */
  targetRate?: number;
  /** Send nothing scheduled at or after this offset. */
  durationMs?: number;
  /** Send at most this many requests (sent + dropped). */
  maxRequests?: number;
  /** A send later than this counts as late (default 10 ms). */
  lateToleranceMs?: number;
  /** Requests in flight at most; one due while this many are in flight is dropped (default 10,000). */
  maxInFlight?: number;
  /** Requests sent per batch before yielding to I/O with setImmediate (default 64). */
  batchSize?: number;
  /** After the last send, wait at most this long for answers still in flight (default 30 s). */
  drainTimeoutMs?: number;
  /** Stops sending (and stops waiting for answers) when aborted. */
  signal?: AbortSignal;
  /** performance.now() that offset 0 refers to (default: when run() starts). */
  startAt?: number;
  /** Called once per second of traffic with the counters so far (progress line). */
  onTick?(progress: OpenModelProgress): void;
}

export interface OpenModelProgress {
  elapsed_ms: number;
  sent: number;
  late: number;
  dropped: number;
  in_flight: number;
}

export interface OpenModelResult {
  /** Requests handed to send (late ones included). */
  sent: number;
  /** Sent later than the tolerance. */
  late: number;
  /** Not sent: the in-flight cap was reached. */
  dropped: number;
  /** sends per second over the sending span (first scheduled slot to the last actual send, plus one mean interval). */
  achieved_rate: number;
  target_rate: number;
  /** How late sends were (actual - intended), in ms. */
  lateness_ms: LatencySummary;
  /** From the intended send time to the settling of `send`, in ms: the no-coordinated-omission latency. */
  latency_ms: LatencySummary;
  /** `send` promises that rejected. */
  errors: number;
  /** Highest number in flight at once. */
  max_in_flight: number;
  /** Still in flight when the model returned (drain timeout or abort). */
  in_flight_at_end: number;
  /** Wall time from start until the model returned. */
  elapsed_ms: number;
  /** Stopped early by the signal. */
  aborted: boolean;
}

const DEFAULT_LATE_TOLERANCE_MS = 10;
const DEFAULT_MAX_IN_FLIGHT = 10_000;
const DEFAULT_BATCH = 64;
const DEFAULT_DRAIN_MS = 30_000;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Runs a schedule as an open model. Resolves when everything was sent and answered (or drained, or aborted). */
export function runOpenModel<T extends { offset_ms: number }>(opts: OpenModelOptions<T>): Promise<OpenModelResult> {
  const tolerance = opts.lateToleranceMs ?? DEFAULT_LATE_TOLERANCE_MS;
  const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
  const durationMs = opts.durationMs ?? Number.POSITIVE_INFINITY;
  const maxRequests = opts.maxRequests ?? Number.POSITIVE_INFINITY;
  const drainTimeoutMs = opts.drainTimeoutMs ?? DEFAULT_DRAIN_MS;
  const signal = opts.signal;

  const lateness = new LatencyHistogram();
  const latency = new LatencyHistogram();
  const iterator = opts.requests[Symbol.iterator]();

  let sent = 0;
  let late = 0;
  let dropped = 0;
  let errors = 0;
  let inFlight = 0;
  let maxSeen = 0;
  let firstOffset: number | undefined;
  let lastOffset = 0;
  let lastSentMs = 0;
  let aborted = false;

  return new Promise<OpenModelResult>((resolve, reject) => {
    const t0 = opts.startAt ?? performance.now();
    let next: T | undefined;
    let exhausted = false;
    let timer: NodeJS.Timeout | undefined;
    let tickTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let finished = false;
    let draining = false;

    const pull = (): void => {
      if (sent + dropped >= maxRequests) {
        next = undefined;
        exhausted = true;
        return;
      }
      const r = iterator.next();
      if (r.done || r.value.offset_ms >= durationMs) {
        next = undefined;
        exhausted = true;
        return;
      }
      next = r.value;
    };

    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      if (tickTimer) clearInterval(tickTimer);
      if (drainTimer) clearTimeout(drainTimer);
      signal?.removeEventListener('abort', onAbort);
      iterator.return?.();
      const target = opts.targetRate ?? deriveRate(sent + dropped, firstOffset, lastOffset);
      const meanGap = target > 0 ? 1000 / target : 0;
      const span = sent > 0 ? lastSentMs - (firstOffset ?? 0) + meanGap : 0;
      resolve({
        sent,
        late,
        dropped,
        achieved_rate: span > 0 ? round3((sent * 1000) / span) : 0,
        target_rate: round3(target),
        lateness_ms: lateness.summary(),
        latency_ms: latency.summary(),
        errors,
        max_in_flight: maxSeen,
        in_flight_at_end: inFlight,
        elapsed_ms: round3(performance.now() - t0),
        aborted,
      });
    };

    const maybeDone = (): void => {
      if (exhausted && next === undefined && inFlight === 0) finish();
    };

    const startDrain = (): void => {
      if (draining) return;
      draining = true;
      if (inFlight === 0) return finish();
      drainTimer = setTimeout(finish, drainTimeoutMs);
    };

    function onAbort(): void {
      aborted = true;
      exhausted = true;
      next = undefined;
      finish();
    }

    const settle = (intendedAt: number): void => {
      inFlight--;
      latency.record(performance.now() - intendedAt);
      if (draining) maybeDone();
    };

    const tick = (): void => {
      timer = undefined;
      if (finished) return;
      try {
        let n = 0;
        while (next !== undefined) {
          const now = performance.now() - t0;
          if (next.offset_ms > now) break;
          const req = next;
          const intended = req.offset_ms;
          firstOffset ??= intended;
          lastOffset = intended;
          const behind = now - intended;
          const timing: SendTiming = { intended_ms: intended, sent_ms: round3(now), late: behind > tolerance, intended_at: t0 + intended };
          if (inFlight >= maxInFlight) {
            dropped++;
            opts.onDrop?.(req, timing);
          } else {
            sent++;
            lastSentMs = now;
            if (timing.late) late++;
            lateness.record(behind);
            inFlight++;
            if (inFlight > maxSeen) maxSeen = inFlight;
            const intendedAt = timing.intended_at;
            let pending: Promise<unknown>;
            try {
              pending = opts.send(req, timing);
            } catch (err) {
              pending = Promise.reject(err);
            }
            pending.then(
              () => settle(intendedAt),
              () => {
                errors++;
                settle(intendedAt);
              },
            );
          }
          pull();
          if (++n >= batchSize) break;
        }
        if (next === undefined) return startDrain();
        const wait = next.offset_ms - (performance.now() - t0);
        if (wait <= 0) setImmediate(tick);
        else timer = setTimeout(tick, Math.floor(wait));
      } catch (err) {
        finished = true;
        if (timer) clearTimeout(timer);
        if (tickTimer) clearInterval(tickTimer);
        reject(err);
      }
    };

    if (signal?.aborted) {
      aborted = true;
      exhausted = true;
      return finish();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.onTick) {
      const onTick = opts.onTick;
      tickTimer = setInterval(() => onTick({ elapsed_ms: round3(performance.now() - t0), sent, late, dropped, in_flight: inFlight }), 1000);
      tickTimer.unref();
    }
    try {
      pull();
    } catch (err) {
      reject(err);
      return;
    }
    tick();
  });
}

/** Arrivals per second implied by a schedule: n requests over their span (n - 1 gaps). */
function deriveRate(n: number, first: number | undefined, last: number): number {
  if (n < 2 || first === undefined || last <= first) return 0;
  return ((n - 1) * 1000) / (last - first);
}
