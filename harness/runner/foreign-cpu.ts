// How much of the machine's CPU processes outside the run took while it was measured: the figure that
// tells "the machine was busy with something else" apart from "the pipeline is slow".
//
// Every second: the machine's busy jiffies (/proc/stat) and the CPU of the run's own processes (the
// driver, every process it started, their descendants, and every member of a session one of them leads:
// a replacement started by command runs in its own session, with whatever it forks). Foreign CPU is the
// machine's busy time minus the run's, per interval, so it counts other users' processes, other test
// runs, and time a hypervisor gave to other guests (steal). A run process that exits is not lost: its
// CPU moves into its parent's cutime/cstime when the parent reaps it, and the run's sum reads both.
// Only Linux has /proc: elsewhere the sampler gives null (not measured), never a made-up 0.
import { performance } from 'node:perf_hooks';
import type { ForeignCpuFigures } from '../summary/types.ts';
import { procReader, type MachineCpu, type ProcessCpu, type ProcReader } from './proc-stats.ts';

/** The run's processes: the roots' descendants, and the members (and descendants) of sessions they lead. */
export function runProcesses(processes: ReadonlyMap<number, ProcessCpu>, roots: readonly number[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of processes.values()) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const run = new Set<number>();
  const visit = (pid: number): void => {
    const stack = [pid];
    while (stack.length > 0) {
      const next = stack.pop() as number;
      if (run.has(next)) continue;
      run.add(next);
      for (const c of children.get(next) ?? []) stack.push(c);
    }
  };
  for (const r of roots) if (processes.has(r)) visit(r);
  const sessions = new Set<number>();
  for (const pid of run) if (processes.get(pid)?.session === pid) sessions.add(pid);
  for (const p of processes.values()) if (sessions.has(p.session)) visit(p.pid);
  return run;
}

export interface CpuSample {
  /** performance.now() when it was taken. */
  at: number;
  machine: MachineCpu;
  /** Sum of the run's processes' CPU (utime + stime + cutime + cstime), jiffies. */
  run: number;
  processes: number;
  pressureUs: number | null;
}

export interface CpuInterval {
  total: number;
  busy: number;
  run: number;
  foreign: number;
}

/** One interval between two samples, every figure clamped so that 0 ≤ run ≤ busy ≤ total. */
export function cpuInterval(prev: CpuSample, cur: CpuSample): CpuInterval {
  const total = Math.max(0, cur.machine.total - prev.machine.total);
  const busy = Math.min(total, Math.max(0, cur.machine.busy - prev.machine.busy));
  // A run process that vanished unreaped takes its last CPU with it: the difference can dip below 0.
  const run = Math.min(busy, Math.max(0, cur.run - prev.run));
  return { total, busy, run, foreign: busy - run };
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** The figures of a series of samples (at least two, over some CPU time), else null. */
export function foreignCpuFigures(samples: readonly CpuSample[]): ForeignCpuFigures | null {
  if (samples.length < 2) return null;
  let total = 0;
  let busy = 0;
  let run = 0;
  let foreign = 0;
  let maxSecond = 0;
  for (let i = 1; i < samples.length; i++) {
    const d = cpuInterval(samples[i - 1] as CpuSample, samples[i] as CpuSample);
    total += d.total;
    busy += d.busy;
    run += d.run;
    foreign += d.foreign;
    if (d.total > 0) maxSecond = Math.max(maxSecond, d.foreign / d.total);
  }
  if (total <= 0) return null;
  const first = samples[0] as CpuSample;
  const last = samples[samples.length - 1] as CpuSample;
  const wallUs = (last.at - first.at) * 1000;
  const pressure = first.pressureUs !== null && last.pressureUs !== null && wallUs > 0 ? Math.min(1, Math.max(0, (last.pressureUs - first.pressureUs) / wallUs)) : null;
  return {
    share: round4(foreign / total),
    max_second_share: round4(maxSecond),
    run_share: round4(run / total),
    busy_share: round4(busy / total),
    cpus: last.machine.cpus,
    samples: samples.length - 1,
    run_processes: last.processes,
    pressure_some: pressure === null ? null : round4(pressure),
  };
}

export interface ForeignCpuOptions {
  /** The run's root processes: the driver, and whatever the topology knows it started. */
  roots: () => readonly number[];
  /** Default 1000 ms. */
  intervalMs?: number;
  /** The run's processes are found by a full scan of /proc every this many samples (default 5), and at start and stop. */
  scanEvery?: number;
  /** Default: the real /proc. */
  reader?: ProcReader;
}

/**
 * Samples from start() to stop(); stop() gives the figures (null when /proc could not be read twice).
 * Every second it reads /proc/stat and the run's own processes; every `scanEvery` samples it scans the
 * whole of /proc to find the run's processes again (a replica restarted on a new port, a command's new
 * child). A process born between scans joins the run's sum at the next one with all the CPU it used: the
 * total is right, only which second it lands in moves.
 */
export class ForeignCpuSampler {
  readonly #roots: () => readonly number[];
  readonly #intervalMs: number;
  readonly #scanEvery: number;
  readonly #reader: ProcReader;
  readonly #samples: CpuSample[] = [];
  #members: number[] = [];
  #sinceScan = Number.POSITIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(options: ForeignCpuOptions) {
    this.#roots = options.roots;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#scanEvery = Math.max(1, options.scanEvery ?? 5);
    this.#reader = options.reader ?? procReader();
  }

  #rootPids(): readonly number[] {
    try {
      return this.#roots();
    } catch {
      return [process.pid];
    }
  }

  /** The run's CPU now: from a full scan (which also refreshes who the run is), or from its known members. */
  #runCpu(fullScan: boolean): { cpu: number; processes: number } | null {
    if (fullScan) {
      const all = this.#reader.processes();
      if (!all) return null;
      const run = runProcesses(all, this.#rootPids());
      this.#members = [...run];
      let cpu = 0;
      for (const pid of run) cpu += (all.get(pid) as ProcessCpu).cpu;
      return { cpu, processes: run.size };
    }
    let cpu = 0;
    let alive = 0;
    for (const pid of this.#members) {
      const p = this.#reader.process(pid);
      if (!p) continue; // gone: its parent's cutime takes its CPU once it is reaped
      cpu += p.cpu;
      alive++;
    }
    return { cpu, processes: alive };
  }

  #take(forceScan = false): void {
    try {
      const fullScan = forceScan || this.#sinceScan >= this.#scanEvery;
      const machine = this.#reader.machine();
      const run = machine ? this.#runCpu(fullScan) : null;
      if (!machine || !run) return; // no /proc: with fewer than two samples the figure is not measured
      if (fullScan) this.#sinceScan = 0;
      this.#sinceScan++;
      this.#samples.push({ at: performance.now(), machine, run: run.cpu, processes: run.processes, pressureUs: this.#reader.pressureSomeUs() });
    } catch {
      /* a sample that cannot be read is skipped */
    }
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#take(true);
    this.#timer = setInterval(() => this.#take(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops sampling (one last sample, with a full scan, first) and gives the figures. */
  stop(): ForeignCpuFigures | null {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#started) return null;
    this.#started = false;
    this.#take(true);
    return foreignCpuFigures(this.#samples);
  }
}
