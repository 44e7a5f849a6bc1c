// The foreign CPU figure: what /proc says, which processes are the run's, and how a second of CPU splits
// into the run's and everyone else's — with real spinning processes, one inside the run's tree, one
// beside it, and one that exits mid-way (its CPU must move into its parent's, not into "foreign").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuInterval, ForeignCpuSampler, foreignCpuFigures, runProcesses, type CpuSample } from '../../harness/runner/foreign-cpu.ts';
import { parseProcessStat, parseProcStat, parsePressure, procReader, type ProcessCpu } from '../../harness/runner/proc-stats.ts';

const HAS_PROC = process.platform === 'linux';

test('/proc/stat, /proc/<pid>/stat and /proc/pressure/cpu are read as the kernel writes them', () => {
  const stat = 'cpu  100 5 50 800 20 3 2 10 7 0\ncpu0 50 2 25 400 10 1 1 5 3 0\ncpu1 50 3 25 400 10 2 1 5 4 0\nintr 1 2 3\n';
  // guest (7) is already inside user: not added twice; idle, iowait and interrupts are not busy; steal is.
  assert.deepEqual(parseProcStat(stat), { total: 990, busy: 165, cpus: 2 });
  assert.equal(parseProcStat('intr 1 2\n'), null);
  // A command name with spaces and parentheses: fields count from the last ")".
  const line = '4242 (node (a) b) S 4200 4242 4242 0 -1 4194560 7284 0 0 0 36 18 5 1 20 0 11 0 116077 1354551296 15884';
  assert.deepEqual(parseProcessStat(line), { pid: 4242, ppid: 4200, session: 4242, cpu: 36 + 18 + 5 + 1 });
  assert.equal(parseProcessStat('garbage'), null);
  assert.equal(parsePressure('some avg10=23.10 avg60=30.46 avg300=34.07 total=420380254\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n'), 420380254);
  assert.equal(parsePressure(''), null);
});

test("the run's processes: the roots' descendants and the members of sessions they lead, nobody else", () => {
  const p = (pid: number, ppid: number, session: number): [number, ProcessCpu] => [pid, { pid, ppid, session, cpu: 0 }];
  const procs = new Map<number, ProcessCpu>([
    p(1, 0, 1), // init
    p(100, 1, 100), // the user's shell
    p(200, 100, 100), // the driver
    p(201, 200, 100), // a mock service
    p(202, 201, 100), // its child
    p(300, 200, 300), // a replacement started by command, in its own session (sh -c)
    p(301, 1, 300), // what it forked, whose parent exited (reparented to init), same session
    p(400, 100, 100), // another program of the same shell: foreign
    p(500, 1, 500), // someone else entirely
  ]);
  assert.deepEqual([...runProcesses(procs, [200])].sort((a, b) => a - b), [200, 201, 202, 300, 301]);
  assert.deepEqual([...runProcesses(procs, [200, 999])].sort((a, b) => a - b), [200, 201, 202, 300, 301], 'a root that is gone is skipped');
});

test('an interval splits the machine busy time into the run and the rest; figures are shares of all the CPU', () => {
  const s = (at: number, total: number, busy: number, run: number, pressureUs: number | null = null): CpuSample => ({ at, machine: { total, busy, cpus: 2 }, run, processes: 5, pressureUs });
  assert.deepEqual(cpuInterval(s(0, 0, 0, 0), s(1000, 200, 120, 30)), { total: 200, busy: 120, run: 30, foreign: 90 });
  // A run process that vanished unreaped makes the run's sum dip: never below 0, never above busy.
  assert.deepEqual(cpuInterval(s(0, 0, 0, 500), s(1000, 200, 50, 400)), { total: 200, busy: 50, run: 0, foreign: 50 });
  assert.deepEqual(cpuInterval(s(0, 0, 0, 0), s(1000, 200, 50, 90)), { total: 200, busy: 50, run: 50, foreign: 0 });
  const f = foreignCpuFigures([s(0, 0, 0, 0, 0), s(1000, 200, 100, 60, 100_000), s(2000, 400, 300, 100, 300_000)]);
  assert.deepEqual(f, { share: 0.5, max_second_share: 0.8, run_share: 0.25, busy_share: 0.75, cpus: 2, samples: 2, run_processes: 5, pressure_some: 0.15 });
  assert.equal(foreignCpuFigures([s(0, 0, 0, 0)]), null, 'one sample measures nothing');
});

