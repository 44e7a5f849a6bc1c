// The test runner's slots for files that run whole pipelines (test/support/pipeline-slot.mjs): real processes
// preloading the module, as test/run.mjs starts test files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/cli.ts';
import { bundled } from '../support/child-node.mjs';

// The preload as the runner gives it: from the suite's bundle when it runs from one, else the source (under tsx).
const SLOT_MODULE = bundled('test/support/pipeline-slot.mjs');
const SLOT_ARGS = SLOT_MODULE ? ['--import', SLOT_MODULE] : ['--import', 'tsx', '--import', path.join(ROOT, 'test/support/pipeline-slot.mjs')];

/** A "test file" that says when it started and ended, holding its slot for `holdMs`. */
const FILE = `const hold = Number(process.argv[2]);
console.log('start', Date.now());
await new Promise((r) => setTimeout(r, hold));
console.log('end', Date.now());
`;

interface Span {
  start: number;
  end: number;
  code: number | null;
}

function runFile(file: string, env: Record<string, string>, holdMs: number): Promise<Span> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...SLOT_ARGS, file, String(holdMs)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(kill);
      const at = (word: string) => Number(new RegExp(`^${word} (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
      resolve({ start: at('start'), end: at('end'), code });
    });
  });
}

test('at most two heavy files hold a slot at once; the third waits for one to end, a file not named heavy never waits', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-slot-test-'));
  try {
    const file = path.join(dir, 'heavy.test.mjs');
    const lightFile = path.join(dir, 'light.test.mjs');
    await writeFile(file, FILE);
    await writeFile(lightFile, FILE);
    const env = { FAULTLINE_TEST_SLOTS: path.join(dir, 'slots'), FAULTLINE_TEST_HEAVY: 'heavy.test.mjs', FAULTLINE_TEST_HEAVY_SLOTS: '2' };
    const spans = await Promise.all([runFile(file, env, 1500), runFile(file, env, 1500), runFile(file, env, 1500), runFile(lightFile, env, 1500)]);
    for (const s of spans) assert.equal(s.code, 0);
    const heavy = spans.slice(0, 3).sort((a, b) => a.start - b.start);
    const [first, second, third] = heavy as [Span, Span, Span];
    // The third started only after one of the first two had ended (each held its slot 1.5 s).
    assert.ok(third.start >= Math.min(first.end, second.end), JSON.stringify(heavy));
    // At no moment were three heavy files running.
    for (const s of heavy) assert.ok(heavy.filter((o) => o.start <= s.start && o.end > s.start).length <= 2, JSON.stringify(heavy));
    // The light file ran beside the first two at once.
    const light = spans[3] as Span;
    assert.ok(light.start < first.end && light.start < second.end, JSON.stringify({ light, heavy }));
    // Every slot was given back.
    assert.deepEqual(await readdir(env.FAULTLINE_TEST_SLOTS), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a slot whose holder is gone is taken over at once', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-slot-test-'));
  try {
    const file = path.join(dir, 'heavy.test.mjs');
    await writeFile(file, FILE);
    const slots = path.join(dir, 'slots');
    // A holder that has exited: its pid is no longer a process.
    const gone = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => gone.on('exit', () => resolve(gone.pid as number)));
    await mkdir(slots);
    await writeFile(path.join(slots, 'slot-0'), String(deadPid));
    // The only slot is held by a dead process; the file must not wait for the 20-minute bound.
    const began = Date.now();
    const span = await runFile(file, { FAULTLINE_TEST_SLOTS: slots, FAULTLINE_TEST_HEAVY: 'heavy.test.mjs', FAULTLINE_TEST_HEAVY_SLOTS: '1' }, 10);
    assert.equal(span.code, 0);
    assert.ok(span.start - began < 10_000, `started ${span.start - began} ms after it was run`);
    assert.deepEqual(await readdir(slots), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
