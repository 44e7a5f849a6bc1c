// How well a driver kept its arrival schedule over a window of it: send lateness (actual − intended send
// time) and, per whole second of the window, how far the sends that actually left in that second were
// from the arrivals the schedule put in it. Fed from the open model's `send`/`onDrop` callbacks.
import { LatencyHistogram } from '../harness/history/latency.ts';

export interface ScheduleWindow {
  /** First measured second of the schedule (earlier seconds are warm-up: sent, not measured). */
  fromS: number;
  /** End of the measured part, exclusive (whole seconds). */
  toS: number;
}

export interface WorstSecond {
  /** Second of the schedule (0 = the start of traffic). */
  second: number;
  scheduled: number;
  sent: number;
  /** |sent − scheduled| / scheduled × 100. */
  error_pct: number;
}

export interface ScheduleKeepingResult {
  /** Sends whose intended time is in the window. */
  sends: number;
  /** Arrivals of the window dropped at the in-flight cap (never sent). */
  dropped: number;
  lateness_ms: { p50: number; p99: number; max: number };
  /** The second with the largest rate error; null when the window holds no scheduled arrival. */
  worst: WorstSecond | null;
  /** Seconds compared. */
  seconds: number;
}

export class ScheduleKeeping {
  readonly #window: ScheduleWindow;
  readonly #lateness = new LatencyHistogram();
  /** By intended time: what the schedule put in each second of the window. */
  readonly #scheduled: number[];
  /** By actual send time: what left in each second of the window. */
  readonly #sent: number[];
  #sends = 0;
  #dropped = 0;

  constructor(window: ScheduleWindow) {
    if (!(window.toS > window.fromS) || !Number.isInteger(window.fromS) || !Number.isInteger(window.toS)) {
      throw new Error(`schedule window must be whole seconds with toS > fromS, got ${window.fromS}..${window.toS}`);
    }
    this.#window = window;
    this.#scheduled = new Array<number>(window.toS - window.fromS).fill(0);
    this.#sent = new Array<number>(window.toS - window.fromS).fill(0);
  }

  /** Slot of a time (ms from the start of traffic) in the window, or -1 outside it. */
  #slot(ms: number): number {
    const second = Math.floor(ms / 1000);
    return second >= this.#window.fromS && second < this.#window.toS ? second - this.#window.fromS : -1;
  }

  /** One request left: intended and actual send time, ms from the start of traffic. */
  sent(intendedMs: number, sentMs: number): void {
    const due = this.#slot(intendedMs);
    if (due >= 0) {
      this.#scheduled[due]++;
      this.#sends++;
      this.#lateness.record(sentMs - intendedMs);
    }
    const left = this.#slot(sentMs);
    if (left >= 0) this.#sent[left]++;
  }

  /** One request was due but not sent (the in-flight cap): it counts as scheduled, never as sent. */
  dropped(intendedMs: number): void {
    const due = this.#slot(intendedMs);
    if (due < 0) return;
    this.#scheduled[due]++;
    this.#dropped++;
  }

  result(): ScheduleKeepingResult {
    let worst: WorstSecond | null = null;
    for (let i = 0; i < this.#scheduled.length; i++) {
      const scheduled = this.#scheduled[i] as number;
      const sent = this.#sent[i] as number;
      if (scheduled === 0) continue;
      const error_pct = (Math.abs(sent - scheduled) / scheduled) * 100;
      if (worst === null || error_pct > worst.error_pct) worst = { second: this.#window.fromS + i, scheduled, sent, error_pct };
    }
    const s = this.#lateness.summary();
    return { sends: this.#sends, dropped: this.#dropped, lateness_ms: { p50: s.p50, p99: s.p99, max: s.max }, worst, seconds: this.#scheduled.length };
  }
}
