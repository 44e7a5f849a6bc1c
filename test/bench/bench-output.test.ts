// `npm run bench` changes no tracked file: its output lands in the ignored reports/bench/runs/, the
// committed snapshot is only written on purpose, and the exit code says whether a target was missed.
// Runs the quick `report` section in a committed copy of the working tree; asserts no timing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyCheckout, type CheckoutCopy } from './checkout-copy.ts';

function bench(copy: CheckoutCopy, ...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', 'run.ts'), ...args], { cwd: copy.dir, encoding: 'utf8', timeout: 150_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('npm run bench: output and exit code', () => {
  let copy: CheckoutCopy;
  before(() => {
    copy = copyCheckout();
  });
  after(() => copy?.remove());

  it('a quick run writes under the ignored reports/bench/runs/ and leaves git status clean', () => {
    assert.equal(copy.git('status', '--porcelain'), '', 'the copy starts clean');
    const r = bench(copy, '--quick', 'report');
    assert.ok(r.status === 0 || r.status === 1, `bench exits 0 (met) or 1 (missed), got ${r.status}:\n${r.stderr}`);

    assert.equal(copy.git('status', '--porcelain'), '', 'no tracked file changed and nothing untracked appeared outside ignored folders');
    const runs = path.join(copy.dir, 'reports', 'bench', 'runs');
    const folders = readdirSync(runs);
    assert.equal(folders.length, 1, `one run folder, got ${folders.join(', ')}`);
    const folder = path.join(runs, folders[0] as string);
    assert.match(folders[0] as string, /-quick$/);
    assert.ok(existsSync(path.join(folder, 'bench.md')));
    const ignored = copy.git('check-ignore', path.relative(copy.dir, path.join(folder, 'bench.json'))).trim();
    assert.equal(ignored, path.join('reports', 'bench', 'runs', folders[0] as string, 'bench.json'));

    const result = JSON.parse(readFileSync(path.join(folder, 'bench.json'), 'utf8')) as {
      quick: boolean;
      sections: string[];
      figures: Record<string, { met: boolean }>;
      missed: string[];
      errors: string[];
    };
    assert.equal(result.quick, true);
    assert.deepEqual(result.sections, ['report']);
    assert.deepEqual(result.errors, []);
    assert.ok('report.html_bytes' in result.figures);
    // The exit code follows the figures, whatever the machine made of them.
    const anyMissed = Object.values(result.figures).some((f) => !f.met);
    assert.equal(result.missed.length > 0, anyMissed);
    assert.equal(r.status, anyMissed ? 1 : 0);
    if (anyMissed) assert.match(r.stderr, /MISSED TARGETS:/);
    else assert.match(r.stderr, /every target met/);
    // The committed snapshot was not touched (git status above), and no old latest.* came back.
    assert.ok(!existsSync(path.join(copy.dir, 'reports', 'bench', 'latest.json')));
  });

  it('refuses a quick or partial snapshot with exit 2, before running anything', () => {
    for (const args of [['--snapshot', '--quick'], ['--snapshot', 'report'], ['--no-such-flag'], ['no-such-section']]) {
      const r = bench(copy, ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /usage: npm run bench/);
    }
    assert.equal(copy.git('status', '--porcelain'), '');
  });
});
