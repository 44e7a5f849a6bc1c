// The scrape endpoint over a real socket: /metrics in the registry's format and Content-Type, 404 and 405
// otherwise, a taken port refused by name, the port free again after close(), and nextScrape's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { Counter, Registry } from 'prom-client';
import { MetricsPortError, startMetricsServer } from '../../harness/metrics/server.ts';
import { parseExposition, total } from '../support/prometheus-text.ts';

function registryWithOne(): Registry {
  const registry = new Registry();
  new Counter({ name: 'faultline_test_total', help: 't', registers: [registry] }).inc(3);
  return registry;
}

test('GET /metrics answers the registry in the text format with its Content-Type; other paths 404, other methods 405', async () => {
  const registry = registryWithOne();
  const server = await startMetricsServer({ port: 0, registry });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(server.url, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), registry.contentType);
    assert.equal(total(parseExposition(await res.text()), 'faultline_test_total'), 3);
    assert.equal((await fetch(`${server.url}?x=1`, { signal: AbortSignal.timeout(5000) })).status, 200);
    const head = await fetch(server.url, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    for (const path of ['/', '/metric', '/metrics/x', '/api/v1/query']) {
      const r = await fetch(`http://127.0.0.1:${server.port}${path}`, { signal: AbortSignal.timeout(5000) });
      assert.equal(r.status, 404, path);
      assert.match(await r.text(), /not found/);
    }
    const post = await fetch(server.url, { method: 'POST', body: 'x', signal: AbortSignal.timeout(5000) });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.equal(server.scrapes, 3);
  } finally {
    await server.close();
  }
});

test('a port in use is a MetricsPortError naming it; after close() the port is free again', async () => {
  const holder = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const port = (holder.address() as { port: number }).port;
  try {
    await assert.rejects(startMetricsServer({ port, registry: new Registry() }), (err: Error) => err instanceof MetricsPortError && err.message.includes(`--metrics-port ${port}`) && /already in use/.test(err.message));
  } finally {
    holder.close();
    await once(holder, 'close');
  }
  const server = await startMetricsServer({ port, registry: new Registry() });
  // A keep-alive connection left open by a scraper does not hold the port after close().
  await (await fetch(server.url, { signal: AbortSignal.timeout(5000) })).text();
  await server.close();
  const again = await startMetricsServer({ port, registry: new Registry() });
  await again.close();
});

test('nextScrape: true once a scrape that started after the call (or a mark) is answered; false on timeout, abort or close', async () => {
  const server = await startMetricsServer({ port: 0, registry: registryWithOne() });
  try {
    const started = Date.now();
    assert.equal(await server.nextScrape({ timeoutMs: 150 }), false);
    assert.ok(Date.now() - started >= 140);
    const waiting = server.nextScrape({ timeoutMs: 10_000 });
    await (await fetch(server.url, { signal: AbortSignal.timeout(5000) })).text();
    assert.equal(await waiting, true);
    const controller = new AbortController();
    const aborted = server.nextScrape({ timeoutMs: 10_000, signal: controller.signal });
    controller.abort();
    assert.equal(await aborted, false);
    // A 404 is no scrape.
    const notYet = server.nextScrape({ timeoutMs: 300 });
    await (await fetch(`http://127.0.0.1:${server.port}/`, { signal: AbortSignal.timeout(5000) })).text();
    assert.equal(await notYet, false);
    // `since` a mark: a scrape answered after the mark counts, even before the call (a scraper that read the
    // final values between the run's end and the wait).
    const mark = server.mark;
    await (await fetch(server.url, { signal: AbortSignal.timeout(5000) })).text();
    assert.equal(await server.nextScrape({ timeoutMs: 0, since: mark }), true);
    assert.equal(await server.nextScrape({ timeoutMs: 100 }), false, 'without a mark: only a scrape after the call');
    const closing = server.nextScrape({ timeoutMs: 10_000 });
    await server.close();
    assert.equal(await closing, false);
  } finally {
    await server.close();
  }
});
