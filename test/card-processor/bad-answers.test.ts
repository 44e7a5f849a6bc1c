// A technical failure is never a decline: the processor reads every ledger answer against the ledger's
// contract and every feed answer against the feed's. Behind a real router and a real discovery stub sit a
// real ledger store and two small node:http upstreams that either forward to the store / answer as the feed
// would, or answer what a test tells them (`200 {}`, a body that is not JSON, an unknown result, another
// authorization's answer…). Each bad answer is 502 HopFailure {hop processor->ledger, cause bad_answer}:
// never a 200 decline. A bad answer to a write may have committed, so it is settled afterwards like a
// reset; the outbox keeps a batch the feed answered badly and sends it again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import type { Router } from '../../services/router/index.ts';
import { discoveryAndStore, processorBehindDiscovery } from './behind-discovery.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import type { AuthorizationRequest } from '../../services/card-processor/contract.ts';
import type { AuthorizationState } from '../../services/ledger/contract.ts';

const SEED = 9;
const accounts = seedAccounts(SEED, 20);
const rich = accounts.find((a) => a.opening_balance > 100_000) as (typeof accounts)[number];

/** What an upstream answers: forward (to the store / as the feed), or this status, media type and body. */
type Reply = 'forward' | { status: number; type: string; body: (request: Record<string, unknown>) => string };

interface Upstream {
  url: string;
  reply: Reply;
  close(): Promise<void>;
}

