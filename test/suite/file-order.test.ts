// The order test/run.mjs starts test files in (test/support/file-order.mjs): longest first by the measured
// table, a file the table does not know at the median, and a missing or damaged table never stops the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { longestFirst, readFileTimes } from '../support/file-order.mjs';
import { ROOT } from '../support/cli.ts';

test('longest first; an unknown file at the median; equal times by name', () => {
  const times = new Map([
    ['a.test.ts', 5],
    ['b.test.ts', 60],
    ['c.test.ts', 20],
    ['d.test.ts', 20],
  ]);
  assert.deepEqual(longestFirst(['a.test.ts', 'new.test.ts', 'd.test.ts', 'b.test.ts', 'c.test.ts'], times), [
    'b.test.ts',
    'c.test.ts',
    'd.test.ts',
    'new.test.ts',
    'a.test.ts',
  ]);
  assert.deepEqual(longestFirst(['z.test.ts', 'y.test.ts'], new Map()), ['y.test.ts', 'z.test.ts']);
});

test('a missing, damaged or odd table reads as what it can: nothing, or its numbers only', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-file-order-'));
  try {
    assert.equal(readFileTimes(path.join(dir, 'absent.json')).size, 0);
    await writeFile(path.join(dir, 'damaged.json'), '{"wall_s": {"a.test.ts": 3');
    assert.equal(readFileTimes(path.join(dir, 'damaged.json')).size, 0);
    await writeFile(path.join(dir, 'odd.json'), JSON.stringify({ wall_s: { 'a.test.ts': 3, 'b.test.ts': 'slow', 'c.test.ts': -1, 'd.test.ts': null } }));
    assert.deepEqual([...readFileTimes(path.join(dir, 'odd.json'))], [['a.test.ts', 3]]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the suite's own table names test files by their path from the checkout, with wall seconds", () => {
  const times = readFileTimes(path.join(ROOT, 'test/support/file-times.json'));
  assert.ok(times.size > 100, `${times.size} files in the table`);
  for (const [file, seconds] of times) {
    assert.match(file, /^test\/.+\.test\.ts$/);
    assert.ok(seconds >= 0 && seconds < 600, `${file}: ${seconds}`);
  }
});
