import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationRequest } from '../../../services/card-processor/contract.ts';
import type { HistoryRecord } from '../../../harness/history/record.ts';
import { HistoryAggregator, type AggregateResult } from '../../../harness/history/aggregate.ts';
import { adviceIdFor, CardNetwork, derivedId, timeoutReversalIdFor } from '../../../harness/traffic/card-network/card-network.ts';
import type { PlannedRequest } from '../../../harness/traffic/requests/planned-request.ts';
import { closedPort, decision, json, network, nowTiming, sleep, startServer, within, type TestServer } from '../helpers.ts';

let n = 0;
function auth(value: number, token = 'tok_card1', over: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  n++;
  return {
    id: `auth-t-${n}`,
    account_id: 'acc-000001',
    card: { token, last4: '4242' },
    amount: { value, currency: 'GBP' },
    merchant: { name: "O'Brien & Sons <Ltd>", mcc: '5411', country: 'GB' },
    channel: 'contactless',
    ...over,
  };
}

const planned = (body: AuthorizationRequest): PlannedRequest => ({ kind: 'authorization', offset_ms: 0, body });

interface Rig {
  card: CardNetwork;
  records: HistoryRecord[];
  close(): Promise<void>;
}

function rig(urls: string[], net: Record<string, unknown>, extra: { feedUrls?: string[]; activeFaults?: (ms: number) => string[] } = {}): Rig {
  const records: HistoryRecord[] = [];
  const card = new CardNetwork({ processorUrls: urls, network: network(net), onRecord: (r) => records.push(r), ...extra });
  return { card, records, close: () => card.close() };
}

/** What the history aggregator makes of the records a network emitted (the one outcome tally). */
function tally(records: readonly HistoryRecord[]): AggregateResult {
  const aggregator = new HistoryAggregator({ duration_s: 60 });
  for (const record of records) aggregator.add(record);
  return aggregator.finish();
}

/** A processor that never answers authorizations (until closed) and accepts advices and reversals. */
async function blackHole(): Promise<TestServer> {
  return startServer((req, res) => {
    if (req.url === '/v1/authorizations') return; // hang: the network's deadline fires
    json(res, 200, { id: (req.body as { id: string }).id, result: req.url === '/v1/advices' ? 'posted' : 'released', replayed: false });
  });
}

test('issuer answers become approved / declined with the issuer decision, reason and ledger attempts', async () => {
  const server = await startServer((req, res) => {
    const b = req.body as AuthorizationRequest;
    json(res, 200, decision(b, b.amount.value > 5000 ? 'declined' : 'approved', 2));
  });
  const r = rig([server.url], {}, { activeFaults: (ms) => (ms >= 0 ? ['ledger-latency'] : []) });
  try {
    const ok = await r.card.send(planned(auth(100)), nowTiming());
    const no = await r.card.send(planned(auth(9000)), nowTiming());
    assert.equal(ok.outcome, 'approved');
    assert.equal(ok.issuer_decision, 'approved');
    assert.equal(ok.reason, 'ok');
    assert.equal(ok.attempts, 2);
    assert.equal(ok.status, 200);
    assert.equal(ok.card_last4, '4242');
    assert.deepEqual(ok.faults, ['ledger-latency']);
    assert.equal(no.outcome, 'declined');
    assert.equal(no.reason, 'insufficient_funds');
    assert.equal(ok.error, undefined);
    // A card's token (never a PAN) is kept for declines only: what declines-justified judges card_mismatch by.
    assert.equal(ok.card_token, undefined, 'no card token on an approval');
    assert.equal(no.card_token, 'tok_card1');
    assert.equal(r.records.length, 2);
    assert.equal(r.card.forwardReport().advices.queued, 0);
  } finally {
    await r.close();
    await server.close();
  }
});

