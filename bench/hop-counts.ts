// `node --import tsx bench/hop-counts.ts [--rate 500] [--seconds 5] [--warmup 2] [--json]`: what one authorization costs each
// process of the pipeline, counted by the kernel rather than sampled: CPU split into the main thread and the
// other threads (V8's GC and compiler helpers, libuv's pool), read- and write-like system calls
// (/proc/<pid>/io syscr, syscw: socket reads and writes are most of them), context switches (each wake-up from
// epoll_wait is one voluntary switch), and the TCP sockets the process holds before and after (a number that
// grows per request would be connections recreated). Same run as pipeline.cpu_us_per_auth
// (bench/fixed-rate.ts: authorizations only, through the card network, after a warm-up), so the figures
// line up with it; `--json` prints one JSON object for scripts that pair runs. `--strace <dir>` also attaches
// `strace -c -f` to every process for the measured traffic and leaves each one's system-call table in <dir>
// (ptrace slows every call down: the counts stay right, the CPU figures of that run do not).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedTopology, type EmbeddedTopology } from '../harness/topology/embedded.ts';
import { topologySchema, trafficSchema } from '../harness/scenario/schema.ts';
import { seedAccounts } from '../services/common/accounts.ts';
import { measureFixedRate, pipelinePids } from './fixed-rate.ts';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? (process.argv[at + 1] as string) : fallback;
}

/** What the kernel counted for one process so far (all its threads). */
export interface ProcessCounts {
  /** CPU of the main thread, µs (user + system). */
  mainUs: number;
  /** CPU of every other thread, µs. */
  otherUs: number;
  /** Of all that, the time spent in the kernel (system time), µs: system calls, the network stack, wake-ups. */
  systemUs: number;
  /** Read-like system calls (read, readv, recv…), all threads. */
  reads: number;
  /** Write-like system calls (write, writev, send…), all threads. */
  writes: number;
  /** Voluntary context switches of the main thread (blocking in epoll_wait and waking up again). */
  wakeups: number;
  /** Involuntary context switches, all threads (pre-empted for another process). */
  preempted: number;
  /** TCP sockets open now. */
  sockets: number;
}

const TICK_US = 1e6 / 100; // USER_HZ

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** [utime, stime] of one thread, µs, from /proc/<pid>/task/<tid>/stat. */
function threadCpuUs(stat: string): [number, number] {
  const f = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/);
  return [Number(f[11]) * TICK_US, Number(f[12]) * TICK_US];
}

function socketCount(pid: number): number {
  let n = 0;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
      } catch {
        // closed while listed
      }
    }
  } catch {
    return 0;
  }
  return n;
}

export function processCounts(pid: number): ProcessCounts | null {
  const io = read(`/proc/${pid}/io`);
  if (io === null) return null;
  const counts: ProcessCounts = { mainUs: 0, otherUs: 0, systemUs: 0, reads: field(io, 'syscr'), writes: field(io, 'syscw'), wakeups: 0, preempted: 0, sockets: socketCount(pid) };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = read(`/proc/${pid}/task/${tid}/stat`);
    const status = read(`/proc/${pid}/task/${tid}/status`);
    if (stat === null || status === null) continue;
    const main = Number(tid) === pid;
    const [user, system] = threadCpuUs(stat);
    counts.systemUs += system;
    if (main) {
      counts.mainUs += user + system;
      counts.wakeups += field(status, 'voluntary_ctxt_switches');
    } else counts.otherUs += user + system;
    counts.preempted += field(status, 'nonvoluntary_ctxt_switches');
  }
  return counts;
}

export interface HopCounts {
  rate: number;
  seconds: number;
  answered: number;
  cpuUsPerAuth: number;
  /** Per process, per answered authorization (sockets: open after the run, and the change). */
  perProcess: Record<string, ProcessCounts & { socketsBefore: number }>;
}

/** Attaches `strace -c -f` to each process; the returned function stops them (SIGINT) and waits for their tables. */
async function attachStrace(pids: Map<string, number>, dir: string): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  const tracers: ChildProcess[] = [];
  for (const [name, pid] of pids) {
    tracers.push(spawn('strace', ['-c', '-f', '-o', path.join(dir, `${name}.txt`), '-p', String(pid)], { stdio: 'ignore' }));
  }
  await sleep(1000); // attached to every thread
  return async () => {
    await Promise.all(
      tracers.map(
        (t) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              t.kill('SIGKILL');
              resolve();
            }, 10_000);
            t.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            t.kill('SIGINT');
          }),
      ),
    );
  };
}

