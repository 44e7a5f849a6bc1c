// A replica of a user's own service, started by command: `/bin/sh -c <command>` in its own process group
// (taken down even if faultline dies outright: group-guard.ts), told its port and neighbours in
// environment variables (replacement-env.ts), and ready when its health route answers GET 200 — or when
// it prints the mocks' ready line (`FAULTLINE_READY {...}`), whichever comes first.
// When it exits first or stays unhealthy past its bound, the error names the replica and shows the end of
// its output (stdout and stderr), and nothing of it is left running. What answered must be the replica:
// the socket on its port must belong to its process group (port-owner.ts), or faultline tries another
// port (when it picked this one) or fails naming the replica and the process that holds the port.
import { existsSync } from 'node:fs';
import { READY_PREFIX } from '../../services/common/serve.ts';
import { spawnDetached, type DetachedProcess } from './detached-process.ts';
import { freePort, waitForHealth } from './health.ts';
import { portEnvironment } from './replacement-env.ts';
import { portOwner } from './port-owner.ts';
import { loopbackUrl, settleWithin, sleep } from './replica.ts';
import { serviceProcessOf, ServiceStartError, type ServiceProcess } from './service-process.ts';
import type { ServiceName } from './types.ts';

export interface CommandSpec {
  replica: string;
  service: ServiceName;
  command: string;
  cwd: string;
  /** The documented variables and the user's own; the port variables are added per start. */
  env: Record<string, string>;
  /** The health route, e.g. /health. */
  health: string;
  readyTimeoutMs: number;
  /** Aborting it stops waiting for the replica to be ready: it is killed and the start fails. */
  signal?: AbortSignal;
  /** Where a retry on another port is told. */
  log?: (line: string) => void;
}

const TAIL_LINES = 20;

/** Ports tried when faultline picks them and another process takes each before the replica binds it. */
export const PORT_ATTEMPTS = 3;
/** How long a replica that announced itself ready may take to be seen listening on its port. */
const LISTEN_GRACE_MS = 2000;

/** The port faultline picked for the replica was taken by another process. */
class PortTaken extends Error {}

/**
 * Starts one replica listening on `port` (0: faultline picks a free one); resolves once it is ready and
 * the socket on its port is its own (port-owner.ts). A port faultline picked that another process took
 * is given up for another, PORT_ATTEMPTS times; a port it was told to use (a restart on the same port)
 * is not.
 */
export async function startCommandProcess(spec: CommandSpec, port: number): Promise<ServiceProcess> {
  if (!existsSync(spec.cwd)) throw new ServiceStartError(spec.replica, `${what(spec)}: its cwd ${spec.cwd} does not exist`);
  for (let attempt = 1; ; attempt++) {
    const chosen = port || (await freePort());
    const started = await startOn(spec, chosen);
    if (!(started instanceof Error)) return started;
    const taken = started.cause instanceof PortTaken;
    if (taken && port === 0 && attempt < PORT_ATTEMPTS && !spec.signal?.aborted) {
      spec.log?.(`${spec.replica}: ${started.cause instanceof Error ? started.cause.message : ''}; starting it again on another port`);
      continue;
    }
    const tried = taken && port === 0 && attempt > 1 ? ` (faultline picked ${attempt} ports in turn; another process took each)` : '';
    throw new ServiceStartError(spec.replica, `${what(spec)}: ${started.message}${tried}`);
  }
}

