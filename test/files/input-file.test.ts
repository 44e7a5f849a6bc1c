// Item 2 and 4 of issue 21: an input is bounded before it is read whole, and a named pipe is read on the
// event loop with a deadline on every wait and an abort signal (real FIFOs made with mkfifo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputFileError, readInputText, ReadInterruptedError } from '../../harness/files/input-file.ts';

async function fifo(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-fifo-'));
  const file = path.join(dir, 'pipe');
  execFileSync('mkfifo', [file]);
  return { dir, file };
}

const LIMITS = { maxBytes: 1024, what: 'a test input' };

test('a named pipe nobody writes to fails after its deadline, naming the pipe (and does not block the event loop)', async () => {
  const { dir, file } = await fifo();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  const started = performance.now();
  await assert.rejects(readInputText(file, { ...LIMITS, idleTimeoutMs: 300 }), (err: unknown) => {
    assert.ok(err instanceof InputFileError);
    assert.match(err.message, /pipe: nothing arrived on this pipe for 0\.3 s \(is anything writing to it\?\)/);
    return true;
  });
  const took = performance.now() - started;
  clearInterval(ticker);
  assert.ok(took >= 280 && took < 5000, `failed after ${took} ms`);
  assert.ok(ticks >= 5, `timers kept running while it waited (${ticks} ticks)`);
  await rm(dir, { recursive: true, force: true });
});

test('an abort (Ctrl-C) stops the wait on a silent pipe at once', async () => {
  const { dir, file } = await fifo();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = performance.now();
  await assert.rejects(readInputText(file, { ...LIMITS, idleTimeoutMs: 60_000, signal: controller.signal }), ReadInterruptedError);
  assert.ok(performance.now() - started < 5000);
  await rm(dir, { recursive: true, force: true });
});

test('a pipe that is written is read whole; one that sends more than the bound is refused', async () => {
  const { dir, file } = await fifo();
  const writer = spawn('sh', ['-c', `sleep 0.2; printf 'hello\\nworld\\n' > '${file}'`]);
  assert.equal(await readInputText(file, { ...LIMITS, idleTimeoutMs: 10_000 }), 'hello\nworld\n');
  await new Promise((r) => writer.once('exit', r));
  const flood = spawn('sh', ['-c', `head -c 100000 /dev/zero > '${file}'`]);
  await assert.rejects(readInputText(file, { ...LIMITS, idleTimeoutMs: 10_000 }), /more than 1\.0 KiB arrived on this pipe, more than a test input may be/);
  flood.kill();
  await rm(dir, { recursive: true, force: true });
});

test('a regular file larger than the bound is refused before it is read; a folder or a device is refused by name', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-bound-'));
  const big = path.join(dir, 'big.yaml');
  await writeFile(big, Buffer.alloc(5000, 0x61));
  await assert.rejects(readInputText(big, LIMITS), /big\.yaml: is 4\.9 KiB, larger than a test input may be \(1\.0 KiB\): refused before reading it/);
  await assert.rejects(readInputText(dir, LIMITS), /is a folder, not a test input/);
  await assert.rejects(readInputText('/dev/zero', LIMITS), /\/dev\/zero: is not a regular file/);
  await assert.rejects(readInputText(path.join(dir, 'missing'), LIMITS), /missing: no such file/);
  await rm(dir, { recursive: true, force: true });
});
