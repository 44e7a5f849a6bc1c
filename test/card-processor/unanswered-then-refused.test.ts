// A hold whose first attempt reached the ledger and was never answered (the connection reset after the ledger
// committed it), then retried by the hardened router and refused (a 5xx: nothing written by that attempt), is
// still a hold that may exist. Judged by its last attempt alone it was "nothing written": the processor never
// settled it (the feed never heard of the hold) and the network, told http_5xx, sent no timeout reversal — a
// full run under process faults left one account's hold unknown to the feed (feed-agrees failed, 2026-12-07).
// Behind a real router and discovery stub sit a real ledger store and a small node:http ledger in front of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import type { Router } from '../../services/router/index.ts';
import { discoveryAndStore, processorBehindDiscovery } from './behind-discovery.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import { failureOf } from '../../harness/traffic/card-network/answers.ts';
import type { AuthorizationRequest } from '../../services/card-processor/contract.ts';
import type { AuthorizationState } from '../../services/ledger/contract.ts';

const SEED = 11;
const accounts = seedAccounts(SEED, 20);
const rich = accounts.find((a) => a.opening_balance > 100_000) as (typeof accounts)[number];

/** How the ledger in front of the store behaves: pass through, or commit the first request then reset, then 503. */
let mode: 'forward' | 'commit-reset-then-503' = 'forward';
let sinceReset = 0;
const feedEvents: { authorization_id?: string; kind?: string }[] = [];
const servers: http.Server[] = [];
let discovery: FastifyInstance;
let store: FastifyInstance;
let storeUrl = '';
let router: Router;
let processor: FastifyInstance;

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
  });
}

before(async () => {
  ({ discovery, store, storeUrl } = await discoveryAndStore(SEED, 20));
  const ledgerUrl = await listen((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (mode === 'commit-reset-then-503' && sinceReset++ > 0) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'draining' }));
        return;
      }
      const answer = await fetch(`${storeUrl}${req.url ?? '/'}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await answer.text();
      // Committed by the store; the answer never reaches the processor.
      if (mode === 'commit-reset-then-503') return req.socket.destroy();
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    })();
  });
  const feedUrl = await listen((req, res) => {
    void readBody(req).then((text) => {
      const events = (JSON.parse(text) as { events: { authorization_id?: string; kind?: string }[] }).events;
      feedEvents.push(...events);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: events.length, applied: events.length, duplicates: 0 }));
    });
  });
  ({ router, processor } = await processorBehindDiscovery(discovery, { ledgerUrl: ledgerUrl, feedUrl: feedUrl, seed: SEED, accounts: 20 }));
});

after(async () => {
  await processor?.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  await store?.close();
  await discovery?.close();
});

async function drain(deadline_ms: number): Promise<{ unsettled_writes: number }> {
  return (await processor.inject({ method: 'POST', url: '/__admin/drain', payload: { deadline_ms } })).json();
}

test('a hold reset after commit, then refused on the retry, may have committed: settled in the background, its feed event sent, and the network told so', async () => {
  const auth: AuthorizationRequest = {
    id: 'reset-then-503',
    account_id: rich.id,
    card: { token: rich.card_token, last4: rich.card_last4 },
    amount: { value: 4321, currency: 'GBP' },
    merchant: { name: 'Corner Shop', mcc: '5411', country: 'GB' },
    channel: 'contactless',
  };
  mode = 'commit-reset-then-503';
  const res = await processor.inject({ method: 'POST', url: '/v1/authorizations', payload: auth });
  assert.equal(res.statusCode, 502, res.body);
  const body = res.json() as { hop: string; cause: string; attempts: number; may_have_committed?: boolean };
  assert.ok(body.attempts >= 2, `the router retried after the reset: ${res.body}`);
  assert.equal(body.cause, 'http_5xx', 'the last attempt was refused');
  assert.equal(body.may_have_committed, true, `the answer says an earlier attempt may have committed: ${res.body}`);
  const ledgerHas = (await (await fetch(`${storeUrl}/v1/authorizations/${auth.id}`)).json()) as AuthorizationState;
  assert.equal(ledgerHas.holds, 1, 'the first attempt did commit the hold');
  // The network reads the same answer as ambiguous: a timeout reversal follows, not a plain failure.
  assert.equal(failureOf({ status: 502, body, written: true, baseUrl: 'http://127.0.0.1' }, 'network->processor').ambiguous, true);

  const pending = await drain(200);
  assert.ok(pending.unsettled_writes >= 1, `the write waits to be settled: ${JSON.stringify(pending)}`);
  mode = 'forward';
  const settled = await drain(10_000);
  assert.equal(settled.unsettled_writes, 0, JSON.stringify(settled));
  assert.ok(
    feedEvents.some((e) => e.authorization_id === auth.id && e.kind === 'hold'),
    `the feed heard of the hold: ${JSON.stringify(feedEvents.map((e) => [e.authorization_id, e.kind]))}`,
  );
  const after = (await (await fetch(`${storeUrl}/v1/authorizations/${auth.id}`)).json()) as AuthorizationState;
  assert.equal(after.holds, 1, 'settling re-sent the same request id: still one hold');
});
