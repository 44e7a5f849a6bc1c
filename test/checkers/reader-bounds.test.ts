// The reads after a run are bounded: a service that hangs costs one request timeout (the reads still
// queued for it fail at once, naming it), a body over the cap is refused without reading it all, and a
// feed that cannot be read leaves the ledger's invariants checked and feed-agrees unknown, saying why.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLedgerReader, LedgerReadError } from '../../harness/checkers/ledger-reader.ts';
import { checkLedger } from '../../harness/checkers/check-ledger.ts';
import { Checks } from '../../harness/checkers/compose.ts';
import { world } from './fixtures.ts';

const servers: Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const w = world();
const send = (res: Parameters<RequestListener>[1], body: unknown): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** The fixture world's ledger: accounts and a one-page journal. */
const ledger: RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const account = /^\/v1\/accounts\/([^/]+)$/.exec(url.pathname);
  if (account) return send(res, w.accounts.find((a) => a.account_id === account[1]));
  if (url.pathname === '/v1/journal') return send(res, { entries: w.journal, next: null });
  if (url.pathname.startsWith('/v1/authorizations/')) return send(res, null);
  res.writeHead(404).end();
};

test('a hung service costs one timeout: the reads queued for it fail at once, naming it', { timeout: 20_000 }, async () => {
  const hung = await serve(() => undefined);
  const reader = createLedgerReader({ ledgerUrl: hung, timeoutMs: 300, concurrency: 2 });
  const started = Date.now();
  try {
    await assert.rejects(reader.accounts(Array.from({ length: 50 }, (_, i) => `acc-${i}`)), (err: unknown) => {
      assert.ok(err instanceof LedgerReadError);
      // The paged listing is asked first: it hangs, and nothing else is tried.
      assert.match(err.message, new RegExp(`^GET ${hung}/v1/accounts\\?limit=1000 failed: no answer within 300 ms$`));
      return true;
    });
    await assert.rejects(reader.readJournal(), new RegExp(`failed: not tried: ${hung} already failed \\(no answer within 300 ms\\)`));
  } finally {
    await reader.close();
  }
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
});

test('a body over the cap is refused without reading it all', { timeout: 20_000 }, async () => {
  const flood = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const timer = setInterval(() => res.write(chunk), 1);
    res.on('close', () => clearInterval(timer));
  });
  const reader = createLedgerReader({ ledgerUrl: flood, maxBodyBytes: 256 * 1024, timeoutMs: 10_000 });
  try {
    await assert.rejects(reader.readJournal(), /failed: HTTP 200 with a body over 256 KiB: not read further/);
  } finally {
    await reader.close();
  }
});

test('a feed that cannot be read: the ledger invariants are judged, feed-agrees is unknown saying why', { timeout: 20_000 }, async () => {
  const base = await serve(ledger);
  const hungFeed = await serve(() => undefined);
  const reader = createLedgerReader({ ledgerUrl: base, feedUrl: hungFeed, timeoutMs: 2000 });
  const checks = new Checks();
  for (const r of w.history) checks.record(r);
  try {
    const report = await checkLedger({ reader, accountIds: w.accounts.map((a) => a.account_id), checks, advicesPending: [] });
    const feed = report.invariants.find((i) => i.name === 'feed-agrees');
    assert.equal(feed?.validity, 'unknown');
    assert.match(feed?.detail ?? '', new RegExp(`^the feed/balance API could not be read \\(GET ${hungFeed}/v1/balances\\?limit=1000 failed: (no answer within 2000 ms|not tried: .*)\\): agreement with the ledger unknown$`));
    const others = report.invariants.filter((i) => i.name !== 'feed-agrees');
    assert.ok(others.length >= 6 && others.every((i) => !/could not be read/.test(i.detail)), 'the ledger invariants were judged from the ledger');
    assert.equal(report.invariants.find((i) => i.name === 'double-entry')?.validity, 'valid');
  } finally {
    await reader.close();
  }
});
