// faultline's open model as a k6 arrival-rate executor. Generated traffic arrives evenly at the scenario's
// rate: `constant-arrival-rate` (k6 spaces iterations evenly too, so iteration n is request n). A replay
// file's pace is read from its offsets: constant when every second carries about the same number of
// requests, else `ramping-arrival-rate` with one stage per bucket (k6 ramps linearly between stage
// targets, so the shape is followed approximately, not request by request).
//
// VUs: an arrival-rate executor needs a free VU for every request in flight. A request lasts at most the
// issuer deadline (its timeout), so rate × deadline VUs never drop an arrival even when every request
// hangs until its deadline — which is exactly what happens during a fault. They are pre-allocated (k6
// allocating VUs mid-test would itself delay arrivals), with 25% headroom in maxVUs.

export interface ConstantArrivalRate {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnit: string;
  duration: string;
  preAllocatedVUs: number;
  maxVUs: number;
  gracefulStop: string;
}

export interface RampingArrivalRate {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnit: string;
  stages: Array<{ duration: string; target: number }>;
  preAllocatedVUs: number;
  maxVUs: number;
  gracefulStop: string;
}

export type ArrivalExecutor = ConstantArrivalRate | RampingArrivalRate;

/** A bucket may differ from the mean by this share and the pace still counts as constant. */
const CONSTANT_TOLERANCE = 0.1;
/** At most this many ramping stages (long replays get wider buckets). */
const MAX_STAGES = 120;

/** `30s`, or `1500ms` for a fractional number of seconds. */
export function k6Duration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/** k6 rates are integers per timeUnit: 200/s is {200, '1s'}, 12.5/s is {125, '10s'}. */
export function integerRate(perSecond: number): { rate: number; timeUnit: string } {
  for (let unit = 1; unit <= 1000; unit *= 10) {
    const rate = perSecond * unit;
    if (Math.abs(rate - Math.round(rate)) < 1e-9) return { rate: Math.round(rate), timeUnit: `${unit}s` };
  }
  return { rate: Math.max(1, Math.round(perSecond * 1000)), timeUnit: '1000s' };
}

function vus(peakPerSecond: number, deadlineMs: number): { preAllocatedVUs: number; maxVUs: number; gracefulStop: string } {
  const preAllocatedVUs = Math.max(1, Math.ceil((peakPerSecond * deadlineMs) / 1000));
  return { preAllocatedVUs, maxVUs: Math.ceil(preAllocatedVUs * 1.25) + 5, gracefulStop: `${deadlineMs + 1000}ms` };
}

/** Generated traffic: `rate` arrivals per second for `durationS` seconds. */
export function constantExecutor(ratePerSecond: number, durationS: number, deadlineMs: number): ConstantArrivalRate {
  return { executor: 'constant-arrival-rate', ...integerRate(ratePerSecond), duration: k6Duration(durationS), ...vus(ratePerSecond, deadlineMs) };
}

/** A replay's pace, from its requests' offsets (ms, in send order). */
export function executorForOffsets(offsets: readonly number[], deadlineMs: number): ArrivalExecutor {
  const count = offsets.length;
  const last = count > 0 ? (offsets[count - 1] as number) : 0;
  const durationS = Math.max(1, Math.ceil((last + 1) / 1000));
  const bucketS = Math.max(1, Math.ceil(durationS / MAX_STAGES));
  const buckets = new Array<number>(Math.ceil(durationS / bucketS)).fill(0);
  for (const offset of offsets) {
    const b = Math.min(buckets.length - 1, Math.floor(offset / 1000 / bucketS));
    buckets[b] = (buckets[b] as number) + 1;
  }
  const mean = count / durationS;
  // The last bucket may be partial: judge the pace on the full ones.
  const full = buckets.length > 1 ? buckets.slice(0, -1) : buckets;
  const constant = full.every((n) => Math.abs(n / bucketS - mean) <= CONSTANT_TOLERANCE * mean);
  if (constant) {
    // Exactly `count` iterations over the duration: `count` per `duration` when that is not a whole rate per second.
    const perSecond = count / durationS;
    const pace = Number.isInteger(perSecond) ? { rate: perSecond, timeUnit: '1s' } : { rate: count, timeUnit: k6Duration(durationS) };
    return { executor: 'constant-arrival-rate', ...pace, duration: k6Duration(durationS), ...vus(perSecond, deadlineMs) };
  }
  const peak = Math.max(...buckets) / bucketS;
  return {
    executor: 'ramping-arrival-rate',
    startRate: buckets[0] as number,
    timeUnit: `${bucketS}s`,
    stages: buckets.map((n) => ({ duration: `${bucketS}s`, target: n })),
    ...vus(peak, deadlineMs),
  };
}

/** One line for the script header and the README. */
export function describeExecutor(e: ArrivalExecutor): string {
  if (e.executor === 'constant-arrival-rate') {
    return `constant-arrival-rate: ${e.rate} per ${e.timeUnit} for ${e.duration} (${e.preAllocatedVUs} VUs pre-allocated, at most ${e.maxVUs})`;
  }
  return `ramping-arrival-rate: ${e.stages.length} stages of ${e.timeUnit}, peak ${Math.max(...e.stages.map((s) => s.target))} per ${e.timeUnit} (${e.preAllocatedVUs} VUs pre-allocated, at most ${e.maxVUs})`;
}
