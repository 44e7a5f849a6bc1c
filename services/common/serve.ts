// The entry every service process runs: build the app from its plugin, listen on 127.0.0.1 (or the host in
// FAULTLINE_HOST, e.g. 0.0.0.0 inside a container), print one ready line the topology waits for, and shut
// down cleanly on SIGTERM/SIGINT.
import type { FastifyInstance } from 'fastify';

export const READY_PREFIX = 'FAULTLINE_READY ';

export interface ServiceProcessInfo {
  service: string;
  replica: string;
  port: number;
  pid: number;
}

/** Reads the JSON config the topology passes in FAULTLINE_CONFIG; throws naming the variable. */
export function readServiceConfig<T>(): T {
  const raw = process.env.FAULTLINE_CONFIG ?? '{}';
  try {
    return JSON.parse(raw) as T;
  } catch (err) {
    throw new Error(`FAULTLINE_CONFIG is not valid JSON: ${(err as Error).message}`);
  }
}

export function requestedPort(): number {
  const raw = process.env.FAULTLINE_PORT ?? '0';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`FAULTLINE_PORT must be a port number, got "${raw}"`);
  return port;
}

/**
 * The address to listen on: 127.0.0.1 unless FAULTLINE_HOST says otherwise. Only compose mode sets it
 * (to 0.0.0.0, so other containers can reach the service; its ports are published on 127.0.0.1 only).
 */
export function requestedHost(): string {
  const raw = process.env.FAULTLINE_HOST;
  if (raw === undefined || raw === '') return '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(raw)) throw new Error(`FAULTLINE_HOST must be an address such as 0.0.0.0, got "${raw}"`);
  return raw;
}

/**
 * Listens on 127.0.0.1 (or FAULTLINE_HOST) and announces readiness. On SIGTERM the server stops accepting,
 * lets in-flight requests finish (bounded by drainMs), runs onClose, and exits 0.
 */
export async function serve(
  app: FastifyInstance,
  meta: { service: string; replica: string; drainMs?: number; onClose?: () => Promise<void> | void },
): Promise<ServiceProcessInfo> {
  let port: number;
  try {
    await app.listen({ host: requestedHost(), port: requestedPort() });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  } catch (err) {
    process.stderr.write(`${meta.replica}: cannot listen: ${(err as Error).message}\n`);
    process.exit(3);
  }
  const info: ServiceProcessInfo = { service: meta.service, replica: meta.replica, port, pid: process.pid };
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => process.exit(0), meta.drainMs ?? 5000);
    timer.unref();
    void (async () => {
      try {
        await app.close();
        await meta.onClose?.();
      } catch (err) {
        process.stderr.write(`${meta.replica}: error during ${signal} shutdown: ${(err as Error).message}\n`);
      }
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // The topology owns us: if it dies we are re-parented, and we exit rather than linger as an orphan.
  const parentPid = process.ppid;
  const orphanCheck = setInterval(() => {
    if (process.ppid !== parentPid) process.exit(0);
  }, 500);
  orphanCheck.unref();
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(info)}\n`);
  return info;
}

/**
 * Runs a process's start-up. The entries call this instead of awaiting at their top level, so they can be
 * bundled as CommonJS and started with V8's code cache (harness/build/code-cache-loader.cjs). A start-up that
 * throws ends the process as an uncaught top-level await would: its stack on stderr, exit 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
