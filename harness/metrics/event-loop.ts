// The driver's event-loop delay as a live histogram: perf_hooks samples the loop every 10 ms; every 250 ms
// the largest delay beyond the sampling interval is observed and the sampler reset. (The run's validity
// figures keep their own monitor over the measured part: runner/driver-health.ts.)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Histogram } from 'prom-client';

const RESOLUTION_MS = 10;

export function sampleEventLoop(histogram: Histogram, everyMs = 250): { stop(): void } {
  const monitor = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  monitor.enable();
  const timer = setInterval(() => {
    if (monitor.count > 0) histogram.observe(Math.max(0, monitor.max / 1e6 - RESOLUTION_MS) / 1000);
    monitor.reset();
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      monitor.disable();
    },
  };
}
