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
import { measuredSeconds, waitUntil, type LoadModel } from './load-model.ts';
import { checkArrivalRate } from './offered-rate.ts';

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

/**
 * The open model as a run's load model (`traffic.model: open`): the source's arrival schedule at the
 * scenario's rate, cut at the run's duration like a replay, with the schedule's rate limit checked first.
 */
export const openModel: LoadModel = {
  name: 'open',
  achievedRateFrom: 'history',
  playsRecordings: true,
  checkOffered: checkArrivalRate,
  async run(r) {
    const durationMs = r.window.untilMs;
    const result = await runOpenModel({
      requests: r.requests.schedule(),
      send: (req, timing) => r.send(req, timing),
      onDrop: (req, timing) => r.drop(req, timing),
      targetRate: r.traffic.rate,
      // A replay is cut at the run's duration like a generated plan: the summary, the fault timeline and
      // the traffic cover the same seconds.
      durationMs,
      drainTimeoutMs: r.drainTimeoutMs,
      signal: r.signal,
      startAt: r.t0,
      onTick: (p) => r.onTick(p.elapsed_ms),
    });
    let aborted = result.aborted;
    // A recording that ends before the run does leaves the rest of the run without traffic: the run still
    // lasts its duration, so the fault timeline plays out as scheduled and the rate is over the whole run.
    if (r.requests.recorded && !aborted) aborted = !(await waitUntil(r.t0 + durationMs, r.signal));
    return {
      model: 'open',
      target_rate: result.target_rate,
      achieved_rate: result.achieved_rate,
      sent: result.sent,
      dropped: result.dropped,
      aborted,
      measured_s: measuredSeconds(r.t0, durationMs, aborted),
      request_kinds: r.requests.scheduleKinds(),
    };
  },
};

/** Runs a schedule as an open model. Resolves when everything was sent and answered (or drained, or aborted). */
export function runOpenModel<T extends { offset_ms: number }>(opts: OpenModelOptions<T>): Promise<OpenModelResult> {
  return new Promise<OpenModelResult>((resolve, reject) => new OpenModelRun(opts, resolve, reject).start());
}

/** One run of a schedule: the counters, the timers, and the send loop. */
class OpenModelRun<T extends { offset_ms: number }> {
  private readonly tolerance: number;
  private readonly maxInFlight: number;
  private readonly batchSize: number;
  private readonly durationMs: number;
  private readonly maxRequests: number;
  private readonly drainTimeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly lateness = new LatencyHistogram();
  private readonly latency = new LatencyHistogram();
  private readonly iterator: Iterator<T>;
  private readonly t0: number;

  private sent = 0;
  private late = 0;
  private dropped = 0;
  private errors = 0;
  private inFlight = 0;
  private maxSeen = 0;
  private firstOffset: number | undefined;
  private lastOffset = 0;
  private lastSentMs = 0;
  private aborted = false;
  private next: T | undefined;
  private exhausted = false;
  private timer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private finished = false;
  private draining = false;
  private readonly onAbort = (): void => {
    this.aborted = true;
    this.exhausted = true;
    this.next = undefined;
    this.finish();
  };

  constructor(
    private readonly opts: OpenModelOptions<T>,
    private readonly resolve: (result: OpenModelResult) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.tolerance = opts.lateToleranceMs ?? DEFAULT_LATE_TOLERANCE_MS;
    this.maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
    this.durationMs = opts.durationMs ?? Number.POSITIVE_INFINITY;
    this.maxRequests = opts.maxRequests ?? Number.POSITIVE_INFINITY;
    this.drainTimeoutMs = opts.drainTimeoutMs ?? DEFAULT_DRAIN_MS;
    this.signal = opts.signal;
    this.iterator = opts.requests[Symbol.iterator]();
    this.t0 = opts.startAt ?? performance.now();
  }

  start(): void {
    if (this.signal?.aborted) {
      this.aborted = true;
      this.exhausted = true;
      return this.finish();
    }
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (this.opts.onTick) {
      const onTick = this.opts.onTick;
      this.tickTimer = setInterval(
        () => onTick({ elapsed_ms: round3(performance.now() - this.t0), sent: this.sent, late: this.late, dropped: this.dropped, in_flight: this.inFlight }),
        1000,
      );
      this.tickTimer.unref();
    }
    try {
      this.pull();
    } catch (err) {
      this.reject(err);
      return;
    }
    this.tick();
  }

