// Inputs a user gets wrong, each a clear exit 2 before anything starts: a duration that is not one, a
// replay path that is a folder, a run folder on a read-only file system. And durations with units work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli.ts';

test('--duration abc is exit 2 saying what a duration looks like', async () => {
  const r = await cli(['run', 'baseline', '--duration', 'abc']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--duration must be a duration such as 30s, 1m30s or 500ms \(a bare number is seconds\), got "abc"/);
  const warm = await cli(['run', 'baseline', '--warmup', '5 seconds']);
  assert.equal(warm.code, 2, warm.stderr);
  assert.match(warm.stderr, /--warmup must be a duration/);
  const zero = await cli(['run', 'baseline', '--duration', '0s']);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--duration must be longer than 0/);
  const long = await cli(['run', 'baseline', '--duration', '2h']);
  assert.equal(long.code, 2);
  assert.match(long.stderr, /--duration must be at most 3600 s/);
});

test('durations with units on the command line: --duration 2s --warmup 500ms runs 2 s measured after a 0.5 s warm-up', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'faultline-units-'));
  const r = await cli(['run', 'baseline', '--duration', '2s', '--warmup', '500ms', '--rate', '50', '--out', out, '--no-report']);
  assert.ok(r.code === 0 || r.code === 4, r.stdout + r.stderr);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { duration_s: number; warmup: { duration_s: number } };
  assert.equal(summary.duration_s, 2);
  assert.equal(summary.warmup.duration_s, 0.5);
  assert.match(r.stdout, /--duration 2s --warmup 500ms|2s \(\+0\.5s warm-up/);
});

test('--replay naming a folder is exit 2 naming the path', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-replay-dir-'));
  const r = await cli(['run', 'baseline', '--replay', dir]);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(dir), r.stderr);
  assert.match(r.stderr, /is a directory, not a replay file/);
  assert.doesNotMatch(r.stderr, /EISDIR/);
  const missing = await cli(['run', 'baseline', '--replay', path.join(dir, 'nope.jsonl')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.jsonl:0: \(file\): no such file/);
});

test('--out on a read-only file system says so (not ENOENT), exit 2, before anything starts', async (t) => {
  const mountPoint = await mkdtemp(path.join(os.tmpdir(), 'faultline-ro-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
  } catch {
    // A read-only file system needs a mount, which needs root; CI runs as root.
    t.skip('cannot mount a read-only tmpfs here (needs root)');
    return;
  }
  try {
    const r = await cli(['run', 'baseline', '--out', path.join(mountPoint, 'runs', 'one')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /read-only file system/);
    assert.doesNotMatch(r.stderr, /ENOENT/);
    assert.doesNotMatch(r.stderr, /topology up/, 'nothing started');
  } finally {
    execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  }
});

test('--out through a file is exit 2 naming it', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-file-'));
  await writeFile(path.join(dir, 'plain'), 'x');
  await mkdir(path.join(dir, 'ok'));
  const r = await cli(['run', 'baseline', '--out', path.join(dir, 'plain', 'run')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is a file, not a folder/);
});
