// A child process in its own process group (detached), for every replica faultline starts: a mock's
// entry file or a user's command. A terminal's Ctrl-C signals the whole foreground group, and it must
// reach only faultline, which then stops traffic, heals, checks the ledger (still up) and stops the
// replicas itself. Signals go to the replica's whole group, so a user's command that runs through a
// shell (`sh -c "npm start"`) is paused, killed or stopped with everything it started. The exit hook
// below kills what is left if faultline exits without stopping its topology.
import { spawn, type ChildProcess } from 'node:child_process';
import { guardGroup, releaseGroup } from './group-guard.ts';

export type ExitState = { code: number | null; signal: NodeJS.Signals | null };

export interface DetachedProcess {
  readonly child: ChildProcess;
  /** Its PID, which is also its process group's id (0 if it never started). */
  readonly pid: number;
  /** Resolves when it has exited (and, with `waitForGroup`, every process of its group too). */
  readonly exited: Promise<ExitState>;
  alive(): boolean;
  /** Delivers `signal` to its whole process group; throws if the group is gone. */
  signal(signal: NodeJS.Signals): void;
  /** The last `lines` lines of its output: stderr, and stdout too with `tailStdout`. */
  tail(lines?: number): string;
}

export interface DetachedOptions {
  /** Set over the parent's environment. */
  env: Record<string, string>;
  cwd: string;
  /** Keep stdout in the tail as well (a user's command: the end of everything it printed). */
  tailStdout?: boolean;
  /** `exited` waits for the whole group, bounded: a shell that started children exits before them. */
  waitForGroup?: boolean;
  /** Kill the group even if faultline is killed outright (group-guard.ts): for what is not ours to trust. */
  guard?: boolean;
}

const TAIL_CHUNKS = 60;
/** How long `exited` waits for the rest of a group after its leader exited, before SIGKILLing it. */
const GROUP_GRACE_MS = 3000;

const live = new Set<DetachedProcess>();
let exitHookInstalled = false;

/** Last resort: never leave a replica behind if the harness exits without stopping its topology. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const proc of live) killGroup(proc.pid, proc.child, 'SIGKILL');
  });
}

/** Signals the group `pgid`, or only `child` where a group cannot be signalled; false if nothing got it. */
function killGroup(pgid: number, child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  try {
    if (pgid > 0) {
      process.kill(-pgid, signal);
      return true;
    }
  } catch {
    /* no such group: fall back to the child itself */
  }
  try {
    return signal === 0 ? child.exitCode === null && child.signalCode === null : child.kill(signal);
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** After the leader exited: waits (bounded) until nothing of its group is left, SIGKILLing stragglers. */
async function groupGone(pgid: number): Promise<void> {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const until = Date.now() + GROUP_GRACE_MS;
  while (pgid > 0 && groupAlive(pgid) && Date.now() < until) await sleep(25);
  if (pgid <= 0 || !groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    return;
  }
  for (let i = 0; i < 40 && groupAlive(pgid); i++) await sleep(25);
}

export function spawnDetached(file: string, args: string[], options: DetachedOptions): DetachedProcess {
  installExitHook();
  const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const chunks: string[] = [];
  const keep = (chunk: string): void => {
    chunks.push(chunk);
    if (chunks.length > TAIL_CHUNKS) chunks.splice(0, chunks.length - TAIL_CHUNKS);
  };
  child.stderr?.setEncoding('utf8').on('data', keep);
  if (options.tailStdout) child.stdout?.setEncoding('utf8').on('data', keep);
  let exitState: ExitState | null = null;
  const pid = child.pid ?? 0;
  // 'close' comes once its output pipes are drained too: the last lines of a crash are then in the tail.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<ExitState>((resolve) => {
    const done = (state: ExitState): void => {
      if (exitState) return;
      exitState = state;
      const drained = Promise.race([closed, new Promise<void>((r) => setTimeout(r, 200))]);
      const settle = drained.then(() => (options.waitForGroup ? groupGone(pid) : undefined));
      void settle.then(() => {
        live.delete(proc);
        if (options.guard) releaseGroup(pid);
        resolve(state);
      });
    };
    child.once('exit', (code, signal) => done({ code, signal }));
    // A spawn that failed outright (no such cwd, no such file) never exits: it has ended all the same.
    child.once('error', (err) => {
      keep(`${err.message}\n`);
      if (child.pid === undefined) done({ code: null, signal: null });
    });
  });
  const proc: DetachedProcess = {
    child,
    pid,
    exited,
    alive: () => exitState === null,
    signal: (signal) => {
      if (!killGroup(pid, child, signal)) throw new Error(`process ${pid} is gone`);
    },
    tail: (lines = 8) => chunks.join('').trimEnd().split('\n').slice(-lines).join('\n'),
  };
  live.add(proc);
  if (options.guard) guardGroup(pid);
  return proc;
}