export async function measureHopCounts(rate: number, seconds: number, straceDir?: string, warmupSeconds = 2, proxies = true, warmupRate = rate): Promise<HopCounts> {
  const spec = topologySchema.parse({ proxies });
  const topology = (await startEmbeddedTopology(spec, { seed: 1 })) as EmbeddedTopology;
  try {
    const accounts = seedAccounts(1, spec.accounts);
    const traffic = { ...trafficSchema.parse({}), mix: { authorizations: 1, reversals: 0, balance: 0, feed: 0 } };
    // Warm-up: JIT and connection pools (as the bench does).
    await measureFixedRate({ topology, spec, traffic, accounts, rate: warmupRate, seconds: warmupSeconds, seed: 74 });
    const pids = pipelinePids(topology);
    const stopStrace = straceDir ? await attachStrace(pids, straceDir) : null;
    const before = new Map([...pids].map(([name, pid]) => [name, processCounts(pid)]));
    let result;
    try {
      result = await measureFixedRate({ topology, spec, traffic, accounts, rate, seconds, seed: 76 });
    } finally {
      await stopStrace?.();
    }
    const per = Math.max(1, result.answered);
    const perProcess: HopCounts['perProcess'] = {};
    for (const [name, pid] of pids) {
      const a = before.get(name);
      const b = processCounts(pid);
      if (!a || !b) continue;
      perProcess[name] = {
        mainUs: (b.mainUs - a.mainUs) / per,
        otherUs: (b.otherUs - a.otherUs) / per,
        systemUs: (b.systemUs - a.systemUs) / per,
        reads: (b.reads - a.reads) / per,
        writes: (b.writes - a.writes) / per,
        wakeups: (b.wakeups - a.wakeups) / per,
        preempted: (b.preempted - a.preempted) / per,
        sockets: b.sockets,
        socketsBefore: a.sockets,
      };
    }
    return { rate, seconds, answered: result.answered, cpuUsPerAuth: result.cpuUsPerAuth, perProcess };
  } finally {
    await topology.stop();
  }
}

export function formatHopCounts(h: HopCounts): string {
  const rows = Object.entries(h.perProcess).sort((x, y) => y[1].mainUs + y[1].otherUs - (x[1].mainUs + x[1].otherUs));
  type Summed = 'mainUs' | 'otherUs' | 'systemUs' | 'reads' | 'writes' | 'wakeups';
  const sum = (k: Summed): number => rows.reduce((s, [, r]) => s + r[k], 0);
  const line = (name: string, c: Pick<ProcessCounts, Summed>, sockets: string): string =>
    `${name.padEnd(18)} ${(c.mainUs + c.otherUs).toFixed(0).padStart(6)} ${c.systemUs.toFixed(0).padStart(6)} ${c.mainUs.toFixed(0).padStart(6)} ${c.otherUs.toFixed(0).padStart(6)} ` +
    `${c.reads.toFixed(2).padStart(7)} ${c.writes.toFixed(2).padStart(7)} ${c.wakeups.toFixed(2).padStart(8)}  ${sockets}`;
  return [
    `${h.rate}/s for ${h.seconds} s: ${h.answered} answered; pipeline CPU ${h.cpuUsPerAuth.toFixed(0)} µs per authorization (driver not counted)`,
    `${'process'.padEnd(18)} ${'cpu µs'.padStart(6)} ${'system'.padStart(6)} ${'main'.padStart(6)} ${'other'.padStart(6)} ${'reads'.padStart(7)} ${'writes'.padStart(7)} ${'wakeups'.padStart(8)}  tcp sockets before→after`,
    ...rows.map(([name, r]) => line(name, r, `${r.socketsBefore}→${r.sockets}`)),
    line('all but the driver', { mainUs: sum('mainUs'), otherUs: sum('otherUs'), systemUs: sum('systemUs'), reads: sum('reads'), writes: sum('writes'), wakeups: sum('wakeups') }, ''),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rate = Number(option('rate', '500'));
  const seconds = Number(option('seconds', '5'));
  if (!(rate > 0) || !(seconds > 0)) throw new Error('--rate and --seconds must be positive numbers');
  const straceAt = process.argv.indexOf('--strace');
  const straceDir = straceAt >= 0 ? process.argv[straceAt + 1] : undefined;
  if (straceAt >= 0 && !straceDir) throw new Error('--strace needs a folder');
  const counts = await measureHopCounts(rate, seconds, straceDir ? path.resolve(straceDir) : undefined, Number(option('warmup', '2')), !process.argv.includes('--no-proxies'), Number(option('warmup-rate', String(rate))));
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(counts)}\n` : `${formatHopCounts(counts)}\n`);
}
