// A replica of a user's own service, started by command: `/bin/sh -c <command>` in its own process group
// (taken down even if faultline dies outright: group-guard.ts), told its port and neighbours in
// environment variables (replacement-env.ts), and ready when its health route answers GET 200 — or when
// it prints the mocks' ready line (`FAULTLINE_READY {...}`), whichever comes first.
// When it exits first or stays unhealthy past its bound, the error names the replica and shows the end of
// its output (stdout and stderr), and nothing of it is left running.
import { existsSync } from 'node:fs';
import { READY_PREFIX } from '../../services/common/serve.ts';
import { spawnDetached, type DetachedProcess } from './detached-process.ts';
import { freePort, waitForHealth } from './health.ts';
import { portEnvironment } from './replacement-env.ts';
import { loopbackUrl, settleWithin } from './replica.ts';
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
}

const TAIL_LINES = 20;

/** Starts one replica listening on `port` (0: faultline picks a free one); resolves once it is ready. */
export async function startCommandProcess(spec: CommandSpec, port: number): Promise<ServiceProcess> {
  if (!existsSync(spec.cwd)) throw new ServiceStartError(spec.replica, `${what(spec)}: its cwd ${spec.cwd} does not exist`);
  const chosen = port || (await freePort());
  const proc = spawnDetached('/bin/sh', ['-c', spec.command], {
    env: { ...spec.env, ...portEnvironment(chosen) },
    cwd: spec.cwd,
    tailStdout: true,
    waitForGroup: true,
    guard: true,
  });
  try {
    const announced = await ready(spec, proc, chosen);
    return serviceProcessOf(spec.replica, proc, { service: spec.service, replica: spec.replica, port: announced ?? chosen, pid: proc.pid });
  } catch (err) {
    if (proc.alive()) {
      try {
        proc.signal('SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
    await settleWithin(proc.exited, 5000);
    const tail = proc.tail(TAIL_LINES);
    const output = tail ? `\n--- the end of its output (stdout and stderr) ---\n${tail}` : '\n(it printed nothing)';
    throw new ServiceStartError(spec.replica, `${what(spec)}: ${(err as Error).message}${output}`);
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
  try {
    return await Promise.race([health, readyLine(proc, stop.signal), exit]);
  } finally {
    stop.abort();
    health.catch(() => {});
    exit.catch(() => {});
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