  private pull(): void {
    if (this.sent + this.dropped >= this.maxRequests) {
      this.next = undefined;
      this.exhausted = true;
      return;
    }
    const r = this.iterator.next();
    if (r.done || r.value.offset_ms >= this.durationMs) {
      this.next = undefined;
      this.exhausted = true;
      return;
    }
    this.next = r.value;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.iterator.return?.();
    const { sent, firstOffset } = this;
    const target = this.opts.targetRate ?? deriveRate(sent + this.dropped, firstOffset, this.lastOffset);
    const meanGap = target > 0 ? 1000 / target : 0;
    const span = sent > 0 ? this.lastSentMs - (firstOffset ?? 0) + meanGap : 0;
    this.resolve({
      sent,
      late: this.late,
      dropped: this.dropped,
      achieved_rate: span > 0 ? round3((sent * 1000) / span) : 0,
      target_rate: round3(target),
      lateness_ms: this.lateness.summary(),
      latency_ms: this.latency.summary(),
      errors: this.errors,
      max_in_flight: this.maxSeen,
      in_flight_at_end: this.inFlight,
      elapsed_ms: round3(performance.now() - this.t0),
      aborted: this.aborted,
    });
  }

  private maybeDone(): void {
    if (this.exhausted && this.next === undefined && this.inFlight === 0) this.finish();
  }

  private startDrain(): void {
    if (this.draining) return;
    this.draining = true;
    if (this.inFlight === 0) return this.finish();
    this.drainTimer = setTimeout(() => this.finish(), this.drainTimeoutMs);
  }

  private settle(intendedAt: number): void {
    this.inFlight--;
    this.latency.record(performance.now() - intendedAt);
    if (this.draining) this.maybeDone();
  }

  /** Sends one due request, or drops it when the in-flight cap is reached. */
  private sendOne(req: T, now: number): void {
    const intended = req.offset_ms;
    this.firstOffset ??= intended;
    this.lastOffset = intended;
    const behind = now - intended;
    const timing: SendTiming = { intended_ms: intended, sent_ms: round3(now), late: behind > this.tolerance, intended_at: this.t0 + intended };
    if (this.inFlight >= this.maxInFlight) {
      this.dropped++;
      this.opts.onDrop?.(req, timing);
      return;
    }
    this.sent++;
    this.lastSentMs = now;
    if (timing.late) this.late++;
    this.lateness.record(behind);
    this.inFlight++;
    if (this.inFlight > this.maxSeen) this.maxSeen = this.inFlight;
    const intendedAt = timing.intended_at;
    let pending: Promise<unknown>;
    try {
      pending = this.opts.send(req, timing);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      () => this.settle(intendedAt),
      () => {
        this.errors++;
        this.settle(intendedAt);
      },
    );
  }

  /** Sends what is due, a batch at a time, then sleeps until the next request is due. */
  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.finished) return;
    try {
      let n = 0;
      while (this.next !== undefined) {
        const now = performance.now() - this.t0;
        if (this.next.offset_ms > now) break;
        this.sendOne(this.next, now);
        this.pull();
        if (++n >= this.batchSize) break;
      }
      if (this.next === undefined) return this.startDrain();
      const wait = this.next.offset_ms - (performance.now() - this.t0);
      if (wait <= 0) setImmediate(this.tick);
      else this.timer = setTimeout(this.tick, Math.floor(wait));
    } catch (err) {
      this.finished = true;
      if (this.timer) clearTimeout(this.timer);
      if (this.tickTimer) clearInterval(this.tickTimer);
      this.reject(err);
    }
  };
}

/** Arrivals per second implied by a schedule: n requests over their span (n - 1 gaps). */
function deriveRate(n: number, first: number | undefined, last: number): number {
  if (n < 2 || first === undefined || last <= first) return 0;
  return ((n - 1) * 1000) / (last - first);
}
