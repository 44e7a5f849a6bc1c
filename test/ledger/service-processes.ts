// Test helper: real service processes on ephemeral loopback ports, read from their ready line, and
// small JSON-over-HTTP helpers. Every process started here is killed by stopAll() (call it in `after`).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { READY_PREFIX, type ServiceProcessInfo } from '../../services/common/serve.ts';
import { serviceCommand } from '../../harness/topology/service-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningService {
  info: ServiceProcessInfo;
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

const started = new Set<RunningService>();

/**
 * Starts a catalogue service's entry (e.g. services/ledger/main-store.ts) with the command and environment a
 * topology starts it with (serviceCommand, harness/topology/service-process.ts): from its bundle through the
 * code-cache loader, under tsx only when bundling is off or failed. Under tsx a start cost ~1 CPU-s, from the
 * bundle ~0.3.
 */
export async function startService(entry: string, config: Record<string, unknown>, timeoutMs = 30_000): Promise<RunningService> {
  const { args, env } = await serviceCommand(entry, config);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    started.delete(service);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  };
  const service: RunningService = {
    info: { service: '', replica: '', port: 0, pid: child.pid ?? 0 },
    url: '',
    child,
    stderr: () => err,
    stop,
  };
  started.add(service);
  const info = await new Promise<ServiceProcessInfo>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${entry}: no ready line in ${timeoutMs} ms\n${err}`)), timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const at = out.indexOf(READY_PREFIX);
      const end = at === -1 ? -1 : out.indexOf('\n', at);
      if (end !== -1) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(at + READY_PREFIX.length, end)) as ServiceProcessInfo);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited before it was ready\n${err}`));
    });
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  service.info = info;
  service.url = `http://127.0.0.1:${info.port}`;
  return service;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((s) => s.stop()));
}

export interface JsonAnswer<T = unknown> {
  status: number;
  body: T;
}

/** One HTTP call; `body` may be an object (sent as JSON) or a raw string (sent as is, as JSON). */
export async function call<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<JsonAnswer<T>> {
  const res = await request(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : null) as T };
}

/** Runs tasks with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i] as T, i);
    }
  });
  await Promise.all(workers);
}

export interface LedgerCluster {
  store: RunningService;
  replicas: RunningService[];
}

export async function startLedger(config: { seed: number; accounts: number; idempotency?: boolean }, replicas = 2): Promise<LedgerCluster> {
  const store = await startService('services/ledger/main-store.ts', config);
  const started = await Promise.all(
    Array.from({ length: replicas }, (_, i) =>
      startService('services/ledger/main.ts', { replica: `ledger-${i + 1}`, storeUrl: store.url, seed: config.seed }),
    ),
  );
  return { store, replicas: started };
}
