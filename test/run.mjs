#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's built-in runner, from a cached bundle of them (or under tsx; Node 20's
// runner takes no globs).
// Extra arguments filter by path substring: `npm test -- proxy ledger`. `--typecheck` (what `npm test` passes)
// runs the type-check beside the tests instead of before them: tsc is one core's work for ~35 CPU-s, and the
// other core sat idle while it ran; its errors are printed when it ends and fail the run, whatever the tests say.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { SLOT_PRELOAD, testBundle, testFiles } from './support/test-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const typecheck = process.argv.includes('--typecheck');

// The files that run whole pipelines go first, so the quick ones fill in around them instead of one
// long run finishing alone at the end (longest first keeps the suite's wall time down on 2 cores).
const HEAVY = ['test/e2e/', 'test/replace/', 'test/cli/', 'test/contract/', 'test/compose/'];
// Files elsewhere that run whole scenarios too.
const HEAVY_FILES = ['test/import/k6-check.test.ts', 'test/runner/offered-rate.test.ts', 'test/report/report.test.ts'];
const weight = (f) => {
  const i = HEAVY.findIndex((dir) => f.startsWith(dir));
  return i !== -1 ? i : HEAVY_FILES.includes(f) ? HEAVY.length : HEAVY.length + 1;
};
const matching = testFiles(root)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));
const heavy = matching.filter((f) => weight(f) <= HEAVY.length);
const light = matching.filter((f) => weight(f) > HEAVY.length);
// At most two heavy files run at once (test/support/pipeline-slot.mjs); a quick file after each heavy one
// keeps the third of the runner's places working while the heavy ones wait for a slot.
const files = [];
for (let h = 0, l = 0; h < heavy.length || l < light.length; ) {
  if (h < heavy.length) files.push(heavy[h++]);
  if (l < light.length && (files.length >= 2 || h >= heavy.length)) files.push(light[l++]);
}
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const reporter = process.env.CI ? ['--test-reporter=spec'] : [];
// Files at once: many test files wait more than they compute (fault windows, deadlines, processes starting),
// so three files at once keep 2 cores busier: with two, the suite used ~60% of the CPU it could (15 CPU-min in
// 12.6 min, beside other load); with three, 9 min 4 s on the README's machine. FAULTLINE_TEST_CONCURRENCY overrides it.
const concurrency = Number(process.env.FAULTLINE_TEST_CONCURRENCY ?? 3);
// The test files run from their bundle (test/support/test-bundle.mjs), not through tsx: a cached build, rebuilt
// after any edit. FAULTLINE_TEST_TSX=1, or a build that fails, runs the sources under tsx as before.
let bundle = null;
if (!process.env.FAULTLINE_TEST_TSX) {
  try {
    bundle = await testBundle(root);
  } catch (err) {
    console.error(`test/run.mjs: building the test bundle failed, running the sources with tsx instead: ${err.message}`);
  }
}
// One folder of slot files per suite run (removed at the end), so two suites on one machine do not share slots.
const slotsDir = mkdtempSync(join(os.tmpdir(), 'faultline-test-slots-'));
const run = bundle ? (f) => bundle.pathOf(f) : (f) => join(root, f);
const loader = bundle
  ? ['--enable-source-maps', '--import', join(root, 'test/support/bundle-env.mjs'), '--import', bundle.pathOf(SLOT_PRELOAD)]
  : ['--import', 'tsx', '--import', join(root, SLOT_PRELOAD)];
const child = spawn(
  process.execPath,
  [...loader, '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', ...reporter, ...files.map(run)],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      // No test opens a TLS connection (everything is 127.0.0.1), and Node parses the file this names at every
      // process start: 60-90 ms of CPU on a machine that sets it (this one does), for each of the suite's
      // ~1,100 Node processes. The pipelines' own processes skip it anyway (harness/topology/service-process.ts).
      NODE_EXTRA_CA_CERTS: '',
      FAULTLINE_TEST_SLOTS: slotsDir,
      FAULTLINE_TEST_HEAVY: heavy.map(run).join(','),
      ...(bundle ? { FAULTLINE_TEST_BUNDLE: bundle.dir } : {}),
    },
  },
);
// Incremental: the build info under node_modules/.cache makes a rerun after a small edit a few seconds' work.
const tsc = typecheck
  ? spawn(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/faultline/tsc.tsbuildinfo'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
  : null;
// The type-check runs at the lowest priority: it only takes CPU the tests leave idle. At normal priority it
// took a core from the pipelines of the first (heaviest) test files, and a run of those on a slow CI machine
// missed its issuer deadline. It still ends well before the tests do.
if (tsc?.pid !== undefined) {
  try {
    os.setPriority(tsc.pid, 19);
  } catch {
    // Not allowed here: it runs at normal priority, as before.
  }
}
const typecheckDone = new Promise((resolve) => {
  if (!tsc) return resolve(0);
  let output = '';
  tsc.stdout.setEncoding('utf8').on('data', (c) => (output += c));
  tsc.stderr.setEncoding('utf8').on('data', (c) => (output += c));
  tsc.on('error', (err) => {
    console.error(`type-check: could not start tsc: ${err.message}`);
    resolve(1);
  });
  tsc.on('exit', (code, signal) => {
    if (code !== 0) console.error(`\ntype-check FAILED (tsc exit ${code ?? signal}):\n${output}`);
    resolve(code === 0 ? 0 : 1);
  });
});
const forward = (sig) => {
  child.kill(sig);
  tsc?.kill(sig);
};
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', async (code, signal) => {
  const tests = code ?? (signal ? 1 : 0);
  const types = await typecheckDone;
  rmSync(slotsDir, { recursive: true, force: true });
  process.exit(tests || types);
});
