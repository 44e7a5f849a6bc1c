// The pipeline CPU figure's arithmetic and readings, the CPU profile summary, and the stackless errors the
// hot paths now build: real processes (a child that burns CPU, a child profiled with --cpu-prof), no mocks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cpuPer, cpuSnapshot, keptUp, DRIVER } from '../../bench/fixed-rate.ts';
import { summarizeProfile, summarizeProfileFile, type CpuProfile } from '../../bench/cpu-profile-summary.ts';
import { serviceNodeFlags } from '../../harness/topology/service-process.ts';
import { stackless } from '../../services/common/stackless.ts';
import { RouteError } from '../../services/router/route-error.ts';
import { HopFailure } from '../../services/card-processor/ledger-calls.ts';

/** Runs `node -e code` with extra flags; resolves with its pid once it exits (bounded). */
function runNode(flags: string[], code: string, onPid?: (pid: number) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.once('data', () => void onPid?.(child.pid as number).catch(reject));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`child exited with ${code}`));
    });
  });
}

describe('bench: pipeline CPU per authorization', () => {
  it('divides each process\'s CPU between two snapshots by the units of work; a process not in the first counts nothing', () => {
    const before = new Map([
      ['ledger-1', 1_000_000],
      [DRIVER, 500_000],
    ]);
    const after = new Map([
      ['ledger-1', 1_300_000],
      [DRIVER, 600_000],
      ['feed-1', 9_000_000],
    ]);
    const { total, perProcess } = cpuPer(before, after, 1000);
    assert.equal(perProcess['ledger-1'], 300);
    assert.equal(perProcess[DRIVER], 100);
    assert.equal(perProcess['feed-1'], 0, 'no first reading: nothing is charged');
    assert.equal(total, 400, 'the driver is in cpuPer\'s total; measureFixedRate takes it out of the pipeline figure');
  });

  it('a run that answered under 99% of its schedule did not keep up', () => {
    assert.equal(keptUp({ answered: 1500, rate: 500, seconds: 3 }), true);
    assert.equal(keptUp({ answered: 1485, rate: 500, seconds: 3 }), true);
    assert.equal(keptUp({ answered: 1484, rate: 500, seconds: 3 }), false);
    assert.equal(keptUp({ answered: 10, rate: 500, seconds: 3 }), false);
  });

  it('reads a real process\'s CPU (user + system) from /proc, and the driver\'s own', async () => {
    let burned = 0;
    let own = 0;
    // The child burns at least 300 ms of CPU (its own reading), then says so and waits to be read.
    const code = "const u=()=>{const c=process.cpuUsage();return c.user+c.system};const t=u();while(u()-t<300000){}process.stdout.write('x');setTimeout(()=>{},400)";
    await runNode([], code, async (pid) => {
      const snap = cpuSnapshot(new Map([['burner', pid]]));
      burned = snap.get('burner') ?? -1;
      own = snap.get(DRIVER) ?? -1;
    });
    assert.ok(burned >= 250_000, `the child used at least ~300 ms of CPU, read ${burned} µs`);
    assert.ok(burned < 20_000_000, `and well under 20 s, read ${burned} µs`);
    assert.ok(own > 0, 'the driver\'s own CPU is read too');
  });
});