test('timeout: stand-in approves under the per-card limit and declines over it; advices wait for deliverAdvices', async () => {
  const server = await blackHole();
  const r = rig([server.url], { issuer_deadline_ms: 100, standin: { enabled: true, limit_per_card: 10_000 } });
  try {
    const a = await within(5000, r.card.send(planned(auth(6000)), nowTiming()));
    const b = await within(5000, r.card.send(planned(auth(6000)), nowTiming())); // 12,000 > limit
    const c = await within(5000, r.card.send(planned(auth(4000)), nowTiming())); // 10,000 = limit
    const other = await within(5000, r.card.send(planned(auth(6000, 'tok_card2')), nowTiming()));
    assert.equal(a.outcome, 'standin_approved');
    assert.equal(b.outcome, 'standin_declined');
    assert.equal(c.outcome, 'standin_approved');
    assert.equal(other.outcome, 'standin_approved', 'the limit is per card');
    assert.equal(r.card.standInTotal('tok_card1'), 10_000);
    for (const x of [a, b, c]) {
      assert.deepEqual(x.error, { hop: 'network->processor', cause: 'timeout' });
      assert.equal(x.status, 0);
      assert.ok(x.latency_ms >= 90 && x.latency_ms < 2000, `latency ${x.latency_ms}`);
      assert.equal(x.issuer_decision, undefined);
    }
    const report = r.card.forwardReport();
    assert.equal(report.advices.queued, 3);
    assert.equal(report.advices.pending, 3);
    // A stand-in decline after a timeout may have been held by the issuer: a timeout reversal is queued.
    assert.equal(report.timeout_reversals.queued, 1);
    await sleep(50);
    assert.equal(server.seen.filter((s) => s.url === '/v1/advices').length, 0, 'advices are held until faults heal');
    const delivered = await within(10_000, r.card.deliverAdvices({ deadlineMs: 5000 }));
    assert.equal(delivered.advices.delivered, 3);
    assert.equal(delivered.advices.pending, 0);
    assert.equal(delivered.timeout_reversals.delivered, 1);
    const advices = server.seen.filter((s) => s.url === '/v1/advices').map((s) => s.body as { id: string; authorization_id: string; amount: unknown; card: unknown; merchant: unknown });
    // At-least-once: under load an attempt can time out and be repeated; the processor dedupes by id.
    assert.deepEqual([...new Set(advices.map((x) => x.id))].sort(), [adviceIdFor(a.id), adviceIdFor(c.id), adviceIdFor(other.id)].sort());
    const advA = advices.find((x) => x.authorization_id === a.id);
    assert.deepEqual(advA?.amount, { value: 6000, currency: 'GBP' });
    assert.deepEqual(advA?.merchant, { name: "O'Brien & Sons <Ltd>", mcc: '5411', country: 'GB' });
    const reversal = server.seen.find((s) => s.url === '/v1/reversals')?.body as { id: string; authorization_id: string };
    assert.equal(reversal.id, timeoutReversalIdFor(b.id));
    assert.equal(reversal.authorization_id, b.id);
    const adviceRecords = r.records.filter((x) => x.kind === 'advice');
    assert.equal(adviceRecords.length, 3);
    assert.ok(adviceRecords.every((x) => x.outcome === 'ok' && x.reason === 'posted' && (x.attempts ?? 0) >= 1));
  } finally {
    await r.close();
    await server.close();
  }
});

test('connection refused: stand-in when enabled, failed (not unknown) when not', async () => {
  const port = await closedPort();
  const on = rig([`http://127.0.0.1:${port}`], { standin: { enabled: true, limit_per_card: 500 } });
  const off = rig([`http://127.0.0.1:${port}`], { standin: { enabled: false, limit_per_card: 500 } });
  try {
    const a = await within(5000, on.card.send(planned(auth(400)), nowTiming()));
    const b = await within(5000, on.card.send(planned(auth(400)), nowTiming()));
    assert.equal(a.outcome, 'standin_approved');
    assert.equal(b.outcome, 'standin_declined');
    assert.deepEqual(a.error, { hop: 'network->processor', cause: 'connection_refused' });
    // Refused = never reached the issuer: nothing to reverse.
    assert.equal(on.card.forwardReport().timeout_reversals.queued, 0);
    const c = await within(5000, off.card.send(planned(auth(400)), nowTiming()));
    assert.equal(c.outcome, 'failed');
    assert.equal(c.status, 0);
    assert.deepEqual(c.error, { hop: 'network->processor', cause: 'connection_refused' });
    assert.equal(off.card.forwardReport().timeout_reversals.queued, 0);
  } finally {
    await on.close();
    await off.close();
  }
});

