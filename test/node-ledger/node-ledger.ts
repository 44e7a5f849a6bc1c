// Test helper: the node:http ledger replica of test/fixtures/node-ledger/, started the way a user's service
// is started by command: plain `node` (no tsx, no build), told everything in environment variables
// (PORT=0 so the OS chooses; the port is read from its FAULTLINE_READY line). stopNodeLedgers() in `after`.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/node-ledger/', import.meta.url));
export const FIXTURE_ENTRY = `${FIXTURE_DIR}replica.mjs`;

export interface NodeLedger {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface NodeLedgerOptions {
  storeUrl: string;
  replica?: string;
  defect?: 'reuse-first-answer' | '500-on-malformed' | 'lose-writes';
  seed?: number;
  env?: Record<string, string>;
  timeoutMs?: number;
}

const running = new Set<NodeLedger>();

/** Spawns the fixture with exactly the given environment (plus PATH), for tests of its start-up errors. */
export function spawnNodeLedger(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [FIXTURE_ENTRY], {
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startNodeLedger(options: NodeLedgerOptions): Promise<NodeLedger> {
  const env: Record<string, string> = {
    PORT: '0',
    FAULTLINE_LEDGER_STORE_URL: options.storeUrl,
    FAULTLINE_REPLICA: options.replica ?? 'ledger-1',
    ...(options.defect ? { NODE_LEDGER_DEFECT: options.defect } : {}),
    ...(options.seed !== undefined ? { FAULTLINE_SEED: String(options.seed) } : {}),
    ...options.env,
  };
  const child = spawnNodeLedger(env);
  let out = '';
  const keep = (chunk: string): void => {
    out = (out + chunk).slice(-8000);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async (): Promise<void> => {
    running.delete(ledger);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  };
  const ledger: NodeLedger = { url: '', port: 0, child, output: () => out, exited, stop };
  running.add(ledger);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node-ledger: no ready line in ${timeoutMs} ms\n${out}`)), timeoutMs);
    const look = (): void => {
      const match = /FAULTLINE_READY (\{.*\})\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve((JSON.parse(match[1]!) as { port: number }).port);
      }
    };
    child.stdout!.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`node-ledger exited (${code ?? signal}) before it was ready\n${out}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  ledger.port = port;
  ledger.url = `http://127.0.0.1:${port}`;
  // Its stderr line (written before the ready line, on another pipe) may arrive a moment later.
  const end = Date.now() + 2000;
  while (!out.includes('node-ledger listening') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return ledger;
}

export async function stopNodeLedgers(): Promise<void> {
  await Promise.all([...running].map((l) => l.stop()));
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * One request over node:http on its own connection, so a reset surfaces as the socket error it is
 * (err.code ECONNRESET) and nothing is retried.
 */
export function rawRequest(
  url: string,
  options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers };
    const req = http.request(url, { method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'), agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}