async function upstream(forward: (path: string, body: string) => Promise<{ status: number; text: string }>): Promise<Upstream> {
  const u: Upstream = { url: '', reply: 'forward', close: async () => undefined };
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      void (async () => {
        const reply = u.reply;
        if (reply === 'forward') {
          const answer = await forward(req.url ?? '/', text);
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.text);
          return;
        }
        const payload = reply.body(text ? (JSON.parse(text) as Record<string, unknown>) : {});
        res.writeHead(reply.status, { 'content-type': reply.type, 'content-length': Buffer.byteLength(payload) }).end(payload);
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  u.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  u.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return u;
}

let discovery: FastifyInstance;
let store: FastifyInstance;
let storeUrl = '';
let ledger: Upstream;
let feed: Upstream;
let router: Router;
let processor: FastifyInstance;
let feedBatches = 0;

before(async () => {
  ({ discovery, store, storeUrl } = await discoveryAndStore(SEED, 20));
  ledger = await upstream(async (path, body) => {
    const res = await fetch(`${storeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, text: await res.text() };
  });
  feed = await upstream(async (_path, body) => {
    feedBatches++;
    const n = (JSON.parse(body) as { events: unknown[] }).events.length;
    return { status: 200, text: JSON.stringify({ received: n, applied: n, duplicates: 0 }) };
  });
  ({ router, processor } = await processorBehindDiscovery(discovery, { ledgerUrl: ledger.url, feedUrl: feed.url, seed: SEED, accounts: 20 }));
});

after(async () => {
  await processor?.close();
  await ledger?.close();
  await feed?.close();
  await store?.close();
  await discovery?.close();
});

function auth(id: string, value = 1234): AuthorizationRequest {
  return {
    id,
    account_id: rich.id,
    card: { token: rich.card_token, last4: rich.card_last4 },
    amount: { value, currency: 'GBP' },
    merchant: { name: 'Corner Shop', mcc: '5411', country: 'GB' },
    channel: 'contactless',
  };
}

const json = (status: number, body: (r: Record<string, unknown>) => unknown): Reply => ({ status, type: 'application/json', body: (r) => JSON.stringify(body(r)) });
const view = { account_id: '', currency: 'GBP', opening_balance: 1, balance: 1, available: 1, holds: 0, version: 1 };
/** A hold answer in the contract's shape, echoing the request, with `over` changed. */
const holdAnswer = (over: Record<string, unknown>): Reply =>
  json(200, (r) => ({ request_id: r.request_id, authorization_id: r.authorization_id, result: 'held', account: { ...view, account_id: r.account_id }, replayed: false, ...over }));

async function drain(deadline_ms: number): Promise<{ pending: number; unsettled_writes: number; delivered: number }> {
  const res = await processor.inject({ method: 'POST', url: '/__admin/drain', payload: { deadline_ms } });
  return res.json();
}

async function ledgerState(id: string): Promise<AuthorizationState> {
  return (await (await fetch(`${storeUrl}/v1/authorizations/${id}`)).json()) as AuthorizationState;
}

test('every ledger answer outside its contract is 502 bad_answer on processor->ledger, never a decline', async () => {
  const cases: [string, Reply][] = [
    ['200 {}', json(200, () => ({}))],
    ['a body that is not JSON', { status: 200, type: 'text/plain', body: () => 'OK' }],
    ['an empty body', { status: 200, type: 'application/json', body: () => '' }],
    ['an unknown result', holdAnswer({ result: 'approved_maybe' })],
    ['a mistyped field', holdAnswer({ replayed: 'no' })],
    ['a missing field', json(200, (r) => ({ request_id: r.request_id, authorization_id: r.authorization_id, result: 'insufficient_funds', replayed: false }))],
    ["another authorization's answer", holdAnswer({ authorization_id: 'someone-else' })],
    ['held on no account', holdAnswer({ account: null })],
    ["held on another account", holdAnswer({ account: { ...view, account_id: 'acc-999999' } })],
    ['a 201', { ...(holdAnswer({}) as Exclude<Reply, 'forward'>), status: 201 }],
  ];
  for (const [i, [what, reply]] of cases.entries()) {
    ledger.reply = reply;
    const res = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth(`bad-${i}`) });
    assert.equal(res.statusCode, 502, `${what}: ${res.body}`);
    const body = res.json() as { hop: string; cause: string; error: string; decision?: string };
    assert.equal(body.decision, undefined, `${what}: not a decision`);
    assert.deepEqual([body.hop, body.cause], ['processor->ledger', 'bad_answer'], what);
    assert.match(body.error, /ledger answered \/v1\/holds (outside its contract|with status 201)/, what);
  }
  // A business decline in the contract is still a decline.
  ledger.reply = holdAnswer({ result: 'insufficient_funds' });
  const declined = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth('bad-ok-decline') });
  assert.equal(declined.statusCode, 200);
  assert.deepEqual([declined.json().decision, declined.json().reason], ['declined', 'insufficient_funds']);
  ledger.reply = 'forward';
  await drain(3000);
});

test('advices and reversals too: a bad answer is 502 bad_answer, not posted, not released', async () => {
  ledger.reply = json(200, () => ({ result: 'posted' }));
  const a = auth('bad-adv');
  const advice = await processor.inject({
    method: 'POST',
    url: '/v1/advices',
    payload: { id: 'adv-bad-adv', authorization_id: a.id, account_id: a.account_id, card: a.card, amount: a.amount, merchant: a.merchant, channel: a.channel },
  });
  assert.equal(advice.statusCode, 502, advice.body);
  assert.equal(advice.json().cause, 'bad_answer');
  // A release that says it moved another amount than asked is outside the contract too.
  ledger.reply = json(200, (r) => ({ request_id: r.request_id, authorization_id: r.authorization_id, result: 'released', amount: { value: 1, currency: 'GBP' }, account: { ...view, account_id: r.account_id }, replayed: false }));
  const reversal = await processor.inject({ method: 'POST', url: '/v1/reversals', payload: { id: 'rev-bad', authorization_id: 'bad-adv', account_id: a.account_id, amount: a.amount } });
  assert.equal(reversal.statusCode, 502, reversal.body);
  assert.equal(reversal.json().cause, 'bad_answer');
  ledger.reply = 'forward';
  await drain(3000);
});

test('a bad answer to a hold may have committed: the processor settles it once the ledger answers in its contract', async () => {
  ledger.reply = json(200, () => ({}));
  const res = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth('bad-settle', 777) });
  assert.equal(res.statusCode, 502);
  const stuck = await drain(300);
  assert.ok(stuck.unsettled_writes >= 1, `the write is pending settlement: ${JSON.stringify(stuck)}`);
  assert.equal((await ledgerState('bad-settle')).holds, 0, 'the garbage ledger wrote nothing');
  ledger.reply = 'forward';
  const settled = await drain(5000);
  assert.equal(settled.unsettled_writes, 0, JSON.stringify(settled));
  // Re-sent with the same request id: the store now has it once (the network's timeout reversal releases it).
  assert.equal((await ledgerState('bad-settle')).holds, 1);
});

test('the feed answering outside its contract keeps the batch in the outbox; it is delivered once the feed answers properly', async () => {
  ledger.reply = 'forward';
  await drain(5000);
  feed.reply = json(200, () => ({}));
  const res = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth('feed-bad', 321) });
  assert.equal(res.json().decision, 'approved', res.body);
  const kept = await drain(400);
  assert.ok(kept.pending >= 1, `kept in the outbox: ${JSON.stringify(kept)}`);
  const before = kept.delivered;
  feed.reply = json(200, (r) => ({ received: (r.events as unknown[]).length - 1, applied: 0, duplicates: 0 }));
  const miscounted = await drain(400);
  assert.equal(miscounted.delivered, before, `a count that does not cover the batch is no delivery: ${JSON.stringify(miscounted)}`);
  feed.reply = 'forward';
  const batches = feedBatches;
  const done = await drain(5000);
  assert.equal(done.pending, 0, JSON.stringify(done));
  assert.ok(done.delivered > before && feedBatches > batches);
});
