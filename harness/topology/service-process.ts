// One mock service replica as a child process: its pre-bundled entry (or its sources under tsx), in its
// own process group (detached-process.ts), ready when it prints its ready line, with the tail of its
// stderr kept so a failed start can say why. A replica whose parent dies exits on its own
// (services/common/serve.ts).
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { READY_PREFIX, type ServiceProcessInfo } from '../../services/common/serve.ts';
import { spawnDetached, type DetachedProcess, type ExitState } from './detached-process.ts';
import { CODE_CACHE_LOADER, serviceBundles, serviceValidatorCache } from './service-bundle.ts';

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
  /** Aborting it stops waiting: the process is killed and the start fails. */
  signal?: AbortSignal;
}

/** A replica's process that announced itself ready (a mock's, or a user's command). */
export interface ServiceProcess {
  readonly replica: string;
  readonly child: DetachedProcess['child'];
  readonly info: ServiceProcessInfo;
  /** Resolves when the process has exited (with its code or signal). */
  readonly exited: Promise<ExitState>;
  alive(): boolean;
  /** Delivers a signal to its whole process group; throws if it is gone. */
  signal(signal: NodeJS.Signals): void;
  /** The end of its output (stderr for a mock; stdout and stderr for a user's command). */
  stderrTail(): string;
}

/** A ServiceProcess over a started process, with what it announced. */
export function serviceProcessOf(replica: string, proc: DetachedProcess, info: ServiceProcessInfo): ServiceProcess {
  return { replica, child: proc.child, info, exited: proc.exited, alive: proc.alive, signal: proc.signal, stderrTail: () => proc.tail() };
}

/**
 * Node flags for every service process (and the fault proxy) from FAULTLINE_NODE_OPTIONS, split on
 * whitespace: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` profiles each of them (written when it exits).
 * NODE_OPTIONS itself is not passed on: the parent's (tsx's loader, a test runner's flags) is not theirs.
 */
export function serviceNodeFlags(raw = process.env.FAULTLINE_NODE_OPTIONS): string[] {
  return (raw ?? '').split(/\s+/).filter((flag) => flag.length > 0);
}

/**
 * The mocks and the fault proxy speak plain HTTP on 127.0.0.1 and never open a TLS connection, so they skip
 * loading the extra CA certificates a machine may name in NODE_EXTRA_CA_CERTS: Node reads and parses that
 * file at every process start, before any code runs (144 certificates on the README's machine: 60-90 ms of
 * CPU per process, 8 processes per topology). Empty means "none" to Node. A replacement service started from
 * the user's own command keeps the user's environment as it is.
 */
const NO_TLS_SETUP: Readonly<Record<string, string>> = { NODE_EXTRA_CA_CERTS: '' };

/**
 * How a catalogue service's entry is started: Node's arguments (from its bundle through the code-cache loader,
 * or the source under tsx when bundling is off or failed) and the variables set over the parent's environment.
 * The one recipe for a topology's processes and for tests that start a service on its own.
 */
export async function serviceCommand(entry: string, config: unknown, port = 0): Promise<{ args: string[]; env: Record<string, string> }> {
  const bundle = (await serviceBundles())?.get(entry);
  const validators = bundle ? await serviceValidatorCache() : null;
  const args = [...serviceNodeFlags(), ...(bundle ? [CODE_CACHE_LOADER, bundle] : ['--import', TSX, path.join(ROOT, entry)])];
  const env: Record<string, string> = { FAULTLINE_CONFIG: JSON.stringify(config), FAULTLINE_PORT: String(port), NODE_OPTIONS: '', ...NO_TLS_SETUP };
  // A bundled service loads the validators Ajv generated at an earlier start (services/common/validator-cache.ts).
  if (validators) env.FAULTLINE_VALIDATOR_CACHE = validators;
  return { args, env };
}

export async function startServiceProcess(spec: SpawnSpec): Promise<ServiceProcess> {
  const { args, env } = await serviceCommand(spec.entry, spec.config, spec.port ?? 0);
  const proc = spawnDetached(process.execPath, args, { env, cwd: ROOT });
  return serviceProcessOf(spec.replica, proc, await waitForReadyLine(spec, proc));
}

/** Resolves with what the process announces on its ready line; rejects naming the replica if it exits or times out first. */
function waitForReadyLine(spec: SpawnSpec, { child, exited, alive, signal: kill, tail }: DetachedProcess): Promise<ServiceProcessInfo> {
  return new Promise<ServiceProcessInfo>((resolve, reject) => {
    let buffer = '';
    let settled = false;
    const timeoutMs = spec.startTimeoutMs ?? 15000;
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (alive()) kill('SIGKILL');
      const detail = tail();
      reject(new ServiceStartError(spec.replica, detail ? `${why}\n${detail}` : why));
    };
    child.once('error', (err) => fail(err.message));
    const abort = (): void => fail('interrupted while it was starting');
    if (spec.signal?.aborted) abort();
    spec.signal?.addEventListener('abort', abort, { once: true });
    void exited.then(() => spec.signal?.removeEventListener('abort', abort));
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
      spec.signal?.removeEventListener('abort', abort);
      child.stdout?.resume();
      resolve(JSON.parse(buffer.slice(at + READY_PREFIX.length, end)) as ServiceProcessInfo);
    });
  });
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export async function stopServiceProcess(proc: ServiceProcess, graceMs = 3000): Promise<void> {
  if (!proc.alive()) return void (await proc.exited); // a command's group may still be winding down
  try {
    proc.signal('SIGCONT'); // a paused process cannot handle SIGTERM
    proc.signal('SIGTERM');
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      proc.signal('SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  await proc.exited;
  clearTimeout(timer);
}