/** A node process that spins until killed. */
const SPIN = 'for(;;){}';

function lines(child: ChildProcess): AsyncGenerator<string> {
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      queue.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      wake?.();
    }
  });
  return (async function* () {
    for (;;) {
      while (queue.length > 0) yield queue.shift() as string;
      await Promise.race([new Promise<void>((r) => (wake = r)), sleep(20_000).then(() => Promise.reject(new Error('no line from the child within 20 s')))]);
    }
  })();
}

test("real processes: a spinner in the run's tree is the run's, one beside it is foreign, one that exits mid-way stays the run's", { skip: !HAS_PROC && 'needs Linux /proc' }, async () => {
  // The "driver": a process that starts a spinner (S1), and on request a short spinner (S3) that reports its
  // own CPU and exits; the driver reaps it. S2 spins beside the driver, outside its tree.
  const driverScript = `
    const { spawn } = require('node:child_process');
    const s1 = spawn(process.execPath, ['-e', ${JSON.stringify(SPIN)}], { stdio: 'ignore' });
    console.log('S1 ' + s1.pid);
    process.stdin.on('data', () => {
      const s3 = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 700) {} const u = process.cpuUsage(); console.log(u.user + u.system)'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      s3.stdout.on('data', (d) => (out += d));
      s3.on('exit', () => console.log('S3 ' + out.trim()));
    });
    process.on('SIGTERM', () => { s1.kill('SIGKILL'); process.exit(0); });
  `;
  const driver = spawn(process.execPath, ['-e', driverScript], { stdio: ['pipe', 'pipe', 'inherit'] });
  const s2 = spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' });
  let s1pid = 0;
  try {
    const out = lines(driver);
    s1pid = Number(((await out.next()).value as string).split(' ')[1]);
    const reader = procReader();
    const snapshot = async () => {
      const [machine, procs] = [reader.machine(), reader.processes()];
      assert.ok(machine && procs);
      const run = runProcesses(procs, [driver.pid as number]);
      let cpu = 0;
      for (const pid of run) cpu += (procs.get(pid) as ProcessCpu).cpu;
      return { machine, procs, run, cpu };
    };
    await sleep(300); // let both spinners get going
    const sampler = new ForeignCpuSampler({ roots: () => [driver.pid as number], intervalMs: 250, scanEvery: 3 });
    sampler.start();
    const a = await snapshot();
    assert.ok(a.run.has(driver.pid as number) && a.run.has(s1pid), 'the driver and its spinner are the run');
    assert.ok(!a.run.has(s2.pid as number) && !a.run.has(process.pid), 'the spinner beside it and the test are not');
    driver.stdin?.write('go\n');
    const s3line = (await out.next()).value as string;
    const s3jiffies = Number(s3line.split(' ')[1]) / 10_000; // µs -> clock ticks (USER_HZ 100)
    await sleep(300);
    const b = await snapshot();
    const figures = sampler.stop();

    const own = (snap: typeof a, pid: number): number => (snap.procs.get(pid) as ProcessCpu).cpu;
    const s1 = own(b, s1pid) - own(a, s1pid);
    const s2cpu = own(b, s2.pid as number) - own(a, s2.pid as number);
    const d = cpuInterval(
      { at: 0, machine: a.machine, run: a.cpu, processes: a.run.size, pressureUs: null },
      { at: 1, machine: b.machine, run: b.cpu, processes: b.run.size, pressureUs: null },
    );
    assert.ok(s1 > 10 && s2cpu > 10 && s3jiffies > 5, `each spinner got CPU: S1 ${s1}, S2 ${s2cpu}, S3 ${s3jiffies} ticks`);
    // The exited spinner's CPU came back through the driver's cutime: the run got S1's and S3's.
    assert.ok(d.run >= 0.8 * (s1 + s3jiffies), `run ${d.run} ticks vs S1 ${s1} + S3 ${s3jiffies}`);
    assert.ok(d.run <= s1 + s3jiffies + 0.5 * s2cpu + 20, `run ${d.run} ticks did not take S2's ${s2cpu}`);
    assert.ok(d.foreign >= 0.8 * s2cpu, `foreign ${d.foreign} ticks holds S2's ${s2cpu}`);

    assert.ok(figures, 'the sampler measured');
    assert.ok(figures.samples >= 2, `samples ${figures.samples}`);
    assert.ok(figures.share > 0 && figures.share <= 1 && figures.run_share > 0, JSON.stringify(figures));
    assert.ok(figures.busy_share >= figures.share + figures.run_share - 1e-3, JSON.stringify(figures));
    assert.ok(figures.run_processes >= 2);
  } finally {
    driver.kill('SIGTERM');
    s2.kill('SIGKILL');
    if (s1pid) {
      try {
        process.kill(s1pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await Promise.all([driver.exitCode === null ? once(driver, 'exit') : null, s2.exitCode === null ? once(s2, 'exit') : null]);
  }
});

test('without /proc the figure is not measured (null), never a made-up 0', async () => {
  const sampler = new ForeignCpuSampler({
    roots: () => [process.pid],
    intervalMs: 50,
    reader: { machine: () => null, processes: () => null, process: () => null, pressureSomeUs: () => null },
  });
  sampler.start();
  await sleep(120);
  assert.equal(sampler.stop(), null);
});

test('the run is found by a full scan every few samples and read by its own processes in between; the totals stay exact', async () => {
  // A fake /proc where each sample (one machine() read) is one tick: the machine does 200 jiffies per
  // tick, half of them the run's. The driver (10) runs a replica (11); at tick 4 a new replica (12) is
  // born; at tick 6 replica 11 exits and the driver reaps it (its CPU moves into the driver's cutime).
  let tick = -1;
  let scans = 0;
  let lightReads = 0;
  const state = (): Map<number, ProcessCpu> => {
    const m = new Map<number, ProcessCpu>();
    const add = (pid: number, ppid: number, cpu: number): void => void m.set(pid, { pid, ppid, session: 1, cpu });
    add(1, 0, 0);
    add(99, 1, tick * 100); // someone else: the other 100 jiffies of each tick
    const r11 = Math.min(tick, 6) * 50; // 50 per tick until it exits at tick 6
    const r12 = Math.max(0, tick - 4) * 50; // 50 per tick from tick 4
    add(10, 1, Math.min(tick, 4) * 50 + (tick >= 6 ? r11 : 0)); // its own CPU (ticks 0-3), then 11's once reaped
    if (tick < 6) add(11, 10, r11);
    if (tick >= 4) add(12, 10, r12);
    return m;
  };
  const sampler = new ForeignCpuSampler({
    roots: () => [10],
    intervalMs: 10,
    scanEvery: 3,
    reader: {
      machine: () => {
        tick++;
        return { total: tick * 200, busy: tick * 200, cpus: 2 };
      },
      processes: () => {
        scans++;
        return state();
      },
      process: (pid) => {
        lightReads++;
        return state().get(pid) ?? null;
      },
      pressureSomeUs: () => null,
    },
  });
  sampler.start();
  while (tick < 9) await sleep(5);
  const f = sampler.stop();
  assert.ok(f);
  // Run CPU over ticks 0..last: the driver's own (50 per tick for ticks 0-3, then it idles) + replica 11
  // (50 per tick to tick 6, then in the driver's cutime) + replica 12 (50 per tick from tick 4).
  const last = tick;
  const run = 4 * 50 + Math.min(last, 6) * 50 + Math.max(0, last - 4) * 50;
  assert.equal(f.run_share, Math.round((run / (last * 200)) * 10_000) / 10_000, JSON.stringify(f));
  assert.ok(scans >= 2 && scans < last, `${scans} full scans for ${last} samples`);
  assert.ok(lightReads > 0, 'the run was read by its own processes between scans');
});
