// `node --import tsx bench/proxy-chunk-cost.ts [--rate 500] [--seconds 5] [--toxic] [--prof <dir>]`: what the fault
// proxy costs per proxied HTTP exchange on its own, with no toxic (the pipeline's case) or with a 0 ms latency
// toxic (`--toxic`: every chunk through a toxic stage). A plain HTTP server, the proxy as its own process (as in
// a run), and a keep-alive client at a fixed rate; the proxy's CPU from /proc (user + system, every thread),
// its read and write system calls (/proc/<pid>/io) and wake-ups per exchange. `--prof <dir>` runs the proxy
// with --cpu-prof and prints its top self-time functions.
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Toxiproxy } from 'toxiproxy-node-client';
import { HttpClient } from '../harness/traffic/card-network/http-client.ts';
import { READY_PREFIX } from '../services/common/serve.ts';
import { processCounts } from './hop-counts.ts';
import { formatSummary, profileClockUs, summarizeProfileFile, type ProfileWindow } from './cpu-profile-summary.ts';
import { ROOT } from './output.ts';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? (process.argv[at + 1] as string) : fallback;
}
const rate = Number(option('rate', '500'));
const seconds = Number(option('seconds', '5'));
const prof = process.argv.includes('--prof') ? path.resolve(option('prof', '')) : null;

const server = http.createServer({ keepAliveTimeout: 65_000 }, (_req, res) => res.end('{"ok":true}'));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const upstream = (server.address() as AddressInfo).port;
const child = spawn(process.execPath, [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), '--import', 'tsx', path.join(ROOT, 'harness/proxy/main.ts')], {
  env: { ...process.env, FAULTLINE_PORT: '0', FAULTLINE_CONFIG: '{"seed":1}', NODE_OPTIONS: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const apiPort = await new Promise<number>((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error('the proxy did not start within 20 s')), 20_000);
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
    const at = out.indexOf(READY_PREFIX);
    const end = out.indexOf('\n', at);
    if (at >= 0 && end > at) {
      clearTimeout(timer);
      resolve((JSON.parse(out.slice(at + READY_PREFIX.length, end)) as { port: number }).port);
    }
  });
});
const window: ProfileWindow = { fromUs: 0, toUs: 0 };
try {
  const toxiproxy = new Toxiproxy(`http://127.0.0.1:${apiPort}`);
  const proxy = await toxiproxy.createProxy({ name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
  if (process.argv.includes('--toxic')) await proxy.addToxic({ name: 'zero', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 0, jitter: 0 } } as never);
  const client = new HttpClient([`http://127.0.0.1:${proxy.listen.split(':').pop()}`], { connections: 64 });
  const run = async (s: number): Promise<number> => {
    let ok = 0;
    const pending: Array<Promise<void>> = [];
    const start = performance.now();
    for (let i = 0; i < rate * s; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(Math.floor(wait));
      pending.push(client.get('/', 2000).then((r) => void (r.status === 200 && ok++)));
    }
    await Promise.all(pending);
    return ok;
  };
  await run(2); // warm-up
  const before = processCounts(child.pid as number);
  window.fromUs = profileClockUs();
  const ok = await run(seconds);
  window.toUs = profileClockUs();
  const after = processCounts(child.pid as number);
  if (!before || !after) throw new Error('the proxy process went away');
  const per = (a: number, b: number): string => ((b - a) / Math.max(1, ok)).toFixed(2);
  process.stdout.write(
    `${rate}/s for ${seconds} s, ${ok} exchanges ok, ${process.argv.includes('--toxic') ? 'a 0 ms latency toxic downstream' : 'no toxic'}: proxy CPU ${per(before.mainUs + before.otherUs, after.mainUs + after.otherUs)} µs per exchange ` +
      `(system ${per(before.systemUs, after.systemUs)}, main thread ${per(before.mainUs, after.mainUs)}), reads ${per(before.reads, after.reads)}, writes ${per(before.writes, after.writes)}, wake-ups ${per(before.wakeups, after.wakeups)}\n`,
  );
  await client.close();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  server.close();
}
if (prof) {
  // The proxy's main thread only (its first profile), during the measured traffic.
  for (const file of (await readdir(prof)).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${child.pid}.`) && f.includes('.0.'))) {
    process.stdout.write(`${formatSummary(file, await summarizeProfileFile(path.join(prof, file), ROOT, 15, window))}\n`);
  }
}