test('5xx: attribution from the processor error body; stand-in when enabled; a processor->ledger timeout is unknown (it may have held), a plain 5xx failed', async () => {
  const server = await startServer((req, res) => {
    if (req.url === '/v1/authorizations') {
      const b = req.body as AuthorizationRequest;
      if (b.amount.value === 1) return json(res, 503, { error: 'overloaded' });
      return json(res, 504, { error: 'ledger did not answer', hop: 'processor->ledger', cause: 'timeout', attempts: 3 });
    }
    json(res, 200, { result: 'posted' });
  });
  const on = rig([server.url], { standin: { enabled: true, limit_per_card: 10_000 } });
  const off = rig([server.url], { standin: { enabled: false, limit_per_card: 10_000 } });
  try {
    const a = await on.card.send(planned(auth(700)), nowTiming());
    assert.equal(a.outcome, 'standin_approved');
    assert.deepEqual(a.error, { hop: 'processor->ledger', cause: 'timeout' });
    assert.equal(a.attempts, 3);
    assert.equal(a.status, 504);
    // The processor gave up on the ledger after sending the hold: it may have committed, so the
    // outcome is unknown and the network queues a timeout reversal, as it does for its own timeouts.
    const b = await off.card.send(planned(auth(700)), nowTiming());
    assert.equal(b.outcome, 'unknown');
    assert.deepEqual(b.error, { hop: 'processor->ledger', cause: 'timeout' });
    assert.equal(off.card.forwardReport().timeout_reversals.queued, 1);
    const c = await off.card.send(planned(auth(1)), nowTiming());
    assert.equal(c.outcome, 'failed');
    assert.deepEqual(c.error, { hop: 'network->processor', cause: 'http_5xx' }, 'a 5xx without a hop body is the driver hop');
    assert.equal(off.card.forwardReport().timeout_reversals.queued, 1, 'a plain 5xx held nothing: no reversal');
  } finally {
    await on.close();
    await off.close();
    await server.close();
  }
});

test('stand-in off: a timeout is unknown and queues a timeout reversal, delivered after heal', async () => {
  const server = await blackHole();
  const r = rig([server.url], { issuer_deadline_ms: 80, standin: { enabled: false, limit_per_card: 10_000 } });
  try {
    const a = await within(5000, r.card.send(planned(auth(2500)), nowTiming()));
    assert.equal(a.outcome, 'unknown');
    assert.deepEqual(a.error, { hop: 'network->processor', cause: 'timeout' });
    assert.equal(r.card.forwardReport().advices.queued, 0);
    assert.equal(r.card.forwardReport().timeout_reversals.pending, 1);
    const report = await within(5000, r.card.deliverAdvices({ deadlineMs: 3000 }));
    assert.equal(report.timeout_reversals.delivered, 1);
    const body = server.seen.find((s) => s.url === '/v1/reversals')?.body;
    assert.deepEqual(body, { id: timeoutReversalIdFor(a.id), authorization_id: a.id, account_id: 'acc-000001', amount: { value: 2500, currency: 'GBP' } });
    const rec = r.records.find((x) => x.kind === 'reversal');
    assert.equal(rec?.outcome, 'ok');
    assert.equal(rec?.authorization_id, a.id);
    assert.equal(rec?.reason, 'released');
  } finally {
    await r.close();
    await server.close();
  }
});

