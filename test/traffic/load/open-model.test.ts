import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAccounts } from '../../../services/common/accounts.ts';
import type { HistoryRecord } from '../../../harness/history/record.ts';
import { CardNetwork } from '../../../harness/traffic/card-network/card-network.ts';
import { planTraffic } from '../../../harness/traffic/requests/generator.ts';
import { HttpClient } from '../../../harness/traffic/card-network/http-client.ts';
import { runOpenModel } from '../../../harness/traffic/load/open-model.ts';
import { decision, json, network, sleep, startServer, traffic, within } from '../helpers.ts';

const accounts = seedAccounts(1, 100);

function schedule(n: number, gapMs: number): Array<{ offset_ms: number; i: number }> {
  return Array.from({ length: n }, (_, i) => ({ offset_ms: i * gapMs, i }));
}

test('against a slow, serial handler it still sends on schedule and latency includes the queueing', async () => {
  // The "processor" handles one request at a time, 20 ms each; arrivals come every 10 ms. A closed-loop
  // tool would report ~20 ms. Request i really waits ~10*i + 20 ms from its intended send time.
  const SERVICE_MS = 20;
  let chain = Promise.resolve();
  const server = await startServer((req, res) => {
    chain = chain.then(async () => {
      await sleep(SERVICE_MS);
      json(res, 200, decision(req.body));
    });
  });
  const client = new HttpClient([server.url]);
  const sends: number[] = [];
  const latencies = new Map<number, number>();
  try {
    const result = await within(
      20_000,
      runOpenModel({
        requests: schedule(60, 10),
        lateToleranceMs: 100,
        send: async (r, timing) => {
          sends[r.i] = timing.sent_ms;
          await client.post('/v1/authorizations', { id: `a-${r.i}`, account_id: 'acc', amount: { value: 1, currency: 'GBP' } }, 10_000);
          latencies.set(r.i, performance.now() - timing.intended_at);
        },
      }),
      'open model',
    );
    assert.equal(result.sent, 60);
    assert.equal(result.dropped, 0);
    // On schedule: every send close to its slot, regardless of the growing backlog at the server.
    // The server needs 60 x 20 = 1,200 ms for all of them; the last one left at ~590 ms.
    const worst = Math.max(...sends.map((s, i) => s - i * 10));
    assert.ok(worst < 400, `a send was ${worst} ms behind schedule`);
    assert.ok((sends[59] as number) < 950, `last send at ${sends[59]} ms`);
    assert.ok(result.late < 60, `${result.late} sends more than 100 ms late`);
    // The server saw them all before the first few were even answered: arrivals did not wait for answers.
    assert.equal(server.seen.filter((x) => String((x.body as { id?: string })?.id).startsWith('a-')).length, 60);
    // No coordinated omission: the last request's latency is the queue it waited in, not 20 ms.
    const last = latencies.get(59) as number;
    assert.ok(last > 0.7 * (10 * 59 + SERVICE_MS), `last latency ${last} ms, expected ~${10 * 59 + SERVICE_MS}`);
    assert.ok(result.latency_ms.max > 10 * SERVICE_MS, `max latency ${result.latency_ms.max}`);
    assert.ok(result.latency_ms.p50 > 5 * SERVICE_MS, `p50 ${result.latency_ms.p50}`);
  } finally {
    await client.close();
    await server.close();
  }
});

test('a stalled driver counts late sends and charges the stall to latency', async () => {
  const done: Array<{ late: boolean; latency: number; behind: number }> = [];
  const start = performance.now();
  // Block the event loop for 150 ms right after the start: requests due meanwhile go out late.
  setTimeout(() => {
    const until = performance.now() + 150;
    while (performance.now() < until);
  }, 5);
  const result = await within(
    10_000,
    runOpenModel({
      requests: schedule(40, 10),
      startAt: start,
      lateToleranceMs: 10,
      send: async (_r, timing) => {
        done.push({ late: timing.late, latency: performance.now() - timing.intended_at, behind: timing.sent_ms - timing.intended_ms });
      },
    }),
  );
  assert.equal(result.sent, 40);
  assert.ok(result.late >= 8, `late ${result.late}`);
  assert.equal(done.filter((d) => d.late).length, result.late);
  assert.ok(Math.max(...done.map((d) => d.latency)) >= 100, 'the stall shows in latency from the intended time');
  assert.ok(result.lateness_ms.max >= 100);
});

