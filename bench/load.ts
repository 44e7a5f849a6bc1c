// Bench: does the open model keep its arrival schedule? The full driver path (seeded plan -> open-model
// scheduler -> card network -> undici) runs at 1,000 and 5,000 req/s against a fast node:http server in a
// worker thread (its own event loop). After an unmeasured 1 s run (JIT), each rate's schedule starts with a
// 1 s warm-up (sent, not measured: its connections), then the measured seconds. Per rate:
//   load.open_<rate>_lateness_p50_ms / _p99_ms / _max_ms   actual − intended send time of every measured send
//   load.open_<rate>_worst_second_error_pct               per whole measured second: |sent in it − scheduled in it| / scheduled
// (The old `load.open_<rate>_error_pct` divided the count sent by the span up to the last send, which is
// exact by construction whatever the lateness: it measured nothing.)
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { seedAccounts } from '../services/common/accounts.ts';
import { networkSchema, trafficSchema } from '../harness/scenario/schema.ts';
import { CardNetwork } from '../harness/traffic/card-network/card-network.ts';
import { planTraffic } from '../harness/traffic/requests/generator.ts';
import { runOpenModel, type OpenModelResult, type SendTiming } from '../harness/traffic/load/open-model.ts';
import { ScheduleKeeping, type ScheduleKeepingResult } from './schedule-keeping.ts';
import { figure, type Figures } from './figure.ts';

/** Seconds at the start of each rate's schedule that are sent but not measured. */
const WARMUP_S = 1;
const RATES = [1000, 5000] as const;

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

export interface OpenModelObserver {
  sent?(timing: SendTiming): void;
  dropped?(timing: SendTiming): void;
}

/** Drives the open model at `rate` for `seconds` against `url`, telling `observe` of every send and drop. */
export async function openModelAt(url: string, rate: number, seconds: number, observe: OpenModelObserver = {}, seed = 1): Promise<OpenModelResult> {
  const traffic = trafficSchema.parse({ rate, duration_s: seconds });
  const network = networkSchema.parse({});
  const accounts = seedAccounts(seed, 1000);
  const startAt = performance.now();
  const card = new CardNetwork({ processorUrls: [url], feedUrls: [url], network, startAt });
  try {
    return await runOpenModel({
      requests: planTraffic({ seed, traffic, accounts }),
      send: (req, timing) => {
        observe.sent?.(timing);
        return card.send(req, timing);
      },
      onDrop: (req, timing) => {
        observe.dropped?.(timing);
        void card.drop(req, timing);
      },
      targetRate: rate,
      durationMs: seconds * 1000,
      startAt,
    });
  } finally {
    await card.close();
  }
}

/** Runs one rate: WARMUP_S unmeasured seconds, then `seconds` measured ones. */
export async function keepingAt(url: string, rate: number, seconds: number): Promise<ScheduleKeepingResult> {
  const keeping = new ScheduleKeeping({ fromS: WARMUP_S, toS: WARMUP_S + seconds });
  const r = await openModelAt(url, rate, WARMUP_S + seconds, {
    sent: (t) => keeping.sent(t.intended_ms, t.sent_ms),
    dropped: (t) => keeping.dropped(t.intended_ms),
  });
  if (process.env.FAULTLINE_BENCH_VERBOSE) process.stderr.write(`open ${rate}/s for ${WARMUP_S}+${seconds}s: ${JSON.stringify(r)}\n`);
  return keeping.result();
}

export function loadFigures(rate: number, seconds: number, k: ScheduleKeepingResult, quick: boolean): Figures {
  const prefix = `load.open_${rate}`;
  const quickNote = quick ? ` Quick: ${seconds} measured seconds.` : '';
  const measured =
    `${k.sends.toLocaleString('en-GB')} sends intended in [${WARMUP_S} s, ${WARMUP_S + seconds} s) of the schedule ` +
    `(second 0 is a warm-up: sent, not measured; an unmeasured 1 s run before it warms the JIT); ${k.dropped} dropped at the in-flight cap.${quickNote}`;
  const worst = k.worst;
  const worstPct = worst ? worst.error_pct : Number.POSITIVE_INFINITY;
  const worstNote = worst
    ? `Worst of ${k.seconds} whole seconds of the schedule (seconds ${WARMUP_S} to ${WARMUP_S + seconds - 1}, sends counted by actual send time; the warm-up second 0 excluded, ` +
      `sends due in the last second that left after it count as missing from it): second ${worst.second} sent ${worst.sent} for ${worst.scheduled} scheduled. ` +
      `Target 5%: a 50 ms stall across a second boundary moves 5% of that second's sends into the next one, and 50 ms is the ` +
      `send-lateness p99 at which a run is judged inconclusive.`
    : 'No scheduled arrival in the measured seconds.';
  return {
    [`${prefix}_lateness_p50_ms`]: figure(k.lateness_ms.p50, 'ms', '< 2', k.sends > 0 && k.lateness_ms.p50 < 2, `${measured} Target 2 ms: the scheduler sleeps in whole milliseconds (setTimeout), so a send that keeps its schedule leaves within about 1 ms.`),
    [`${prefix}_lateness_p99_ms`]: figure(
      k.lateness_ms.p99,
      'ms',
      '< 10',
      k.sends > 0 && k.lateness_ms.p99 < 10,
      `Target 10 ms: a run counts a send more than 10 ms late as late, and is inconclusive past 2% late or a 50 ms p99; a quiet machine should keep 99% of sends inside the first.`,
    ),
    [`${prefix}_lateness_max_ms`]: figure(
      k.lateness_ms.max,
      'ms',
      'reported',
      true,
      'One send: set by the single longest GC pause or scheduling hiccup of the run, so no target; the p99 and the worst second say whether the schedule was kept.',
    ),
    [`${prefix}_worst_second_error_pct`]: figure(worstPct, '%', '< 5', worstPct < 5, worstNote),
  };
}

export async function benchLoad(opts: { quick: boolean }): Promise<Figures> {
  const seconds = opts.quick ? 5 : 20;
  const server = await startServer();
  const figures: Figures = {};
  try {
    // Unmeasured: JIT of the generator, card network and scheduler, so the first rate does not start behind.
    await openModelAt(server.url, 1000, 1);
    for (const rate of RATES) Object.assign(figures, loadFigures(rate, seconds, await keepingAt(server.url, rate, seconds), opts.quick));
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
