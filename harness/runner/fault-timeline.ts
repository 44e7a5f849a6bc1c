// Applies a scenario's fault windows at their scheduled times and heals them at their ends, recording
// when each one actually took effect — the "fault activation" accuracy the report and bench show.
import type { FaultWindow } from '../scenario/schema.ts';
import type { ActiveFault, FaultContext } from '../faults/types.ts';
import type { FaultSummary } from '../summary/types.ts';
import { faultKind } from '../faults/registry.ts';

interface WindowState {
  window: FaultWindow;
  active: ActiveFault | null;
  applying: Promise<void> | null;
  appliedMs: number | null;
  healedMs: number | null;
  error?: string;
  timers: NodeJS.Timeout[];
}

export class FaultTimeline {
  private readonly states: WindowState[];
  private t0 = 0;
  private sorted: FaultWindow[];

  constructor(
    windows: FaultWindow[],
    private readonly ctx: FaultContext,
    private readonly log: (line: string) => void,
  ) {
    this.states = windows.map((window) => ({ window, active: null, applying: null, appliedMs: null, healedMs: null, timers: [] }));
    this.sorted = [...windows].sort((a, b) => a.start_s - b.start_s);
  }

  private now(): number {
    return performance.now() - this.t0;
  }

  /** Schedules every window relative to t0 (performance.now() at the start of traffic). */
  start(t0: number): void {
    this.t0 = t0;
    for (const state of this.states) {
      const startIn = Math.max(0, state.window.start_s * 1000 - this.now());
      const endIn = Math.max(0, state.window.end_s * 1000 - this.now());
      state.timers.push(setTimeout(() => this.apply(state), startIn));
      state.timers.push(setTimeout(() => void this.heal(state), endIn));
    }
  }

  private apply(state: WindowState): void {
    const { window } = state;
    const kind = faultKind(window.fault);
    if (!kind) {
      state.error = `unknown fault kind ${window.fault}`;
      return;
    }
    const params = kind.params.parse(window.params);
    state.applying = (async () => {
      try {
        state.active = await kind.apply(window, params, this.ctx);
        state.appliedMs = this.now();
        const late = state.appliedMs - window.start_s * 1000;
        this.log(`fault ${window.name} (${window.fault} on ${window.target}) took effect at ${(state.appliedMs / 1000).toFixed(3)}s (${late >= 0 ? '+' : ''}${late.toFixed(0)} ms)`);
      } catch (err) {
        state.error = (err as Error).message;
        this.log(`fault ${window.name} failed to apply: ${state.error}`);
      }
    })();
  }

  private async heal(state: WindowState): Promise<void> {
    for (const t of state.timers) clearTimeout(t);
    state.timers = [];
    if (state.applying) await state.applying;
    if (!state.active || state.healedMs !== null) return;
    const active = state.active;
    state.active = null;
    try {
      await active.heal();
      state.healedMs = this.now();
      this.log(`fault ${state.window.name} healed at ${(state.healedMs / 1000).toFixed(3)}s`);
    } catch (err) {
      state.healedMs = this.now();
      state.error = `heal failed: ${(err as Error).message}`;
      this.log(`fault ${state.window.name}: ${state.error}`);
    }
  }

  /** Heals everything still active (end of traffic, Ctrl-C, or a harness error) and cancels pending starts. */
  async healAll(): Promise<void> {
    for (const state of this.states) {
      for (const t of state.timers) clearTimeout(t);
      state.timers = [];
    }
    await Promise.all(this.states.map((s) => this.heal(s)));
  }

  /** Names of the windows scheduled to be active at a moment (ms from the start of traffic). */
  activeAt(ms: number): string[] {
    const out: string[] = [];
    const s = ms / 1000;
    for (const w of this.sorted) {
      if (w.start_s > s) break;
      if (s < w.end_s) out.push(w.name);
    }
    return out;
  }

  /** Names of the windows that have taken effect and are not yet healed. */
  activeNow(): string[] {
    return this.states.filter((s) => s.active !== null).map((s) => s.window.name);
  }

  summaries(): Omit<FaultSummary, 'recovery_s'>[] {
    return this.states.map((s) => ({
      name: s.window.name,
      fault: s.window.fault,
      target: s.window.target,
      scheduled_s: s.window.start_s,
      scheduled_end_s: s.window.end_s,
      applied_s: s.appliedMs === null ? null : round3(s.appliedMs / 1000),
      healed_s: s.healedMs === null ? null : round3(s.healedMs / 1000),
      ...(s.error ? { error: s.error } : {}),
    }));
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