test('over the in-flight cap requests are dropped, counted and recorded, never skipped', async () => {
  const server = await startServer(async (req, res) => {
    await sleep(300);
    json(res, 200, decision(req.body));
  });
  const records: HistoryRecord[] = [];
  const card = new CardNetwork({ processorUrls: [server.url], feedUrls: [server.url], network: network(), onRecord: (r) => records.push(r) });
  try {
    const plan = [...planTraffic({ seed: 1, traffic: traffic({ rate: 200, duration_s: 0.5 }), accounts })];
    const result = await within(
      15_000,
      runOpenModel({
        requests: plan,
        maxInFlight: 5,
        send: (r, t) => card.send(r, t),
        onDrop: (r, t) => void card.drop(r, t),
      }),
    );
    assert.equal(plan.length, 100);
    assert.ok(result.dropped > 50, `dropped ${result.dropped}`);
    assert.equal(result.sent + result.dropped, 100);
    assert.ok(result.max_in_flight <= 5);
    assert.equal(records.length, 100, 'one record per planned request');
    const dropped = records.filter((r) => r.dropped === true);
    assert.equal(dropped.length, result.dropped);
    assert.ok(dropped.every((r) => r.status === 0 && (r.kind === 'authorization' ? r.outcome === 'failed' : r.outcome === 'error')));
    assert.equal(new Set(records.map((r) => r.id)).size, 100);
    assert.equal(server.seen.filter((x) => x.url.startsWith('/v1/')).length, result.sent);
  } finally {
    await card.close();
    await server.close();
  }
});

test('holds a modest rate against a fast server (generous bounds; tight figures are in the bench)', async () => {
  const server = await startServer((req, res) => json(res, 200, decision(req.body)));
  const client = new HttpClient([server.url]);
  try {
    const result = await within(
      20_000,
      runOpenModel({
        requests: schedule(1000, 2), // 500/s for 2 s
        targetRate: 500,
        send: (r) => client.post('/v1/authorizations', { id: `x-${r.i}` }, 5000),
      }),
    );
    assert.equal(result.sent, 1000);
    assert.equal(result.target_rate, 500);
    assert.ok(Math.abs(result.achieved_rate - 500) / 500 < 0.15, `achieved ${result.achieved_rate}/s`);
    assert.equal(server.seen.filter((x) => String((x.body as { id?: string })?.id).startsWith('x-')).length, 1000);
  } finally {
    await client.close();
    await server.close();
  }
});

test('bounded by count and by time; the target rate is derived from the schedule when not given', async () => {
  const byCount = await runOpenModel({ requests: schedule(1000, 1), maxRequests: 25, send: async () => undefined });
  assert.equal(byCount.sent, 25);
  const byTime = await runOpenModel({ requests: schedule(1000, 1), durationMs: 100, send: async () => undefined });
  assert.equal(byTime.sent, 100);
  assert.ok(Math.abs(byTime.target_rate - 1000) < 1);
  const endless = (function* () {
    for (let i = 0; ; i++) yield { offset_ms: i * 5 };
  })();
  const t0 = performance.now();
  const r = await within(5000, runOpenModel({ requests: endless, durationMs: 200, send: async () => undefined }));
  assert.equal(r.sent, 40);
  assert.ok(performance.now() - t0 < 2000);
});

test('an AbortSignal stops it promptly', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 150);
  const t0 = performance.now();
  const result = await within(5000, runOpenModel({ requests: schedule(1000, 5), signal: controller.signal, send: async () => undefined }));
  assert.equal(result.aborted, true);
  assert.ok(result.sent > 5 && result.sent < 200, `sent ${result.sent}`);
  assert.ok(performance.now() - t0 < 1500);
  const pre = new AbortController();
  pre.abort();
  const none = await runOpenModel({ requests: schedule(10, 1), signal: pre.signal, send: async () => undefined });
  assert.equal(none.sent, 0);
});

test('waits for answers in flight, up to the drain timeout', async () => {
  const r = await within(
    5000,
    runOpenModel({ requests: schedule(3, 1), drainTimeoutMs: 100, send: () => new Promise((res) => setTimeout(res, 3000).unref()) }),
  );
  assert.equal(r.sent, 3);
  assert.equal(r.in_flight_at_end, 3);
  let rejected = 0;
  const r2 = await runOpenModel({ requests: schedule(4, 1), send: async () => { rejected++; throw new Error('boom'); } });
  assert.equal(r2.errors, 4);
  assert.equal(rejected, 4);
});
