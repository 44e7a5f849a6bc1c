// The checks wait for late ledger writes to land before they read (a write landing while they read the
// accounts, then the journal, is a false balances failure): against a real ledger store, written to by a
// trickle that stops, then by one that never stops, then a store that does not say how many entries it has.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../services/common/app.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import { waitForQuietLedger } from '../../harness/runner/quiet-ledger.ts';

const SEED = 3;
const rich = seedAccounts(SEED, 20).find((a) => a.opening_balance > 100_000) as ReturnType<typeof seedAccounts>[number];
let store: FastifyInstance;
let url = '';
let n = 0;

before(async () => {
  store = createApp();
  await store.register(ledgerStorePlugin, { book: createLedgerBook({ seed: SEED, accounts: 20, idempotency: true }), replica: 'ledger-store' });
  await store.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(store.server.address() as AddressInfo).port}`;
});
after(async () => {
  await store?.close();
});

async function write(): Promise<void> {
  n++;
  await store.inject({ method: 'POST', url: '/v1/holds', payload: { request_id: `q-${n}`, authorization_id: `q-${n}`, account_id: rich.id, amount: { value: 1, currency: 'GBP' } } });
}

async function entries(): Promise<number> {
  return ((await store.inject({ method: 'GET', url: '/health' })).json() as { entries: number }).entries;
}

test('a ledger written long ago is quiet at once; a trickle is waited out', async () => {
  await write();
  await new Promise((r) => setTimeout(r, 400));
  let start = performance.now();
  // One poll would take 5 s: returning well before proves it did not wait.
  assert.equal(await waitForQuietLedger(url, { quietMs: 300, deadlineMs: 20_000, pollMs: 5000 }, () => {}), true);
  assert.ok(performance.now() - start < 4000, `no wait when the last write is older than quietMs: ${performance.now() - start} ms`);

  let writing = true;
  const trickle = (async () => {
    for (let i = 0; i < 10 && writing; i++) {
      await write();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await new Promise((r) => setTimeout(r, 60)); // the trickle has begun
  const lines: string[] = [];
  start = performance.now();
  assert.equal(await waitForQuietLedger(url, { quietMs: 400, deadlineMs: 10_000, pollMs: 50 }, (l) => lines.push(l)), true);
  const returned = Date.now();
  const waited = performance.now() - start;
  writing = false;
  await trickle;
  // It returns only once nothing was written for quietMs (a write seen recently restarts the wait).
  assert.ok(waited >= 300, `waited ${waited.toFixed(0)} ms after a write a moment ago`);
  const count = await entries();
  const last = ((await store.inject({ method: 'GET', url: `/v1/journal?after=${count - 1}&limit=1` })).json() as { entries: { at: number }[] }).entries[0];
  const at = last?.at ?? 0;
  if (at <= returned) assert.ok(returned - at >= 350, `the last write before it returned was ${returned - at} ms earlier`);
  assert.match(lines.join('\n'), /^waited \d+\.\d s for late ledger writes to land \(\d+ entries\) before checking$/);
  writing = false;
});

test('a ledger that never stops being written: it gives up at the deadline and says so', async () => {
  let writing = true;
  const stream = (async () => {
    while (writing) {
      await write();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const lines: string[] = [];
  const start = performance.now();
  try {
    assert.equal(await waitForQuietLedger(url, { quietMs: 400, deadlineMs: 800, pollMs: 50 }, (l) => lines.push(l)), false);
    assert.ok(performance.now() - start < 3000);
    assert.match(lines[0] ?? '', /^the ledger was still being written 1 s after the drain \(\d+ entries since\): checking it anyway$/);
  } finally {
    writing = false;
    await stream;
  }
});

test('a store that does not say how many entries it has is not waited for', async () => {
  const other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  try {
    const start = performance.now();
    assert.equal(await waitForQuietLedger(`http://127.0.0.1:${(other.address() as AddressInfo).port}`, { quietMs: 1000, deadlineMs: 5000 }, () => {}), true);
    assert.ok(performance.now() - start < 1000);
  } finally {
    other.closeAllConnections();
    await new Promise<void>((r) => other.close(() => r()));
  }
});
