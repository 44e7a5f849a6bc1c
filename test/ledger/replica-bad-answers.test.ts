// A ledger replica reads its store's answers to writes against the ledger's contract: a store answering
// `200 {}`, a body that is not JSON, or another request's answer is 502 `bad_answer` on ledger->store (the
// processor then knows where it broke), never relayed as if it were an answer. Good answers and the
// store's refusals pass through unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import { ledgerReplicaPlugin } from '../../services/ledger/replica-plugin.ts';

let reply: { status: number; body: string } = { status: 200, body: '{}' };
let store: http.Server;
let replica: FastifyInstance;

before(async () => {
  store = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body));
  });
  await new Promise<void>((r) => store.listen(0, '127.0.0.1', r));
  replica = createApp();
  await replica.register(ledgerReplicaPlugin, { replica: 'ledger-1', storeUrl: `http://127.0.0.1:${(store.address() as AddressInfo).port}` });
  await replica.ready();
});

after(async () => {
  await replica?.close();
  store.closeAllConnections();
  await new Promise<void>((r) => store.close(() => r()));
});

const hold = { request_id: 'hold:r-1', authorization_id: 'r-1', account_id: 'acc-000001', amount: { value: 100, currency: 'GBP' } };
const view = { account_id: 'acc-000001', currency: 'GBP', opening_balance: 1000, balance: 1000, available: 900, holds: 100, version: 2 };

test('a store answer outside the contract is 502 bad_answer on ledger->store; a good one and a refusal pass through', async () => {
  const cases: [string, string][] = [
    ['{}', '{}'],
    ['not JSON', 'OK'],
    ["another request's answer", JSON.stringify({ request_id: 'hold:other', authorization_id: 'other', result: 'held', account: view, replayed: false })],
    ['an unknown result', JSON.stringify({ ...hold, result: 'approved', account: view, replayed: false })],
  ];
  for (const [what, body] of cases) {
    reply = { status: 200, body };
    const res = await replica.inject({ method: 'POST', url: '/v1/holds', payload: hold });
    assert.equal(res.statusCode, 502, `${what}: ${res.body}`);
    const b = res.json() as { hop: string; cause: string; error: string };
    assert.deepEqual([b.hop, b.cause], ['ledger->store', 'bad_answer'], what);
    assert.match(b.error, /ledger store answered \/v1\/holds outside its contract/);
  }
  const good = JSON.stringify({ request_id: hold.request_id, authorization_id: hold.authorization_id, result: 'held', account: view, replayed: false });
  reply = { status: 200, body: good };
  const ok = await replica.inject({ method: 'POST', url: '/v1/holds', payload: hold });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.body, good, 'relayed byte for byte');
  reply = { status: 409, body: JSON.stringify({ error: 'held once', code: 'one_hold_per_authorization', status: 409, field: 'authorization_id' }) };
  const refused = await replica.inject({ method: 'POST', url: '/v1/holds', payload: hold });
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().code, 'one_hold_per_authorization');
});
