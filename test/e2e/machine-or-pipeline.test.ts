// Inconclusive means the MACHINE distorted the run; a slow pipeline on a healthy machine is a finding.
//
// One short ledger-latency-like scenario, with faultline's node:http ledger replica in place of the mock
// ledgers, three runs:
//   1. as it is: the baseline (a sound run: complete, passed, healthy machine);
//   2. the same ledger made 300 ms slower on every call (NODE_LEDGER_DELAY_MS), nothing else changed, the
//      driver healthy: FAILED against the baseline, exit 1 — never inconclusive (the old pre-fault limits
//      shelved exactly this regression as "runner too busy", exit 4);
//   3. unchanged code while processes outside the run spin on half the machine's cores (one on 2 cores),
//      from the moment the topology is up: inconclusive naming the foreign load — never failed.
// Step 2 needs a baseline whose quiet p50 is well under 300 ms; on a machine too busy for that it is
// skipped, saying so (faultline itself would call such a comparison inconclusive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli, cliWithEnv, startCli, ROOT } from '../support/cli.ts';
import { waitFor } from '../support/processes.ts';
import { RELAXED_VALIDITY } from '../support/validity.ts';
import { runWhile } from '../support/run.ts';
import type { Summary } from '../../harness/summary/types.ts';

const LEDGER = `node ${path.join(ROOT, 'test/fixtures/node-ledger/replica.mjs')}`;

/**
 * 8 s at 100/s, 100 ms of latency on the ledger 3–5 s: the quiet phases before (3 s) and after (3 s) hold
 * 200+ authorizations each, so their p50 is compared with the baseline's. A long issuer deadline keeps a
 * busy machine's latencies measured rather than cut off at the deadline by stand-in.
 */
const scenario = (validity: Record<string, number>): string => `name: ledger-latency-short
description: a short ledger-latency with the node:http ledger replica
seed: 7
warmup_s: 1
traffic: { rate: 100, duration_s: 8 }
network: { issuer_deadline_ms: 8000 }
drain_s: 3
replace:
  ledger: { command: ${JSON.stringify(LEDGER)}, replicas: 2 }
faults:
  - { name: slow-ledger, fault: network.latency, target: ledger, start_s: 3, end_s: 5, params: { latency: 100 } }
thresholds:
  authorization_success_rate: ['rate>0.99']
validity: ${JSON.stringify(validity)}
`;

const summaryOf = async (dir: string): Promise<Summary> => JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as Summary;

function spinner(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
}

/** The p50 of the quiet slices the baseline comparison reads (before and after the fault), in ms. */
const quietP50 = (s: Summary): number => Math.max(...s.phases.filter((p) => p.name !== 'during').map((p) => p.latency_ms.p50));

/**
 * A 300 ms regression can only be told apart from a baseline whose own quiet p50 is well under it. On a
 * machine so busy that the baseline itself answered slowly (its quiet p50 ≥ 100 ms, when it is a few ms
 * on a machine running the test suite), faultline would call the comparison inconclusive, and so does
 * this test: that part is skipped, saying why.
 */
const TOO_BUSY_P50_MS = 100;

