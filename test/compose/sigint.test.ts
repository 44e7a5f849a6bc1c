// Ctrl-C must bring a compose stack down, during `up` and while it runs. The driver runs in a child
// process with a fake `docker` first on PATH (the one mock allowed here: no Docker engine can run on
// these machines), the test sends it SIGINT and checks `down` was recorded and the child exited.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeArgsFor } from '../support/child-node.mjs';
import { installFakeDocker, subcommand, waitFor, type FakeDocker } from './fixtures/fake-docker.ts';
import { startStubControlPlane, type StubControlPlane } from './fixtures/stub-control-plane.ts';

// From the suite's bundle when it runs from one (test/support/child-node.mjs), else under tsx.
const FIXTURE_ARGS = nodeArgsFor('test/compose/fixtures/run-compose-driver.ts');

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(pathEnv: string, mode = 'alone'): Child {
  const proc = spawn(process.execPath, [...FIXTURE_ARGS, mode], {
    env: { ...process.env, PATH: pathEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, stdout: () => out, stderr: () => err, exited };
}

async function exitWithin(child: Child, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.proc.kill('SIGKILL');
      reject(new Error(`child did not exit within ${ms} ms; stderr:\n${child.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('compose driver: teardown on SIGINT', () => {
  let fake: FakeDocker;
  let stub: StubControlPlane;
  const subs = (): string[] => fake.calls().map((c) => subcommand(c).sub);

  before(async () => {
    stub = await startStubControlPlane();
    fake = installFakeDocker({ port: stub.port });
  });
  beforeEach(() => fake.clear());
  after(async () => {
    fake.remove();
    await stub.close();
  });

  it('brings the stack down when SIGINT arrives during `up`', async () => {
    fake.set({ port: stub.port, upDelayMs: 30_000 });
    const child = startChild(fake.path);
    await waitFor('the child to run `compose up`', () => subs().includes('up'), 20_000);
    child.proc.kill('SIGINT');
    const exit = await exitWithin(child, 20_000);
    assert.ok(exit.signal === 'SIGINT' || (exit.code !== null && exit.code !== 0), `child exited by SIGINT or with an error, got ${JSON.stringify(exit)}`);
    assert.deepEqual(subs(), ['up', 'down'], `stderr:\n${child.stderr()}`);
    assert.deepEqual(subcommand(fake.calls()[1] ?? []).rest, ['-v', '--remove-orphans']);
    assert.ok(!child.stdout().includes('UP'));
  });

  it('brings the stack down when SIGINT arrives while it runs, and the process then ends by the signal', async () => {
    fake.set({ port: stub.port });
    const child = startChild(fake.path);
    await waitFor('the stack to be up', () => child.stdout().includes('UP'), 20_000);
    assert.ok(!subs().includes('down'));
    child.proc.kill('SIGINT');
    const exit = await exitWithin(child, 20_000);
    assert.equal(exit.signal, 'SIGINT', `stderr:\n${child.stderr()}`);
    assert.equal(subs()[0], 'up');
    assert.equal(subs().at(-1), 'down');
    assert.equal(subs().filter((s) => s === 'down').length, 1);
  });

  it('leaves the wind-down to another SIGINT handler (the CLI) that calls stop()', async () => {
    fake.set({ port: stub.port });
    const child = startChild(fake.path, 'cli-stops');
    await waitFor('the stack to be up', () => child.stdout().includes('UP'), 20_000);
    child.proc.kill('SIGINT');
    const exit = await exitWithin(child, 20_000);
    assert.equal(exit.code, 130, `stderr:\n${child.stderr()}`);
    assert.equal(subs().at(-1), 'down');
    assert.equal(subs().filter((s) => s === 'down').length, 1);
  });

  it('still brings the stack down when another handler exits the process at once', async () => {
    fake.set({ port: stub.port });
    const child = startChild(fake.path, 'cli-exits');
    await waitFor('the stack to be up', () => child.stdout().includes('UP'), 20_000);
    child.proc.kill('SIGINT');
    const exit = await exitWithin(child, 20_000);
    assert.equal(exit.code, 130, `stderr:\n${child.stderr()}`);
    assert.equal(subs().at(-1), 'down', `stderr:\n${child.stderr()}`);
    assert.match(child.stderr(), /exiting with the compose stack up/);
  });

  it('cancels a start in progress even when another handler listens (nobody else can stop it yet)', async () => {
    fake.set({ port: stub.port, upDelayMs: 30_000 });
    const child = startChild(fake.path, 'cli-waits');
    await waitFor('the child to run `compose up`', () => subs().includes('up'), 20_000);
    child.proc.kill('SIGINT');
    const exit = await exitWithin(child, 20_000);
    assert.equal(exit.code, 1, `the start failed; stderr:\n${child.stderr()}`);
    assert.match(child.stderr(), /cancelling the compose start/);
    assert.match(child.stderr(), /start failed: docker compose .* up -d --wait .* was cancelled/);
    assert.deepEqual(subs(), ['up', 'down'], `stderr:\n${child.stderr()}`);
  });

  it('brings the stack down when another handler exits the process during `up`', async () => {
    fake.set({ port: stub.port, upDelayMs: 30_000 });
    const child = startChild(fake.path, 'cli-exits');
    await waitFor('the child to run `compose up`', () => subs().includes('up'), 20_000);
    child.proc.kill('SIGINT');
    const exit = await exitWithin(child, 20_000);
    assert.equal(exit.code, 130, `stderr:\n${child.stderr()}`);
    assert.deepEqual(subs(), ['up', 'down'], `stderr:\n${child.stderr()}`);
  });
});
