// The fault proxy as its own process: the embedded topology runs it beside the services, so proxying
// never competes with the load driver's scheduler and clock for one event loop.
// Env: FAULTLINE_PORT (default 8474; 0 = ephemeral), FAULTLINE_CONFIG {"seed": n}. Prints the same ready
// line as the services; on SIGTERM/SIGINT it closes every proxy and exits; it exits too if its parent dies.
import { READY_PREFIX, runMain } from '../../services/common/serve.ts';
import { startProxyServer } from './server.ts';

async function main(): Promise<void> {
  const config = JSON.parse(process.env.FAULTLINE_CONFIG ?? '{}') as { seed?: number };
  const port = Number(process.env.FAULTLINE_PORT ?? 8474);

  let server;
  try {
    server = await startProxyServer({ host: '127.0.0.1', port, seed: config.seed ?? 0 });
  } catch (err) {
    const e = err as Error & { code?: string };
    process.stderr.write(e.code === 'EADDRINUSE' ? `port ${port} for the Toxiproxy API is already in use\n` : `cannot start the proxy API: ${e.message}\n`);
    process.exit(3);
  }
  const running = server;
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), 3000).unref();
    void running.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 500).unref();
  process.stdout.write(`${READY_PREFIX}${JSON.stringify({ service: 'toxiproxy', replica: 'toxiproxy', port: running.port, pid: process.pid })}\n`);
}

runMain(main);
