// A deliberate driver stall, for tests of the run's validity check: at `at_s` seconds after t = 0 the
// driver's event loop is blocked for `ms` milliseconds, as a starved or overloaded driver would be.
import { performance } from 'node:perf_hooks';

export function scheduleDriverStall(t0: number, stall: { at_s: number; ms: number }): { cancel(): void } {
  const timer = setTimeout(
    () => {
      const until = performance.now() + stall.ms;
      while (performance.now() < until) {
        /* blocked on purpose */
      }
    },
    Math.max(0, t0 + stall.at_s * 1000 - performance.now()),
  );
  return { cancel: () => clearTimeout(timer) };
}
