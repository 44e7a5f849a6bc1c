import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLedgerReader, LedgerReadError } from '../../harness/checkers/ledger-reader.ts';
import { checkLedger } from '../../harness/checkers/check-ledger.ts';
import { Checks } from '../../harness/checkers/compose.ts';
import type { AuthorizationState } from '../../services/ledger/contract.ts';
import { world } from './fixtures.ts';

// A stand-in ledger and feed speaking the contract's routes, serving the fixture world.
const w = world();
let server: Server;
let base = '';
let journalCalls = 0;
let flaky = 0;
let maxInFlight = 0;
let inFlight = 0;

function states(id: string): AuthorizationState | null {
  const entries = w.journal.filter((e) => e.authorization_id === id);
  if (entries.length === 0) return null;
  const n = (k: string) => entries.filter((e) => e.kind === k).length;
  return { authorization_id: id, holds: n('hold'), releases: n('release'), postings: n('posting'), captures: n('capture'), refunds: n('refund'), held: n('hold') > 0 };
}

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      let m: RegExpExecArray | null;
      if (url.pathname === '/v1/journal') {
        journalCalls++;
        const after = Number(url.searchParams.get('after'));
        const limit = Number(url.searchParams.get('limit'));
        const entries = w.journal.filter((e) => e.seq > after).slice(0, limit);
        const last = entries.at(-1);
        send(200, { entries, next: last && last.seq < w.journal.length ? last.seq : null });
      } else if ((m = /^\/v1\/accounts\/([^/]+)$/.exec(url.pathname))) {
        const a = w.accounts.find((x) => x.account_id === m![1]);
        if (a) send(200, a);
        else send(404, { error: 'no such account' });
      } else if ((m = /^\/feed\/v1\/accounts\/([^/]+)\/balance$/.exec(url.pathname))) {
        const b = w.feed.find((x) => x.account_id === m![1]);
        if (b) send(200, b);
        else send(404, { error: 'no such account' });
      } else if ((m = /^\/v1\/authorizations\/([^/]+)$/.exec(url.pathname))) {
        if (m[1] === 'flaky' && flaky++ < 1) return send(503, { error: 'try again' });
        const s = states(m[1]);
        if (s) send(200, s);
        else send(404, { error: 'unknown authorization' });
      } else {
        send(404, { error: 'no route' });
      }
    }, 2);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('ledger-reader: pages the journal until next is null', { timeout: 10_000 }, async () => {
  const reader = createLedgerReader({ ledgerUrl: base, pageSize: 3 });
  try {
    journalCalls = 0;
    const journal = await reader.readJournal();
    assert.deepEqual(journal.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(journalCalls, 3);
  } finally {
    await reader.close();
  }
});

test('ledger-reader: accounts with bounded concurrency, states (404 = null, 5xx retried), feed balances', { timeout: 10_000 }, async () => {
  const reader = createLedgerReader({ ledgerUrl: base, feedUrl: `${base}/feed`, concurrency: 2 });
  try {
    maxInFlight = 0;
    const ids = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'acc-1' : 'acc-2'));
    const accounts = await reader.accounts(ids);
    assert.deepEqual(accounts.map((a) => a.account_id), ids);
    assert.ok(maxInFlight <= 2, `at most 2 in flight, saw ${maxInFlight}`);
    const st = await reader.authorizationStates(['u1', 'u2', 'flaky']);
    assert.equal((st.get('u1') as AuthorizationState).held, true);
    assert.equal(st.get('u2'), null);
    assert.equal(st.get('flaky'), null, 'a 503 then a 404: retried');
    const feed = await reader.feedBalances(['acc-1', 'acc-2']);
    assert.deepEqual(feed, w.feed);
  } finally {
    await reader.close();
  }
});

test('ledger-reader: a failure names the URL', { timeout: 10_000 }, async () => {
  const reader = createLedgerReader({ ledgerUrl: base });
  try {
    await assert.rejects(reader.accounts(['acc-404']), (err: unknown) => {
      assert.ok(err instanceof LedgerReadError);
      assert.match(err.message, new RegExp(`GET ${base}/v1/accounts/acc-404 failed: HTTP 404`));
      return true;
    });
  } finally {
    await reader.close();
  }
  const dead = createLedgerReader({ ledgerUrl: 'http://127.0.0.1:1', retries: 0, timeoutMs: 2000 });
  try {
    await assert.rejects(dead.readJournal(), /GET http:\/\/127\.0\.0\.1:1\/v1\/journal\?after=0&limit=1000 failed: ECONNREFUSED/);
  } finally {
    await dead.close();
  }
});

test('checkLedger: reads everything from live services and checks it', { timeout: 10_000 }, async () => {
  const reader = createLedgerReader({ ledgerUrl: base, feedUrl: `${base}/feed`, pageSize: 2 });
  const checks = new Checks();
  for (const r of w.history) checks.record(r);
  try {
    const report = await checkLedger({
      reader,
      accountIds: ['acc-1', 'acc-2'],
      checks,
      advicesPending: [],
    });
    assert.equal(report.validity, 'valid', JSON.stringify(report.invariants, null, 1));
    assert.deepEqual(report.unknown_resolution, { total: 2, held: 1, not_held: 1, unresolved: 0 });
  } finally {
    await reader.close();
  }
});

test('ledger-reader: an answer outside the contract is a read error naming it, never a number to compare', { timeout: 10_000 }, async () => {
  let body: unknown = {};
  const garbage = createServer((req, res) => {
    // No paged listings here (read one by one); paged-reader.test.ts judges malformed pages.
    if (/^\/v1\/(accounts|balances)(\?|$)/.test(req.url ?? '')) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
  const reader = createLedgerReader({ ledgerUrl: url, feedUrl: url, retries: 0 });
  try {
    await assert.rejects(reader.accounts(['acc-1']), /failed: the answer is not the account's view: answer must have required property/);
    await assert.rejects(reader.readJournal(), /failed: the answer is not a journal page: answer must have required property 'entries'/);
    await assert.rejects(reader.feedBalances(['acc-1']), /failed: the answer is not the account's balance/);
    const states = await reader.authorizationStates(['u1']);
    assert.ok(states.get('u1') instanceof LedgerReadError);
    body = { ...w.accounts[1] };
    await assert.rejects(reader.accounts(['acc-1']), /answer\/account_id is "acc-2", not the "acc-1" asked for/);
    body = { entries: [{ ...w.journal[0], amount: '10000' }], next: null };
    await assert.rejects(reader.readJournal(), /answer\/entries\/0\/amount must be integer/);
  } finally {
    await reader.close();
    garbage.closeAllConnections();
    await new Promise<void>((resolve) => garbage.close(() => resolve()));
  }
});
