// Runs the `docker` CLI (and `docker compose`) through execa, and turns its failures into errors that say
// what to do: Docker missing, its daemon not running, or the compose plugin absent.
import { execa, execaSync, ExecaError } from 'execa';

export type DockerUnavailableReason = 'missing' | 'daemon-down' | 'daemon-denied' | 'compose-missing';

const EMBEDDED_HINT = 'Or run without Docker: the embedded mode (--mode embedded, the default) runs the same scenario as local processes.';

/** Docker cannot be used at all here: nothing was started, so there is nothing to tear down. */
export class DockerUnavailableError extends Error {
  constructor(
    readonly reason: DockerUnavailableReason,
    detail: string,
  ) {
    super(`${describe(reason, detail)}\n${EMBEDDED_HINT}`);
    this.name = 'DockerUnavailableError';
  }
}

/** A docker command ran and failed (a container did not get healthy, a bad compose file, ...). */
export class DockerCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
    reason: string,
  ) {
    super(`docker ${args.join(' ')} ${reason}${stderr ? `:\n${tail(stderr)}` : ''}`);
    this.name = 'DockerCommandError';
  }
}

function describe(reason: DockerUnavailableReason, detail: string): string {
  switch (reason) {
    case 'missing':
      return 'Compose mode needs Docker, but the `docker` command was not found on PATH. Install Docker Engine (or Docker Desktop) with the compose plugin, then check `docker compose version`.';
    case 'daemon-down':
      return `Compose mode needs a running Docker daemon, and docker cannot reach one (${detail}). Start it (\`sudo systemctl start docker\`, or open Docker Desktop), then check \`docker info\`.`;
    case 'daemon-denied':
      return `Docker refused access to its daemon (${detail}). Add your user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again), then check \`docker info\`.`;
    case 'compose-missing':
      return `Compose mode needs the Docker Compose v2 plugin (\`docker compose\`), and this docker has none (${detail}). Install it (package docker-compose-plugin), then check \`docker compose version\`.`;
  }
}

function tail(text: string, lines = 20): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Recognises docker's own words for "no daemon" and "no compose plugin" in a failed command's stderr. */
export function classifyDockerFailure(stderr: string): DockerUnavailableReason | null {
  if (/permission denied while trying to connect to the docker (daemon|API)/i.test(stderr)) return 'daemon-denied';
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i.test(stderr)) return 'daemon-down';
  if (/'compose' is not a docker command|unknown command:? "?(docker )?compose|unknown shorthand flag: 'f' in -f/i.test(stderr)) return 'compose-missing';
  return null;
}

export interface DockerRunOptions {
  /** Extra environment for docker (merged over this process's). */
  env?: Record<string, string>;
  /** Kill the command past this (default 120 s). */
  timeoutMs?: number;
  /** Abort the command (e.g. on Ctrl-C during `up`). */
  cancelSignal?: AbortSignal;
}

/** Runs `docker <args>` and returns its stdout; throws DockerUnavailableError or DockerCommandError. */
export async function runDocker(args: readonly string[], options: DockerRunOptions = {}): Promise<string> {
  try {
    const result = await execa('docker', args, {
      env: options.env,
      timeout: options.timeoutMs ?? 120_000,
      cancelSignal: options.cancelSignal,
      stdin: 'ignore',
    });
    return result.stdout;
  } catch (err) {
    if (!(err instanceof ExecaError)) throw err;
    if (err.code === 'ENOENT') throw new DockerUnavailableError('missing', 'docker not found');
    const stderr = typeof err.stderr === 'string' ? err.stderr : '';
    const reason = classifyDockerFailure(stderr);
    if (reason) throw new DockerUnavailableError(reason, firstLine(stderr));
    if (err.isCanceled) throw new DockerCommandError(args, err.exitCode, stderr, 'was cancelled');
    if (err.timedOut) throw new DockerCommandError(args, err.exitCode, stderr, `timed out after ${options.timeoutMs ?? 120_000} ms`);
    throw new DockerCommandError(args, err.exitCode, stderr, `failed with exit code ${err.exitCode ?? 'unknown'}`);
  }
}

/** One compose project: its files (in merge order), its name, and the variables its files interpolate. */
export interface ComposeProject {
  files: readonly string[];
  name: string;
  env: Record<string, string>;
}

/** `docker compose -f <file>... -p <name> <args>`. */
export function composeArgs(project: ComposeProject, args: readonly string[]): string[] {
  return ['compose', ...project.files.flatMap((f) => ['-f', f]), '-p', project.name, ...args];
}

/** Runs `docker compose -f ... -p <name> <args>` with the project's variables. */
export function runCompose(project: ComposeProject, args: readonly string[], options: DockerRunOptions = {}): Promise<string> {
  return runDocker(composeArgs(project, args), { ...options, env: { ...project.env, ...options.env } });
}

/** Blocking `docker compose ... <args>`, for a process's exit hook; returns whether it succeeded. */
export function runComposeSync(project: ComposeProject, args: readonly string[], timeoutMs = 120_000): boolean {
  const result = execaSync('docker', composeArgs(project, args), { env: project.env, timeout: timeoutMs, reject: false, stdio: 'ignore' });
  return !result.failed;
}

/** Parses `docker compose port` output ("127.0.0.1:49153") into the host port. */
export function parsePublishedPort(output: string, what: string): number {
  const match = /:(\d+)\s*$/.exec(output.trim().split('\n')[0] ?? '');
  const port = match ? Number(match[1]) : NaN;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`docker compose port ${what} printed no port: "${output.trim()}"`);
  return port;
}

/** A container's IPv4 address on its compose network (`docker inspect`). */
export async function containerIp(container: string): Promise<string> {
  const out = await runDocker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', container]);
  const ip = out.trim().split(/\s+/)[0] ?? '';
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) throw new Error(`docker inspect ${container} printed no IPv4 address: "${out.trim()}"`);
  return ip;
}

/** Polls `docker inspect` until the container's health check passes; throws past `timeoutMs`. */
export async function waitContainerHealthy(container: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let status = '';
  while (Date.now() < until) {
    status = (await runDocker(['inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}', container])).trim();
    if (status === 'healthy') return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${container} did not become healthy within ${timeoutMs} ms (last status: ${status || 'unknown'}); see: docker logs ${container}`);
}
