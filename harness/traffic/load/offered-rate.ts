// The highest open-model rate this machine can drive, checked before anything starts: past it the driver
// starves, sends late, keeps sending the backlog long after the schedule ended, and the run measures the
// driver instead of the pipeline. Such a rate is refused (exit 2), saying why, never silently capped.
//
// The limit is 2,500 arrivals per second per core (os.availableParallelism()): the highest rate the bench
// has shown the open model keeping its schedule at, 5,000/s on the 2-core bench machine with p99 send
// lateness of 2.5 ms (`load.open_5000_*`, README "Benchmarks"). Below the limit the run's own validity
// (send lateness, event-loop delay, foreign CPU) still judges whether this machine kept up; the limit
// only refuses what cannot be driven at all. The open model declares this check (open-model.ts); the
// closed model paces itself and declares none (registry.ts's checkOfferedRate asks the scenario's model).
import os from 'node:os';
import type { Scenario } from '../../scenario/schema.ts';
import type { PlannedRequest } from '../requests/planned-request.ts';

export const OPEN_MODEL_RATE_PER_CORE = 2500;

/** An offered rate this machine cannot drive: bad input (exit 2), nothing started. */
export class OfferedRateError extends Error {
  override name = 'OfferedRateError';
}

export function maxOpenModelRate(cores = os.availableParallelism()): number {
  return OPEN_MODEL_RATE_PER_CORE * Math.max(1, cores);
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function refusal(what: string, rate: number, cores: number, fix: string): OfferedRateError {
  const max = maxOpenModelRate(cores);
  return new OfferedRateError(
    `${what} offers ${fmt(rate)} arrivals/s, more than this machine can drive: the open model is limited to ` +
      `${fmt(OPEN_MODEL_RATE_PER_CORE)}/s per core, and this machine has ${cores} core${cores === 1 ? '' : 's'} (${fmt(max)}/s). ` +
      `Past that the driver starves and the run measures the driver, not the pipeline. ${fix}`,
  );
}

/** The most arrivals any one-second window of a schedule holds (offsets in ms, non-decreasing). */
export function peakPerSecond(requests: Iterable<Pick<PlannedRequest, 'offset_ms'>>, stopAbove = Number.POSITIVE_INFINITY): number {
  const window: number[] = [];
  let head = 0;
  let peak = 0;
  for (const r of requests) {
    window.push(r.offset_ms);
    while ((window[head] as number) <= r.offset_ms - 1000) head++;
    peak = Math.max(peak, window.length - head);
    if (peak > stopAbove) return peak;
    if (head > 4096) {
      window.splice(0, head);
      head = 0;
    }
  }
  return peak;
}

/**
 * Refuses an arrival schedule this machine cannot drive: the scenario's rate (with its conflicting
 * retries), or a replay's busiest second after --speed.
 */
export function checkArrivalRate(scenario: Scenario, replay?: Iterable<PlannedRequest> | null, cores = os.availableParallelism()): void {
  const max = maxOpenModelRate(cores);
  if (replay) {
    const peak = peakPerSecond(replay, max);
    if (peak > max) throw refusal("the replay's busiest second", peak, cores, 'Replay it slower (--speed), or on a machine with more cores.');
    return;
  }
  const rate = scenario.traffic.rate * (1 + scenario.traffic.conflicting_retries);
  if (rate > max) throw refusal(`scenario ${scenario.name} (rate ${fmt(scenario.traffic.rate)}/s)`, rate, cores, 'Lower --rate (or traffic.rate), or run on a machine with more cores.');
}
