// The driver's own health while traffic runs: how late its event loop wakes up (a starved or blocked
// driver sends late and measures late). perf_hooks samples the loop every `resolutionMs`; the figures
// cover only the window between start() and stop() (the measured part of the run, warm-up excluded).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface EventLoopFigures {
  p50: number;
  p99: number;
  max: number;
}

const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3;

export class DriverHealth {
  readonly #histogram: IntervalHistogram;
  readonly #resolutionMs: number;
  #running = false;

  constructor(resolutionMs = 10) {
    this.#resolutionMs = resolutionMs;
    this.#histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  }

  start(): void {
    if (this.#running) return;
    this.#histogram.reset();
    this.#histogram.enable();
    this.#running = true;
  }

  stop(): void {
    if (!this.#running) return;
    this.#histogram.disable();
    this.#running = false;
  }

  /** Delay beyond the sampling interval, in ms (0 when nothing was sampled). The histogram holds whole intervals. */
  figures(): EventLoopFigures {
    const h = this.#histogram;
    if (h.count === 0) return { p50: 0, p99: 0, max: 0 };
    const beyond = (ns: number): number => Math.max(0, ms(ns) - this.#resolutionMs);
    const round = (x: number): number => Math.round(x * 1000) / 1000;
    return { p50: round(beyond(h.percentile(50))), p99: round(beyond(h.percentile(99))), max: round(beyond(h.max)) };
  }
}