test('stand-in off: a reset after the request was written is unknown; a 4xx is failed without stand-in', async () => {
  const server = await startServer((req, res, raw) => {
    const b = req.body as AuthorizationRequest;
    if (b.amount.value === 13) return json(res, 422, { error: 'bad' });
    raw.socket.destroy(); // read the request, then reset: it may have been processed
  });
  const off = rig([server.url], { standin: { enabled: false, limit_per_card: 10_000 } });
  const on = rig([server.url], { standin: { enabled: true, limit_per_card: 10_000 } });
  try {
    const a = await within(5000, off.card.send(planned(auth(300)), nowTiming()));
    assert.equal(a.outcome, 'unknown');
    assert.equal(a.error?.cause, 'reset');
    assert.equal(off.card.forwardReport().timeout_reversals.queued, 1);
    const b = await within(5000, on.card.send(planned(auth(13)), nowTiming()));
    assert.equal(b.outcome, 'failed', 'a 4xx is a bad request: no stand-in');
    assert.deepEqual(b.error, { hop: 'network->processor', cause: 'http_4xx' });
    const c = await within(5000, on.card.send(planned(auth(300)), nowTiming()));
    assert.equal(c.outcome, 'standin_approved');
  } finally {
    await off.close();
    await on.close();
    await server.close();
  }
});

test('advices are retried every advice_retry_ms until accepted (a server that 503s the first attempts)', async () => {
  let adviceCalls = 0;
  let healed = false;
  const server = await startServer((req, res) => {
    if (!healed) return; // the fault: authorizations hang
    if (req.url === '/v1/advices') {
      adviceCalls++;
      if (adviceCalls <= 2) return json(res, 503, { error: 'not yet', hop: 'processor->ledger', cause: 'connection_refused' });
      return json(res, 200, { id: (req.body as { id: string }).id, authorization_id: 'x', result: 'posted', replayed: false });
    }
    json(res, 500, {});
  });
  const r = rig([server.url], { issuer_deadline_ms: 100, advice_retry_ms: 60, standin: { enabled: true, limit_per_card: 10_000 } });
  try {
    const a = await within(5000, r.card.send(planned(auth(900)), nowTiming()));
    assert.equal(a.outcome, 'standin_approved');
    healed = true;
    const t0 = performance.now();
    const report = await within(10_000, r.card.deliverAdvices({ deadlineMs: 5000 }));
    const took = performance.now() - t0;
    assert.deepEqual(report.advices, { queued: 1, delivered: 1, attempts: 3, pending: 0, rejected: 0 });
    assert.equal(adviceCalls, 3);
    assert.ok(took >= 110, `two retry waits of 60 ms, took ${took}`);
    const rec = r.records.filter((x) => x.kind === 'advice');
    assert.equal(rec.length, 1);
    assert.equal(rec[0]?.id, adviceIdFor(a.id));
    assert.equal(rec[0]?.attempts, 3);
    assert.equal(rec[0]?.outcome, 'ok');
    assert.deepEqual(r.card.finalize(), [], 'nothing left to finalize');
  } finally {
    await r.close();
    await server.close();
  }
});

test('an advice never accepted stays pending past the deadline and is finalized as an error record', async () => {
  const server = await startServer((req, res) => {
    if (req.url === '/v1/authorizations') return;
    json(res, 503, { error: 'still down' });
  });
  const r = rig([server.url], { issuer_deadline_ms: 60, advice_retry_ms: 50, standin: { enabled: true, limit_per_card: 10_000 } });
  try {
    const a = await within(5000, r.card.send(planned(auth(100)), nowTiming()));
    const t0 = performance.now();
    const report = await within(10_000, r.card.deliverAdvices({ deadlineMs: 400 }));
    assert.ok(performance.now() - t0 < 2000);
    assert.equal(report.advices.delivered, 0);
    assert.equal(report.advices.pending, 1);
    assert.ok(report.advices.attempts >= 3, `attempts ${report.advices.attempts}`);
    assert.equal(r.records.filter((x) => x.kind === 'advice').length, 0);
    const finals = r.card.finalize();
    assert.equal(finals.length, 1);
    assert.equal(finals[0]?.outcome, 'error');
    assert.equal(finals[0]?.status, 503);
    assert.equal(finals[0]?.authorization_id, a.id);
    assert.equal(r.records.filter((x) => x.kind === 'advice').length, 1, 'exactly one record per advice');
    assert.deepEqual(r.card.finalize(), []);
  } finally {
    await r.close();
    await server.close();
  }
});

