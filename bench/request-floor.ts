// The machine's floor for one request: what a minimal faultline-style service (services/common/app.ts: the same
// Fastify set-up, a JSON body and response schema, no work in the handler) costs in server CPU per request when
// requests arrive one at a time at a fixed pace, as the pipeline's do at pipeline.cpu_us_per_auth's rate. Each
// request then wakes the process on its own; on a virtual machine that wake-up (the scheduler, the network stack,
// the exits to the hypervisor) is most of the figure, and it moves with the host's load over the day. Dividing
// the pipeline's CPU per authorization by it gives a figure of the pipeline's own work that two days (or two
// machines) can compare: how many minimal requests' worth of CPU one authorization costs.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export interface RequestFloor {
  /** Server CPU (user + system, every thread) per request at `rate`, µs. */
  cpuUsPerRequest: number;
  rate: number;
  requests: number;
}

/** CPU time of a process so far, µs, from /proc (all threads; clock ticks of 10 ms, so measure for seconds). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function load(url: string, options: { connections: number; duration: number; overallRate?: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', body: '{"id":"a-1","amount":100}', headers: { 'content-type': 'application/json' }, ...options },
      (err, result) => (err ? reject(err) : resolve(result.requests.total)),
    );
  });
}

/** Measures the floor at `rate` requests/s for `seconds` (after a short warm-up at full speed). */
export async function measureRequestFloor(rate: number, seconds: number): Promise<RequestFloor> {
  const child = fork(fileURLToPath(import.meta.url), ['--floor-server'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the floor server did not start within 30 s')), 30_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(Number(m));
      });
      child.once('exit', (code) => reject(new Error(`the floor server exited (${code}) before it listened`)));
    });
    const url = `http://127.0.0.1:${port}/v1/things`;
    // Warm-up: the JIT, at full speed on a few connections.
    await load(url, { connections: 8, duration: 2 });
    const pid = child.pid as number;
    const before = processCpuUs(pid);
    const requests = await load(url, { connections: 1, duration: seconds, overallRate: rate });
    return { cpuUsPerRequest: (processCpuUs(pid) - before) / Math.max(1, requests), rate, requests };
  } finally {
    child.kill('SIGTERM');
  }
}

async function serve(): Promise<void> {
  const { createApp } = await import('../services/common/app.ts');
  const app = createApp();
  app.post(
    '/v1/things',
    {
      schema: {
        body: { type: 'object', additionalProperties: false, required: ['id', 'amount'], properties: { id: { type: 'string', maxLength: 64 }, amount: { type: 'integer', minimum: 0 } } },
        response: { 200: { type: 'object', required: ['id', 'ok'], properties: { id: { type: 'string' }, ok: { type: 'boolean' } } } },
      },
    },
    async (request) => ({ id: (request.body as { id: string }).id, ok: true }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.send?.(typeof address === 'object' && address ? address.port : 0);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--floor-server')) await serve();
else if (import.meta.url === `file://${process.argv[1]}`) {
  const rate = Number(process.argv[2] ?? 500);
  const f = await measureRequestFloor(rate, 5);
  process.stdout.write(`${rate}/s, one connection: ${f.requests} requests, ${f.cpuUsPerRequest.toFixed(0)} µs server CPU per request\n`);
}