describe('bench: CPU profile summary', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [2, 3, 4] },
      { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1, columnNumber: -1 } },
      { id: 3, callFrame: { functionName: 'hot', url: 'file:///repo/services/x.ts', lineNumber: 9, columnNumber: 0 } },
      { id: 4, callFrame: { functionName: 'cold', url: 'file:///repo/node_modules/lib/y.js', lineNumber: 0, columnNumber: 0 } },
    ],
    startTime: 1_000_000,
    endTime: 1_010_000,
    // Sample i lasts until sample i+1: hot 3 ms, idle 4 ms, cold 1 ms, hot 2 ms (the last one lasts 0).
    samples: [3, 2, 4, 3, 3],
    timeDeltas: [0, 3000, 4000, 1000, 2000],
  };

  it('self time per function, idle left out, files relative to the project and node_modules shortened', () => {
    const s = summarizeProfile(profile, '/repo/');
    assert.equal(s.busyMs, 6);
    assert.deepEqual(
      s.top.map((t) => [t.name, t.ms]),
      [
        ['hot services/x.ts:10', 5],
        ['cold ~/lib/y.js:1', 1],
      ],
    );
    assert.equal(s.top[0]?.share, 5 / 6);
  });

  it('a window keeps only the samples taken inside it', () => {
    // Sample times: 1,000,000 (hot), 1,003,000 (idle), 1,007,000 (cold), 1,008,000 (hot), 1,010,000 (hot).
    const s = summarizeProfile(profile, '/repo/', 12, { fromUs: 1_006_000, toUs: 1_009_000 });
    assert.deepEqual(
      s.top.map((t) => [t.name, t.ms]),
      [
        ['hot services/x.ts:10', 2],
        ['cold ~/lib/y.js:1', 1],
      ],
    );
    assert.equal(s.spanMs, 3);
  });

  it('names the function that burned the CPU in a real --cpu-prof profile', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-cpuprof-'));
    try {
      const code = "function burnHotLoop(){let x=0;const t=Date.now();while(Date.now()-t<300)x+=Math.sqrt(x+1);return x}process.stdout.write(String(burnHotLoop()))";
      await runNode(['--cpu-prof', `--cpu-prof-dir=${dir}`], code);
      const [file] = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
      assert.ok(file, 'the child wrote its profile');
      const s = await summarizeProfileFile(path.join(dir, file), dir, 5);
      assert.ok(s.busyMs >= 150, `busy ${s.busyMs} ms`);
      assert.ok(s.top.slice(0, 3).some((t) => t.name.startsWith('burnHotLoop')), `top: ${s.top.map((t) => t.name).join(', ')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('service processes: node flags', () => {
  it('splits FAULTLINE_NODE_OPTIONS on whitespace, nothing when unset', () => {
    assert.deepEqual(serviceNodeFlags('  --cpu-prof   --cpu-prof-dir=/tmp/p '), ['--cpu-prof', '--cpu-prof-dir=/tmp/p']);
    assert.deepEqual(serviceNodeFlags(undefined), []);
    assert.deepEqual(serviceNodeFlags(''), []);
  });
});

describe('stackless errors', () => {
  it('capture no stack frames and leave the stack limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const err = stackless(() => new Error('no answer within 5 ms'));
    assert.equal(err.message, 'no answer within 5 ms');
    assert.doesNotMatch(err.stack ?? '', /\n\s+at /, 'no frames');
    assert.equal(Error.stackTraceLimit, limit);
    assert.match(new Error('normal').stack ?? '', /\n\s+at /, 'other errors keep their frames');
  });

  it('a route failure and a hop failure keep everything they report, without frames', () => {
    const route = new RouteError('ledger: deadline spent', 'processor->ledger', 'timeout', 2, { endpoint: '127.0.0.1:1' });
    assert.ok(route instanceof RouteError && route instanceof Error);
    assert.deepEqual(route.toBody(), { error: 'ledger: deadline spent', hop: 'processor->ledger', cause: 'timeout', attempts: 2 });
    assert.equal(route.endpoint, '127.0.0.1:1');
    assert.doesNotMatch(route.stack ?? '', /\n\s+at /);
    const hop = new HopFailure('ledger->store', 'http_5xx', 1, 'store answered 503');
    assert.deepEqual(hop.body(), { error: 'store answered 503', hop: 'ledger->store', cause: 'http_5xx', attempts: 1 });
    assert.equal(hop.httpStatus, 502);
    assert.doesNotMatch(hop.stack ?? '', /\n\s+at /);
    assert.match(new Error('normal').stack ?? '', /\n\s+at /);
  });
});