test('plan reversals go to /v1/reversals; app reads go to the feed API; one record per request', async () => {
  const processor = await startServer((req, res) => {
    if (req.url === '/v1/reversals') return json(res, 200, { id: (req.body as { id: string }).id, authorization_id: 'a', result: 'nothing_to_reverse', replayed: false });
    json(res, 404, {});
  });
  const feed = await startServer((req, res) => {
    if (req.url.endsWith('/balance')) return json(res, 200, { account_id: 'acc-000009', currency: 'GBP', balance: 1, available: 1, version: 1 });
    if (req.url.endsWith('/feed')) return json(res, 503, { error: 'feed down' });
    json(res, 404, {});
  });
  const r = rig([processor.url], {}, { feedUrls: [feed.url] });
  const noFeed = rig([processor.url], {});
  try {
    const rev = await r.card.send({ kind: 'reversal', offset_ms: 0, body: { id: 'rev-1', authorization_id: 'auth-9', account_id: 'acc-000009', amount: { value: 10, currency: 'GBP' } } }, nowTiming());
    assert.equal(rev.outcome, 'ok');
    assert.equal(rev.reason, 'nothing_to_reverse');
    assert.equal(rev.authorization_id, 'auth-9');
    const bal = await r.card.send({ kind: 'balance', offset_ms: 0, account_id: 'acc-000009', id: 'bal-1' }, nowTiming());
    assert.equal(bal.outcome, 'ok');
    assert.equal(feed.seen[0]?.url, '/v1/accounts/acc-000009/balance');
    const fd = await r.card.send({ kind: 'feed', offset_ms: 0, account_id: 'acc-000009', id: 'feed-1' }, nowTiming());
    assert.equal(fd.outcome, 'error');
    assert.equal(fd.status, 503);
    assert.deepEqual(fd.error, { hop: 'app->feed', cause: 'http_5xx' });
    const lost = await noFeed.card.send({ kind: 'feed', offset_ms: 0, account_id: 'acc-1', id: 'feed-2' }, nowTiming());
    assert.equal(lost.outcome, 'error');
    assert.equal(r.records.length, 3);
    // The network keeps no tally: the history aggregator counts what it emitted.
    const s = tally(r.records);
    assert.deepEqual(s.reversals, { total: 1, ok: 1 });
    assert.deepEqual(s.app.balance, { total: 1, ok: 1 });
    assert.deepEqual(s.app.feed, { total: 1, ok: 0 });
  } finally {
    await r.close();
    await noFeed.close();
    await processor.close();
    await feed.close();
  }
});

test('requests are spread round-robin over the processors', async () => {
  const a = await startServer((req, res) => json(res, 200, decision(req.body)));
  const b = await startServer((req, res) => json(res, 200, decision(req.body)));
  const r = rig([a.url, b.url], {});
  try {
    for (let i = 0; i < 10; i++) await r.card.send(planned(auth(10)), nowTiming());
    const mine = (s: TestServer) => s.seen.filter((x) => x.url === '/v1/authorizations' && /^auth-t-/.test(String((x.body as { id?: string })?.id))).length;
    assert.equal(mine(a), 5);
    assert.equal(mine(b), 5);
    const s = tally(r.records);
    assert.equal(s.authorizations.approved, 10);
    assert.equal(s.authorizations.total, 10);
  } finally {
    await r.close();
    await a.close();
    await b.close();
  }
});

test('derived ids stay within the 64-character id limit', () => {
  assert.equal(adviceIdFor('auth-1-2'), 'adv-auth-1-2');
  const long = 'x'.repeat(64);
  const id = derivedId('trev', long);
  assert.ok(id.length <= 64 && id.startsWith('trev-'));
  assert.notEqual(derivedId('adv', `${long}a`.slice(1)), derivedId('adv', `${long}b`.slice(1)));
  assert.match(id, /^[A-Za-z0-9_.:-]+$/);
});
