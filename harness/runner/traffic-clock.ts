// The history's clock on the ledger's: history times are milliseconds from t = 0 on the driver's monotonic
// clock (performance.now()), journal entries carry the store's wall clock (Date.now(), same machine). The
// offset between the two is read when traffic starts and again when it ends; the checks get t = 0 in epoch ms
// and a slack that covers the clock's granularity plus however far the two clocks drifted apart meanwhile.
import { performance } from 'node:perf_hooks';
import type { TrafficClock } from '../checkers/checker.ts';

/** Milliseconds allowed for the granularity of Date.now() (1 ms) on both sides, and the store's commit. */
export const CLOCK_GRANULARITY_SLACK_MS = 5;

const offsetNow = (): number => Date.now() - performance.now();

/** Call when traffic is set up, with t0 = performance.now() of the history's t = 0; finish() after traffic. */
export function trafficClock(t0: number): { finish(): TrafficClock } {
  const atStart = offsetNow();
  return {
    finish(): TrafficClock {
      const drift = Math.abs(offsetNow() - atStart);
      return { start_epoch_ms: atStart + t0, slack_ms: CLOCK_GRANULARITY_SLACK_MS + Math.ceil(drift) };
    },
  };
}