/** One start on `port`: the ready replica, or an Error (its cause a PortTaken when the port was another process's), nothing left running. */
async function startOn(spec: CommandSpec, port: number): Promise<ServiceProcess | Error> {
  const proc = spawnDetached('/bin/sh', ['-c', spec.command], {
    env: { ...spec.env, ...portEnvironment(port) },
    cwd: spec.cwd,
    tailStdout: true,
    waitForGroup: true,
    guard: true,
  });
  try {
    const listening = (await ready(spec, proc, port)) ?? port;
    await ownPort(listening, proc);
    return serviceProcessOf(spec.replica, proc, { service: spec.service, replica: spec.replica, port: listening, pid: proc.pid });
  } catch (err) {
    // A replica whose port another process holds usually fails to listen and says so as it exits: give it
    // that moment, so the error can show its own words, then stop whatever is left.
    if (err instanceof PortTaken) await settleWithin(proc.exited, LISTEN_GRACE_MS);
    if (proc.alive()) {
      try {
        proc.signal('SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
    await settleWithin(proc.exited, 5000);
    let reason = err as Error;
    if (!(reason instanceof PortTaken)) {
      // It may have failed because another process had taken its port (and it could not listen).
      const owner = await portOwner(port, proc.pid).catch(() => null);
      if (owner?.kind === 'other') reason = new PortTaken(`port ${port} was taken by another process, ${owner.holder}, so the replica could not listen on it (${reason.message})`);
    }
    const tail = proc.tail(TAIL_LINES);
    const output = tail ? `\n--- the end of its output (stdout and stderr) ---\n${tail}` : '\n(it printed nothing)';
    return new Error(`${reason.message}${output}`, { cause: reason });
  }
}

/** Resolves once the socket listening on `port` is the replica's; a PortTaken when another process holds it. */
async function ownPort(port: number, proc: DetachedProcess): Promise<void> {
  const until = Date.now() + LISTEN_GRACE_MS;
  for (;;) {
    const owner = await portOwner(port, proc.pid);
    if (owner.kind === 'group' || owner.kind === 'unknown') return;
    if (owner.kind === 'other') {
      throw new PortTaken(`port ${port} is held by another process, ${owner.holder}, not by this replica (process group ${proc.pid}): what answered there was not the replica`);
    }
    if (Date.now() >= until) throw new Error(`it said it was ready on port ${port}, but nothing listens there on 127.0.0.1`);
    if (!proc.alive()) throw new Error('it exited right after it said it was ready');
    await sleep(50);
  }
}

function what(spec: CommandSpec): string {
  return `${spec.service} replaced by command "${spec.command}"`;
}

/** Resolves when healthy (undefined) or announced on a ready line (its port, if it said); rejects on exit or timeout. */
async function ready(spec: CommandSpec, proc: DetachedProcess, port: number): Promise<number | undefined> {
  const stop = new AbortController();
  const url = `${loopbackUrl(port)}${spec.health}`;
  const bound = `${Math.round(spec.readyTimeoutMs / 100) / 10} s`;
  const health = waitForHealth({ url, timeoutMs: spec.readyTimeoutMs, cancel: stop.signal }).then((r) => {
    if (r.healthy) return undefined;
    throw new Error(`GET ${url} did not answer 200 within ${bound} (last: ${r.last}), and it printed no ready line`);
  });
  const exit = proc.exited.then(({ code, signal }) => {
    throw new Error(`it exited with ${signal ?? `code ${code}`} before it was healthy`);
  });
  let onAbort = (): void => {};
  const interrupted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error('interrupted while it was starting'));
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([health, readyLine(proc, stop.signal), exit, interrupted]);
  } finally {
    stop.abort();
    spec.signal?.removeEventListener('abort', onAbort);
    health.catch(() => {});
    exit.catch(() => {});
    interrupted.catch(() => {});
  }
}

/** The port announced on a `FAULTLINE_READY {...}` line (undefined if it named none); never settles without one. */
function readyLine(proc: DetachedProcess, cancel: AbortSignal): Promise<number | undefined> {
  return new Promise((resolve) => {
    let buffer = '';
    const onData = (chunk: string): void => {
      buffer = (buffer + chunk).slice(-65_536);
      const at = buffer.indexOf(READY_PREFIX);
      const end = at === -1 ? -1 : buffer.indexOf('\n', at);
      if (end === -1) return;
      proc.child.stdout?.off('data', onData);
      let port: unknown;
      try {
        port = (JSON.parse(buffer.slice(at + READY_PREFIX.length, end)) as { port?: unknown }).port;
      } catch {
        port = undefined; // a ready line whose details are not JSON still says it is ready
      }
      resolve(typeof port === 'number' && Number.isInteger(port) && port > 0 ? port : undefined);
    };
    proc.child.stdout?.setEncoding('utf8').on('data', onData);
    cancel.addEventListener('abort', () => proc.child.stdout?.off('data', onData), { once: true });
  });
}