test('a 300 ms slower pipeline fails against its baseline (exit 1, not 4); foreign load is never a failure', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-machine-'));
  // Behaviour runs relax the driver's limits on this shared test machine (the other test file beside this
  // one is foreign load too); the foreign-load run keeps the default foreign CPU limit.
  const relaxed = path.join(dir, 'relaxed.yaml');
  await writeFile(relaxed, scenario({ ...RELAXED_VALIDITY }));
  const { foreign_cpu_share: _default, ...driverRelaxed } = RELAXED_VALIDITY;
  const foreignJudged = path.join(dir, 'foreign.yaml');
  await writeFile(foreignJudged, scenario(driverRelaxed));

  // 1. The baseline: a short sound run, kept as a baseline file. Run again (at most three runs) while the
  // machine is too busy for it to be a baseline step 2 can be told apart from.
  let baseRuns = 0;
  const { baseDir, base, baseP50 } = await runWhile(
    (r) => r.baseP50 >= TOO_BUSY_P50_MS && `the baseline's quiet p50 was ${r.baseP50} ms`,
    3,
    async () => {
      const runDir = path.join(dir, `base-${++baseRuns}`);
      const run = await cli(['run', relaxed, '--out', runDir, '--no-report'], 120_000);
      const p50 = run.code === 0 ? quietP50(await summaryOf(runDir)) : Number.NaN;
      return { baseDir: runDir, base: run, baseP50: p50 };
    },
  );
  assert.equal(base.code, 0, base.stdout + base.stderr);
  const baseline = path.join(dir, 'baseline.json');
  await copyFile(path.join(baseDir, 'summary.json'), baseline);
  t.diagnostic(`the baseline's quiet p50: ${baseP50} ms (run ${baseRuns})`);
  const tooBusy = baseP50 >= TOO_BUSY_P50_MS && `this machine is too busy for a 300 ms regression to be told apart: the baseline's own quiet p50 was ${baseP50} ms`;

  await t.test('2. every ledger call 300 ms slower, nothing else changed: FAILED against the baseline, exit 1, never inconclusive', { skip: tooBusy }, async () => {
    // The claim is about a run the machine did not distort: when even the relaxed limits call it distorted (on a
    // slow CI machine, advices left in the driver's own queue at the end), it is run again, at most three runs.
    let attempt = 0;
    const { slow, s } = await runWhile(
      (r) => !r.s.validity.ok && r.s.validity.reasons.join('; '),
      3,
      async () => {
        const slowDir = path.join(dir, `slow-${++attempt}`);
        const run = await cliWithEnv(['run', relaxed, '--out', slowDir, '--baseline', baseline, '--no-report'], { NODE_LEDGER_DELAY_MS: '300' }, 120_000);
        return { slow: run, s: await summaryOf(slowDir) };
      },
    );
    assert.equal(slow.code, 1, slow.stdout + slow.stderr);
    assert.equal(s.verdict, 'failed');
    assert.equal(s.validity.ok, true, s.validity.reasons.join('\n'));
    // The old pre-fault limit (p50 ≤ 250 ms) would have called this run inconclusive.
    assert.ok((s.validity.figures.pre_fault?.latency_p50_ms ?? 0) > 250, `p50 before the first fault ${s.validity.figures.pre_fault?.latency_p50_ms} ms`);
    assert.ok(s.reasons.some((r) => /^baseline authorization_latency_p50\{phase:(before|after)\} regressed/.test(r)), s.reasons.join('\n'));
    assert.ok(!s.reasons.some((r) => /inconclusive/.test(r)), s.reasons.join('\n'));
    assert.match(slow.stdout, /^FAILED: /m);
  });

  await t.test('3. unchanged code, processes outside the run spinning: inconclusive naming the foreign CPU, never failed', async () => {
    const loadedDir = path.join(dir, 'loaded');
    const run = startCli(['run', foreignJudged, '--out', loadedDir, '--baseline', baseline]);
    const kill = setTimeout(() => run.child.kill('SIGKILL'), 120_000);
    // Foreign CPU is sampled over the measured traffic only (after the warm-up): the spinners start once the
    // topology is up, and half the cores spinning (at least one) is 50% of the machine against the 25% limit.
    const spinners: ChildProcess[] = [];
    let loaded;
    try {
      await waitFor(() => /topology up in/.test(run.output()) || run.child.exitCode !== null, 90_000, 'the topology to come up');
      for (let i = 0; i < Math.max(1, Math.ceil(os.availableParallelism() / 2)); i++) spinners.push(spinner());
      loaded = await run.done;
    } finally {
      clearTimeout(kill);
      for (const p of spinners) p.kill('SIGKILL');
      await Promise.all(spinners.map((p) => (p.exitCode === null && p.signalCode === null ? once(p, 'exit') : null)));
    }
    const l = await summaryOf(loadedDir);
    assert.notEqual(l.verdict, 'failed', l.reasons.join('\n'));
    const cpu = l.validity.figures.foreign_cpu;
    assert.ok(cpu, 'the foreign CPU share was measured');
    assert.ok(cpu.share > 0.25, `${spinners.length} spinner(s) and the rest of the machine took ${cpu.share} of it`);
    assert.equal(loaded.code, 4, loaded.stdout + loaded.stderr);
    assert.equal(l.verdict, 'inconclusive');
    assert.ok(l.validity.reasons.some((r) => /^processes outside the run took \d+\.\d% of the machine's CPU \(limit 25\.0%/.test(r)), l.validity.reasons.join('\n'));
    assert.match(loaded.stdout, /other processes' CPU \d+\.\d% of the machine \(limit 25%/);
    // The report's Run health shows the figure, broken.
    const html = await readFile(path.join(loadedDir, 'index.html'), 'utf8');
    assert.match(html, /data-check="foreign_cpu" data-state="broken"/);
  });
});
