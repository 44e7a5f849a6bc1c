#!/usr/bin/env node
// Measures the test files one process tree each: wall time, CPU seconds (user + system of the file's
// whole process tree, from /usr/bin/time: every service a topology starts is a child that gets reaped),
// tests passed/failed and topologies started (ledger stores spawned, logged by spawn-log.mjs).
// Usage: node test/measure/files.mjs [--jobs 2] [--out file.json] [path substrings...]
// It is as heavy as the suite itself: run it on purpose, not as a habit.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testBundle, testFiles } from '../support/test-bundle.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
let jobs = 2;
let out = null;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--jobs') jobs = Number(args[++i]);
  else if (args[i] === '--out') out = args[++i];
  else filters.push(args[i]);
}

const files = testFiles(root).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
const tmp = mkdtempSync(join(os.tmpdir(), 'faultline-measure-'));
const preload = fileURLToPath(new URL('./spawn-log.mjs', import.meta.url));
// As the suite runs them (test/run.mjs): from the test bundle, or under tsx with FAULTLINE_TEST_TSX=1.
const bundle = process.env.FAULTLINE_TEST_TSX ? null : await testBundle(root);
const loader = bundle ? ['--enable-source-maps', '--import', join(root, 'test/support/bundle-env.mjs')] : ['--import', 'tsx'];

function measure(file, index) {
  const timeFile = join(tmp, `${index}.time`);
  const spawnLog = join(tmp, `${index}.spawns`);
  return new Promise((resolve) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...loader, '--test', '--test-timeout=180000', '--test-reporter=tap', bundle ? bundle.pathOf(file) : file],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(),
          FAULTLINE_SPAWN_LOG: spawnLog,
          ...(bundle ? { FAULTLINE_TEST_BUNDLE: bundle.dir } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let tap = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (tap += c));
    child.stderr.resume();
    child.on('exit', (code) => {
      const [wall, user, sys, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      const spawns = existsSync(spawnLog) ? readFileSync(spawnLog, 'utf8').trim().split('\n').filter(Boolean) : [];
      const count = (re) => Number((tap.match(re) ?? [])[1] ?? 0);
      resolve({
        file,
        code,
        wall,
        cpu: +(user + sys).toFixed(2),
        user,
        sys,
        max_rss_kb: rss,
        tests: count(/^# tests (\d+)/m),
        pass: count(/^# pass (\d+)/m),
        fail: count(/^# fail (\d+)/m),
        topologies: spawns.filter((l) => /main-store\.(cjs|mjs|ts)$/.test(l)).length,
        cli_runs: spawns.filter((l) => /faultline\.js$/.test(l)).length,
        processes: spawns.length,
        failures: code === 0 ? [] : [...tap.matchAll(/^not ok \d+ - (.*)$/gm)].map((m) => m[1]),
      });
    });
  });
}

const started = Date.now();
const loadBefore = os.loadavg();
const results = [];
let next = 0;
async function worker() {
  while (next < files.length) {
    const i = next++;
    const r = await measure(files[i], i);
    results.push(r);
    process.stderr.write(`${String(results.length).padStart(3)}/${files.length} ${r.cpu.toFixed(1).padStart(6)} cpu-s ${r.wall.toFixed(1).padStart(6)} s ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.file}\n`);
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
rmSync(tmp, { recursive: true, force: true });
results.sort((a, b) => b.cpu - a.cpu);
const total = {
  files: results.length,
  wall_s: (Date.now() - started) / 1000,
  cpu_s: +results.reduce((s, r) => s + r.cpu, 0).toFixed(1),
  tests: results.reduce((s, r) => s + r.tests, 0),
  failed_files: results.filter((r) => r.code !== 0).map((r) => r.file),
  topologies: results.reduce((s, r) => s + r.topologies, 0),
  load_before: loadBefore.map((l) => +l.toFixed(2)),
  load_after: os.loadavg().map((l) => +l.toFixed(2)),
  commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(),
};
if (out) writeFileSync(out, JSON.stringify({ total, results }, null, 2));
console.log('   cpu-s  wall-s  tests topos  file');
for (const r of results) {
  console.log(`${r.cpu.toFixed(1).padStart(8)} ${r.wall.toFixed(1).padStart(7)} ${String(r.tests).padStart(6)} ${String(r.topologies).padStart(5)}  ${r.file}${r.code === 0 ? '' : '  FAILED'}`);
}
console.log(JSON.stringify(total));
