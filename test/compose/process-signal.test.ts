// How process faults become docker commands, and how a container's commands are queued. The queue runs
// real `docker` commands against a fake `docker` on PATH (the one mock allowed here: no Docker engine can
// run on these machines).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeProcessSignal, composeRestart } from '../../harness/topology/compose/process-signal.ts';
import { ContainerControl } from '../../harness/topology/compose/container-control.ts';
import { classifyDockerFailure, parsePublishedPort, runDocker } from '../../harness/topology/compose/docker.ts';
import { installFakeDocker, waitFor, type FakeDocker } from './fixtures/fake-docker.ts';

describe('composeProcessSignal', () => {
  it('maps each process fault to its docker command', () => {
    assert.deepEqual(composeProcessSignal('SIGKILL'), ['kill', '-s', 'SIGKILL']);
    assert.deepEqual(composeProcessSignal('SIGTERM'), ['kill', '-s', 'SIGTERM']);
    assert.deepEqual(composeProcessSignal('SIGSTOP'), ['pause']);
    assert.deepEqual(composeProcessSignal('SIGCONT'), ['unpause']);
    assert.deepEqual(composeProcessSignal('SIGHUP'), ['kill', '-s', 'SIGHUP']);
    assert.deepEqual(composeRestart(), ['restart', '-t', '0']);
  });
});

describe('docker output and errors', () => {
  it('recognises docker saying its daemon is down, access is denied, or compose is missing', () => {
    assert.equal(classifyDockerFailure('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'), 'daemon-down');
    assert.equal(classifyDockerFailure('error during connect: Get "http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/v1.47/containers/json"'), 'daemon-down');
    assert.equal(
      classifyDockerFailure('permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock'),
      'daemon-denied',
    );
    assert.equal(classifyDockerFailure("docker: 'compose' is not a docker command."), 'compose-missing');
    assert.equal(classifyDockerFailure('docker: unknown command: docker compose'), 'compose-missing');
    assert.equal(classifyDockerFailure("unknown shorthand flag: 'f' in -f"), 'compose-missing');
    assert.equal(classifyDockerFailure('dependency failed to start: container x is unhealthy'), null);
  });

  it('reads the host port from `docker compose port`', () => {
    assert.equal(parsePublishedPort('127.0.0.1:49153\n', 'ledger-1 8080'), 49153);
    assert.throws(() => parsePublishedPort(':0\n', 'ledger-1 8080'), /printed no port/);
    assert.throws(() => parsePublishedPort('', 'ledger-1 8080'), /printed no port/);
  });
});

describe('ContainerControl with a fake docker', () => {
  let fake: FakeDocker;
  const originalPath = process.env.PATH;
  const lines: string[] = [];
  const control = (): ContainerControl => new ContainerControl('ledger-1', 'p-ledger-1-1', (args) => runDocker(args), (line) => lines.push(line));

  before(() => {
    fake = installFakeDocker({ port: 1 });
    process.env.PATH = fake.path;
  });
  beforeEach(() => {
    fake.set({ port: 1 });
    fake.clear();
    lines.length = 0;
  });
  after(() => {
    process.env.PATH = originalPath;
    fake.remove();
  });

  it('coalesces a SIGSTOP/SIGCONT cycle faster than docker into the last state asked for', async () => {
    const c = control();
    for (let i = 0; i < 20; i++) {
      c.signal('SIGSTOP');
      c.signal('SIGCONT');
    }
    c.signal('SIGSTOP');
    c.signal('SIGCONT');
    await c.idle();
    const calls = fake.calls().map((a) => a[0]);
    assert.ok(calls.length <= 4, `a few commands, not 42: ${calls.join(', ')}`);
    assert.equal(calls.at(-1), 'unpause', 'ends unpaused, as last asked');
    assert.equal(c.paused, false);
  });

  it('unpauses a paused container before killing it (docker refuses to kill a paused one)', async () => {
    const c = control();
    c.signal('SIGSTOP');
    await c.idle();
    c.signal('SIGKILL');
    await c.idle();
    assert.deepEqual(fake.calls(), [['pause', 'p-ledger-1-1'], ['unpause', 'p-ledger-1-1'], ['kill', '-s', 'SIGKILL', 'p-ledger-1-1']]);
    assert.equal(c.running, false);
    assert.throws(() => c.signal('SIGCONT'), /ledger-1 is not running/);
    await c.restart();
    assert.equal(c.running, true);
    assert.deepEqual(fake.calls().at(-1), ['restart', '-t', '0', 'p-ledger-1-1']);
  });

  it('logs a failed command instead of throwing from signal()', async () => {
    fake.set({ port: 1, fail: 'kill' });
    const c = control();
    c.signal('SIGTERM');
    await c.idle();
    await waitFor('the failure to be logged', () => lines.some((l) => /docker kill -s SIGTERM failed/.test(l)));
  });
});
