// Item 1 of issue 21: a file faultline rewrites is replaced whole or not at all. The full disk is made
// honestly, without mocks: a child shell's file size limit (`ulimit -f`, writes then fail with EFBIG) and,
// where the test may mount (root, as in CI), a tiny tmpfs that fills up (ENOSPC).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileWriteError, writeFileAtomic } from '../../harness/files/atomic-write.ts';
import { BIN, ROOT } from '../support/cli.ts';
import { monzoSummary } from '../report/fixtures.ts';

/** Runs the CLI under a file size limit of `kib` KiB (bash's `ulimit -f` counts 1024-byte blocks). */
function cliWithFileLimit(kib: number, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('bash', ['-c', `ulimit -f ${kib}; exec '${process.execPath}' '${BIN}' ${quoted}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

async function runFolder(dir: string): Promise<{ summaryFile: string; baselineFile: string; before: string }> {
  await mkdir(dir, { recursive: true });
  const summaryFile = path.join(dir, 'summary.json');
  const before = JSON.stringify(monzoSummary({ router: 'naive' }), null, 2) + '\n';
  await writeFile(summaryFile, before);
  const baselineFile = path.join(path.dirname(dir), 'baseline.json');
  await writeFile(baselineFile, JSON.stringify(monzoSummary({ router: 'hardened' }), null, 2) + '\n');
  return { summaryFile, baselineFile, before };
}

test('writeFileAtomic replaces a file whole, and on a write error keeps the old one and leaves no temporary file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-atomic-'));
  const file = path.join(dir, 'a.json');
  await writeFileAtomic(file, 'first\n');
  await writeFileAtomic(file, (async function* () {
    yield 'second ';
    yield Buffer.from('line\n');
  })());
  assert.equal(await readFile(file, 'utf8'), 'second line\n');
  // A stream that fails half-way: the old content stays, nothing else is left in the folder.
  await assert.rejects(
    writeFileAtomic(file, (async function* () {
      yield 'half of it';
      throw new Error('the source broke');
    })()),
    (err: unknown) => err instanceof FileWriteError && /a\.json is unchanged/.test(err.message),
  );
  assert.equal(await readFile(file, 'utf8'), 'second line\n');
  assert.deepEqual(readdirSync(dir), ['a.json']);
  await rm(dir, { recursive: true, force: true });
});

test('gate --baseline under a file size limit: exit 3 naming summary.json, which is left intact (not cut at 8 KiB)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-efbig-'));
  const { summaryFile, baselineFile, before } = await runFolder(path.join(dir, 'run'));
  assert.ok(before.length > 16 * 1024, 'the summary is larger than the limit');
  const r = await cliWithFileLimit(8, ['gate', path.dirname(summaryFile), '--baseline', baselineFile]);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot write .*summary\.json: the file is larger than this process may write \(file size limit\) \(summary\.json is unchanged\)/);
  assert.equal(readFileSync(summaryFile, 'utf8'), before, 'summary.json is byte for byte what it was');
  assert.deepEqual(readdirSync(path.dirname(summaryFile)), ['summary.json'], 'no temporary file is left behind');
  // And it is still readable: the same gate without the limit works on it.
  const again = await cliWithFileLimit(1024 * 1024, ['gate', path.dirname(summaryFile), '--baseline', baselineFile]);
  assert.ok(again.code === 0 || again.code === 1, again.stderr);
  assert.notEqual(readFileSync(summaryFile, 'utf8'), before, 'without the limit the gate rewrites it');
  await rm(dir, { recursive: true, force: true });
});

test('gate on a full disk (a 64 KiB tmpfs): exit 3, summary.json intact', async (t) => {
  const mountPoint = await mkdtemp(path.join(os.tmpdir(), 'faultline-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'ignore' });
  } catch {
    t.skip('cannot mount a tmpfs here (needs root); the file size limit test above covers the same path');
    await rm(mountPoint, { recursive: true, force: true });
    return;
  }
  try {
    const staging = await mkdtemp(path.join(os.tmpdir(), 'faultline-full-src-'));
    const { summaryFile, baselineFile, before } = await runFolder(path.join(staging, 'run'));
    const run = path.join(mountPoint, 'run');
    await mkdir(run);
    await copyFile(summaryFile, path.join(run, 'summary.json'));
    // Fill the rest of the disk.
    const filler = path.join(mountPoint, 'filler');
    for (;;) {
      const full = await appendFile(filler, Buffer.alloc(4096, 1)).then(() => false, () => true);
      if (full) break;
    }
    const r = await cliWithFileLimit(1024 * 1024, ['gate', run, '--baseline', baselineFile]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot write .*summary\.json: no space left on the device \(summary\.json is unchanged\)/);
    assert.equal(readFileSync(path.join(run, 'summary.json'), 'utf8'), before);
    assert.deepEqual(readdirSync(run), ['summary.json']);
    await rm(staging, { recursive: true, force: true });
  } finally {
    execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  }
});
