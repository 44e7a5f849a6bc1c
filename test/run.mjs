#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's built-in runner under tsx (Node 20's runner takes no globs).
// Extra arguments filter by path substring: `npm test -- proxy ledger`. `--typecheck` (what `npm test` passes)
// runs the type-check beside the tests instead of before them: tsc is one core's work for ~35 CPU-s, and the
// other core sat idle while it ran; its errors are printed when it ends and fail the run, whatever the tests say.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const typecheck = process.argv.includes('--typecheck');

function collect(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...collect(path));
    else if (name.endsWith('.test.ts')) files.push(relative(root, path));
  }
  return files;
}

// The files that run whole pipelines go first, so the quick ones fill in around them instead of one
// long run finishing alone at the end (longest first keeps the suite's wall time down on 2 cores).
const HEAVY = ['test/e2e/', 'test/replace/', 'test/cli/', 'test/contract/', 'test/compose/'];
const weight = (f) => {
  const i = HEAVY.findIndex((dir) => f.startsWith(dir));
  return i === -1 ? HEAVY.length : i;
};
const files = collect(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const reporter = process.env.CI ? ['--test-reporter=spec'] : [];
// Files at once: many test files wait more than they compute (fault windows, deadlines, processes starting),
// so three files at once keep 2 cores busier: with two, the suite used ~60% of the CPU it could (15 CPU-min in
// 12.6 min, beside other load); with three, 9 min 4 s on the README's machine. FAULTLINE_TEST_CONCURRENCY overrides it.
const concurrency = Number(process.env.FAULTLINE_TEST_CONCURRENCY ?? 3);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', ...reporter, ...files],
  { cwd: root, stdio: 'inherit' },
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
  process.exit(tests || types);
});
