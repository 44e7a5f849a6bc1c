// What Linux's /proc says about CPU use: the machine's busy and total jiffies (/proc/stat), each process's
// parent, session and CPU time (/proc/<pid>/stat), and the CPU pressure stall total (/proc/pressure/cpu).
// Jiffies are clock ticks (USER_HZ) in both files, so they compare directly. The reads are synchronous:
// on a loaded 2-core machine a full scan of ~110 processes costs ~3.5 ms of CPU read synchronously and
// ~26 ms through the thread pool, and one process's file ~20 µs, so the sampler scans /proc rarely and
// reads the run's own few processes every second. A process that exits while it is read is simply
// absent. On a system without /proc every reader answers null.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

export interface MachineCpu {
  /** Every jiffy of every core since boot (guest time is already inside user and nice). */
  total: number;
  /**
   * Time processes used (user, nice, system) or a hypervisor gave to its other guests (steal). Interrupt
   * time (irq, softirq) is left out: on a kernel that accounts it apart, most of it during a run is the
   * run's own loopback traffic, which no process's CPU time includes.
   */
  busy: number;
  /** Cores: the `cpuN` lines. */
  cpus: number;
}

export interface ProcessCpu {
  pid: number;
  ppid: number;
  session: number;
  /**
   * utime + stime + cutime + cstime: the process's own CPU and that of its children it has waited for
   * (a child's CPU moves into its parent's cutime when the parent reaps it, so none of it is lost).
   */
  cpu: number;
}

/** Where the readers look: `/proc` in a run, fixtures in a test. */
export interface ProcReader {
  machine(): MachineCpu | null;
  /** Every process, by pid; null when /proc cannot be listed. */
  processes(): Map<number, ProcessCpu> | null;
  /** One process; null when it is gone. */
  process(pid: number): ProcessCpu | null;
  /** /proc/pressure/cpu `some total` (µs of stall since boot); null where the kernel has no PSI. */
  pressureSomeUs(): number | null;
}

/** Parses the `cpu ` line of /proc/stat and counts the `cpuN` lines. */
export function parseProcStat(text: string): MachineCpu | null {
  let cpus = 0;
  let totals: number[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) totals = line.trim().split(/\s+/).slice(1).map(Number);
    else if (/^cpu\d+ /.test(line)) cpus++;
  }
  if (!totals || totals.length < 4 || totals.some((n) => !Number.isFinite(n))) return null;
  // user nice system idle iowait irq softirq steal [guest guest_nice]: guest is counted in user already.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = totals;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { total, busy: user + nice + system + steal, cpus: Math.max(1, cpus) };
}

/** Parses /proc/<pid>/stat: the command name may hold spaces and parentheses, so fields count from its last `)`. */
export function parseProcessStat(text: string): ProcessCpu | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // After ")": state(3) ppid(4) pgrp(5) session(6) tty(7) tpgid(8) flags(9) minflt(10) cminflt(11)
  // majflt(12) cmajflt(13) utime(14) stime(15) cutime(16) cstime(17).
  const f = text.slice(close + 1).trim().split(/\s+/);
  const num = (i: number): number => Number(f[i]);
  const ppid = num(1);
  const session = num(3);
  const cpu = num(11) + num(12) + num(13) + num(14);
  if (![pid, ppid, session, cpu].every(Number.isFinite)) return null;
  return { pid, ppid, session, cpu };
}

/** Parses /proc/pressure/cpu: the `some` line's `total=` (µs). */
export function parsePressure(text: string): number | null {
  const m = /^some\b.*\btotal=(\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

const buffer = Buffer.alloc(64 * 1024);

/** One small /proc file in one read (they are generated whole on read), or null. */
function readText(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export function procReader(root = '/proc'): ProcReader {
  const processAt = (pid: number | string): ProcessCpu | null => {
    const text = readText(`${root}/${pid}/stat`);
    return text === null ? null : parseProcessStat(text);
  };
  return {
    machine() {
      const text = readText(`${root}/stat`);
      return text === null ? null : parseProcStat(text);
    },
    processes() {
      let names: string[];
      try {
        names = readdirSync(root);
      } catch {
        return null;
      }
      const out = new Map<number, ProcessCpu>();
      for (const n of names) {
        if (!/^\d+$/.test(n)) continue;
        const p = processAt(n);
        if (p) out.set(p.pid, p);
      }
      return out;
    },
    process: processAt,
    pressureSomeUs() {
      const text = readText(`${root}/pressure/cpu`);
      return text === null ? null : parsePressure(text);
    },
  };
}
