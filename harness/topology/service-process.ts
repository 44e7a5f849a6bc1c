// One service replica as a child process: spawned with tsx, ready when it prints its ready line,
// with the tail of its stderr kept so a failed start can say why.
//
// Each replica runs in its own process group (detached): a terminal's Ctrl-C signals the whole foreground
// group, and it must reach only faultline, which then stops traffic, heals, checks the ledger (still up)
// and stops the replicas itself. A replica whose parent dies exits on its own (services/common/serve.ts),
// and the exit hook below kills what is left if faultline exits without stopping its topology.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { READY_PREFIX, type ServiceProcessInfo } from '../../services/common/serve.ts';
import { serviceBundles } from './service-bundle.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');

export class ServiceStartError extends Error {
  constructor(
    readonly replica: string,
    message: string,
  ) {
    super(`${replica} failed to start: ${message}`);
  }
}

export interface SpawnSpec {
  replica: string;
  /** Entry file relative to the repository root, e.g. services/ledger/main.ts. */
  entry: string;
  config: Record<string, unknown>;
  port?: number;
  startTimeoutMs?: number;
}

export interface ServiceProcess {
  readonly replica: string;
  readonly child: ChildProcess;
  readonly info: ServiceProcessInfo;
  /** Resolves when the process has exited (with its code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  stderrTail(): string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: never leave a child behind if the harness exits without stopping its topology. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

type ExitState = { code: number | null; signal: NodeJS.Signals | null };

/** A spawned child, tracked until it exits, with the tail of its stderr kept. */
interface Spawned {
  child: ChildProcess;
  exited: Promise<ExitState>;
  alive: () => boolean;
  tail: () => string;
}

export async function startServiceProcess(spec: SpawnSpec): Promise<ServiceProcess> {
  installExitHook();
  const bundle = (await serviceBundles())?.get(spec.entry);
  const args = bundle ? [bundle] : ['--import', TSX, path.join(ROOT, spec.entry)];
  const spawned = spawnDetached(args, {
    FAULTLINE_CONFIG: JSON.stringify(spec.config),
    FAULTLINE_PORT: String(spec.port ?? 0),
    NODE_OPTIONS: '',
  });
  const info = await waitForReadyLine(spec, spawned);
  return { replica: spec.replica, child: spawned.child, info, exited: spawned.exited, alive: spawned.alive, stderrTail: spawned.tail };
}

/** Runs node with `args` in its own process group (see the top of this file). */
function spawnDetached(args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 40) stderr.splice(0, stderr.length - 40);
  });
  let exitState: ExitState | null = null;
  const exited = new Promise<ExitState>((resolve) => {
    child.once('exit', (code, signal) => {
      exitState = { code, signal };
      live.delete(child);
      resolve(exitState);
    });
  });
  const tail = (): string => stderr.join('').trim().split('\n').slice(-8).join('\n');
  return { child, exited, alive: () => exitState === null, tail };
}

/** Resolves with what the process announces on its ready line; rejects naming the replica if it exits or times out first. */
function waitForReadyLine(spec: SpawnSpec, { child, exited, alive, tail }: Spawned): Promise<ServiceProcessInfo> {
  return new Promise<ServiceProcessInfo>((resolve, reject) => {
    let buffer = '';
    let settled = false;
    const timeoutMs = spec.startTimeoutMs ?? 15000;
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (alive()) child.kill('SIGKILL');
      const detail = tail();
      reject(new ServiceStartError(spec.replica, detail ? `${why}\n${detail}` : why));
    };
    child.once('error', (err) => fail(err.message));
    void exited.then(({ code, signal }) => {
      // Give stderr a moment to arrive so the error says why.
      setTimeout(() => fail(`exited with ${signal ?? `code ${code}`} before it was ready`), 50);
    });
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (settled) return;
      buffer += chunk;
      const at = buffer.indexOf(READY_PREFIX);
      if (at === -1) return;
      const end = buffer.indexOf('\n', at);
      if (end === -1) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.resume();
      resolve(JSON.parse(buffer.slice(at + READY_PREFIX.length, end)) as ServiceProcessInfo);
    });
  });
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export async function stopServiceProcess(proc: ServiceProcess, graceMs = 3000): Promise<void> {
  if (!proc.alive()) return;
  try {
    proc.child.kill('SIGCONT'); // a paused process cannot handle SIGTERM
    proc.child.kill('SIGTERM');
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      proc.child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  await proc.exited;
  clearTimeout(timer);
}
