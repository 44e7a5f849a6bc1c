// The loader every bundled service starts through (harness/build/code-cache-loader.cjs): the bundle runs as
// `node <bundle.cjs>` would, V8's code cache is written when the first run exits and used by the next, and no
// state of the cache (missing, damaged, unwritable) can change what the program does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CODE_CACHE_LOADER } from '../../harness/topology/service-bundle.ts';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bundle: string, args: string[] = [], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CODE_CACHE_LOADER, bundle, ...args], { timeout: 20_000, env: { ...process.env, NODE_OPTIONS: '', FAULTLINE_CODE_CACHE_DEBUG: '1', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const PROGRAM = `'use strict';
const path = require('node:path');
function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
async function main() {
  if (process.argv[2] === 'fail') throw new Error('start-up failed here');
  process.stdout.write(JSON.stringify({ argv1: path.basename(process.argv[1]), rest: process.argv.slice(2), file: path.basename(__filename), sum: work(10) }) + '\\n');
}
main().catch((err) => { process.stderr.write(String(err.stack) + '\\n'); process.exit(1); });
`;

test('runs the bundle as node would, writes the code cache as it exits, and the next start uses it', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-code-cache-'));
  try {
    const bundle = path.join(dir, 'main.cjs');
    await writeFile(bundle, PROGRAM);
    const first = await run(bundle, ['a', 'b']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { argv1: 'main.cjs', rest: ['a', 'b'], file: 'main.cjs', sum: 45 });
    assert.match(first.stderr, /code cache: none/);
    assert.ok(existsSync(`${bundle}.v8cache`), 'the cache is written when the first run exits');
    const second = await run(bundle, ['a', 'b']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /code cache: used/);
    assert.equal(second.stdout, first.stdout, 'the same output from the cached code');
    // FAULTLINE_NO_CODE_CACHE=1 compiles as node would: the cache beside it is neither read nor rewritten.
    const before = await readFile(`${bundle}.v8cache`);
    const off = await run(bundle, ['a', 'b'], { FAULTLINE_NO_CODE_CACHE: '1' });
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stderr, /code cache: none/);
    assert.equal(off.stdout, first.stdout);
    assert.deepEqual(await readFile(`${bundle}.v8cache`), before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failing start-up still says why and exits 1; a damaged cache is compiled past and rewritten', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-code-cache-'));
  try {
    const bundle = path.join(dir, 'main.cjs');
    await writeFile(bundle, PROGRAM);
    const failed = await run(bundle, ['fail']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /start-up failed here/);
    await writeFile(`${bundle}.v8cache`, Buffer.from('not a code cache at all'));
    const damaged = await run(bundle);
    assert.equal(damaged.code, 0, damaged.stderr);
    assert.match(damaged.stderr, /code cache: rejected/);
    assert.notEqual((await readFile(`${bundle}.v8cache`)).toString('latin1'), 'not a code cache at all', 'rewritten');
    const next = await run(bundle);
    assert.match(next.stderr, /code cache: used/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a cache it cannot read or write changes nothing but the speed, and leaves no temporary file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-code-cache-'));
  try {
    const bundle = path.join(dir, 'main.cjs');
    await writeFile(bundle, PROGRAM);
    // A folder where the cache file belongs: reading it fails, and so does renaming the new cache over it
    // (what a read-only or full disk does too, and unlike a read-only folder this holds for root as well).
    await mkdir(`${bundle}.v8cache`);
    const ran = await run(bundle);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(JSON.parse(ran.stdout).sum, 45);
    assert.match(ran.stderr, /code cache: none/);
    assert.deepEqual((await readdir(dir)).sort(), ['main.cjs', 'main.cjs.v8cache']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
