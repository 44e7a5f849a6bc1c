// Bench: does the open model hold its arrival rate? The full driver path (seeded plan -> open-model
// scheduler -> card network -> undici) runs at 1,000 and 5,000 req/s against a fast node:http server
// in a worker thread (its own core), after a 1 s warm-up. error % = |achieved - target| / target x 100.
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { seedAccounts } from '../services/common/accounts.ts';
import { networkSchema, trafficSchema } from '../harness/scenario/schema.ts';
import { CardNetwork } from '../harness/traffic/card-network.ts';
import { planTraffic } from '../harness/traffic/generator.ts';
import { runOpenModel, type OpenModelResult } from '../harness/traffic/open-model.ts';

export interface BenchFigure {
  value: number;
  target: string;
  met: boolean;
  unit: string;
}

/** A tiny HTTP server that answers every request at once with an issuer approval. */
const SERVER_SOURCE = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const approved = (id) => JSON.stringify({ id, decision: 'approved', reason: 'ok', account_id: 'acc', amount: { value: 1, currency: 'GBP' }, replayed: false, ledger_attempts: 1 });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let id = 'x';
    if (chunks.length) { const m = /"id":"([^"]+)"/.exec(Buffer.concat(chunks).toString()); if (m) id = m[1]; }
    const body = approved(id);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'close') { server.closeAllConnections(); server.close(() => process.exit(0)); } });
`;

async function startServer(): Promise<{ url: string; close(): Promise<void> }> {
  const worker = new Worker(SERVER_SOURCE, { eval: true });
  const [port] = (await once(worker, 'message')) as [number];
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      worker.postMessage('close');
      await Promise.race([once(worker, 'exit'), new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
    },
  };
}

/** Drives the open model at `rate` for `seconds` against `url`. */
export async function openModelAt(url: string, rate: number, seconds: number, seed = 1): Promise<OpenModelResult> {
  const traffic = trafficSchema.parse({ rate, duration_s: seconds });
  const network = networkSchema.parse({});
  const accounts = seedAccounts(seed, 1000);
  let records = 0;
  const startAt = performance.now();
  const card = new CardNetwork({ processorUrls: [url], feedUrls: [url], network, startAt, onRecord: () => void records++ });
  try {
    return await runOpenModel({
      requests: planTraffic({ seed, traffic, accounts }),
      send: (req, timing) => card.send(req, timing),
      onDrop: (req, timing) => void card.drop(req, timing),
      targetRate: rate,
      durationMs: seconds * 1000,
      startAt,
    });
  } finally {
    await card.close();
  }
}

export async function benchLoad(opts: { quick: boolean }): Promise<Record<string, BenchFigure>> {
  const seconds = opts.quick ? 5 : 20;
  const server = await startServer();
  const figures: Record<string, BenchFigure> = {};
  try {
    await openModelAt(server.url, 1000, 1); // warm-up: JIT, connections
    for (const rate of [1000, 5000]) {
      const r = await openModelAt(server.url, rate, seconds);
      const error = (Math.abs(r.achieved_rate - r.target_rate) / r.target_rate) * 100;
      figures[`load.open_${rate}_error_pct`] = { value: Math.round(error * 1000) / 1000, target: '< 1', met: error < 1, unit: '%' };
      if (process.env.FAULTLINE_BENCH_VERBOSE) {
        process.stderr.write(`open ${rate}/s for ${seconds}s: ${JSON.stringify(r)}\n`);
      }
    }
  } finally {
    await server.close();
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const figures = await benchLoad({ quick });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
