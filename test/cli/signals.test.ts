// The second Ctrl-C exits at once (exit 130, through the exit hook) even when it arrives after the command has
// wound down and released its handler, in the moments before its process ends: it once met Node's default
// action there and died of the signal, skipping the hook (test/cli/interrupt.test.ts saw it as exit null).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { nodeArgsFor } from '../support/child-node.mjs';
import { waitFor } from '../support/processes.ts';

interface Started {
  child: ReturnType<typeof spawn>;
  output: () => string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** The fixture, started and ready for its first Ctrl-C; after it, it lingers `lingerMs` before it ends. */
async function start(lingerMs: number): Promise<Started> {
  const child = spawn(process.execPath, [...nodeArgsFor('test/cli/fixtures/interrupt-release.ts'), String(lingerMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    await waitFor(() => out.includes('ready'), 30_000, 'the child to be ready');
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { child, output: () => out, exited };
}

test('a second Ctrl-C after the command released its handler still exits at once: 130, saying so', { timeout: 60_000 }, async () => {
  const { child, output, exited } = await start(20_000);
  try {
    child.kill('SIGINT');
    await waitFor(() => output().includes('released'), 10_000, 'the handler to be released');
    // Past the window in which a repeated delivery counts as the same Ctrl-C.
    await new Promise((r) => setTimeout(r, 1200));
    child.kill('SIGINT');
    const [code, signal] = await exited;
    assert.equal(signal, null, `died of ${signal}:\n${output()}`);
    assert.equal(code, 130, output());
    assert.match(output(), /SIGINT again: exiting now/);
    assert.doesNotMatch(output(), /ended/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('one Ctrl-C: the command winds down and its process ends on its own', { timeout: 60_000 }, async () => {
  const { child, output, exited } = await start(500);
  try {
    child.kill('SIGINT');
    const [code, signal] = await exited;
    assert.deepEqual([code, signal], [0, null], output());
    assert.match(output(), /released[\s\S]*ended/);
  } finally {
    child.kill('SIGKILL');
  }
});
