// Item 6 of issue 21: an output folder that cannot be written is exit 2 naming the flag and the folder,
// before any work starts (the baselines folder before the suite runs), never "ENOENT … mkdir" (exit 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli.ts';
import { monzoSummary } from '../report/fixtures.ts';
import { OutputFolderError, prepareOutputFolder } from '../../harness/files/output-folder.ts';

test('prepareOutputFolder makes a folder and proves it writable; a file in the way is named', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-outdir-'));
  const made = await prepareOutputFolder(path.join(dir, 'a', 'b'), '--out');
  assert.ok(existsSync(made));
  await writeFile(path.join(dir, 'plain'), 'x');
  await assert.rejects(prepareOutputFolder(path.join(dir, 'plain', 'sub'), '--write-baselines'), (err: unknown) => {
    assert.ok(err instanceof OutputFolderError);
    assert.match(err.message, /^--write-baselines .*plain\/sub: cannot write there: .*plain is a file, not a folder \(choose another --write-baselines\)$/);
    return true;
  });
  await rm(dir, { recursive: true, force: true });
});

test('suite --write-baselines through a file: exit 2 before the first run', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-suite-out-'));
  await writeFile(path.join(dir, 'plain'), 'x');
  const r = await cli(['suite', 'nightly', '--out', path.join(dir, 'suite'), '--write-baselines', path.join(dir, 'plain', 'baselines')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--write-baselines .*plain\/baselines: cannot write there: .*is a file, not a folder/);
  assert.doesNotMatch(r.stdout, /suite nightly: baseline…/, 'no run started');
  await rm(dir, { recursive: true, force: true });
});

test('a read-only --out for compare, export k6, suite --write-baselines and up --json: exit 2 naming it, before any work', async (t) => {
  const mountPoint = await mkdtemp(path.join(os.tmpdir(), 'faultline-ro-out-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
  } catch {
    t.skip('cannot mount a read-only tmpfs here (needs root; CI runs as root)');
    await rm(mountPoint, { recursive: true, force: true });
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-ro-src-'));
  try {
    const run = path.join(dir, 'run');
    await mkdir(run);
    await writeFile(path.join(run, 'summary.json'), JSON.stringify(monzoSummary()));
    const ro = (name: string): string => path.join(mountPoint, name);
    const cases: Array<[string[], string]> = [
      [['compare', run, run, '--out', ro('cmp')], '--out'],
      [['export', 'k6', 'baseline', '--out', ro('k6')], '--out'],
      [['suite', 'nightly', '--out', path.join(dir, 'suite'), '--write-baselines', ro('baselines')], '--write-baselines'],
      [['up', '--json', ro('up/urls.json')], '--json'],
    ];
    for (const [args, flag] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${flag} ${mountPoint}/\\S+: cannot write there: ${mountPoint} is on a read-only file system \\(choose another ${flag}\\)`));
      assert.doesNotMatch(r.stderr, /ENOENT|mkdir/);
      assert.doesNotMatch(r.stdout, /suite nightly: baseline…|pipeline up/, 'no work started');
    }
  } finally {
    execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
});
