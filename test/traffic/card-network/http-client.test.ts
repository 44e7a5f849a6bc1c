import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '../../../harness/traffic/card-network/http-client.ts';
import { closedPort, json, startServer, within } from '../helpers.ts';

test('round-robin over base URLs, JSON in and out', async () => {
  const a = await startServer((req, res) => json(res, 201, { from: 'a', got: req.body }));
  const b = await startServer((req, res) => json(res, 200, { from: 'b', got: req.body }));
  const client = new HttpClient([a.url, `${b.url}/`]);
  try {
    const r1 = await client.post('/x', { n: 1 }, 2000);
    const r2 = await client.post('/x', { n: 2 }, 2000);
    const r3 = await client.get('/y', 2000);
    assert.deepEqual([r1.status, r2.status, r3.status], [201, 200, 201]);
    assert.deepEqual(r1.body, { from: 'a', got: { n: 1 } });
    assert.deepEqual(r2.body, { from: 'b', got: { n: 2 } });
    assert.equal(r1.written, true);
    assert.equal(r1.cause, undefined);
    assert.equal(a.seen[1]?.method, 'GET');
  } finally {
    await client.close();
    await a.close();
    await b.close();
  }
});

test('no answer: status 0 with a cause, and whether the request was written', async () => {
  const hang = await startServer(() => undefined);
  const reset = await startServer((_req, _res, raw) => void raw.socket.destroy());
  const port = await closedPort();
  const client = new HttpClient([hang.url, reset.url, `http://127.0.0.1:${port}`]);
  try {
    const t = await within(5000, client.post('/a', { x: 1 }, 100));
    assert.equal(t.status, 0);
    assert.equal(t.cause, 'timeout');
    assert.equal(t.written, true);
    const r = await within(5000, client.post('/a', { x: 1 }, 2000));
    assert.equal(r.cause, 'reset');
    assert.equal(r.written, true);
    const c = await within(5000, client.post('/a', { x: 1 }, 2000));
    assert.equal(c.cause, 'connection_refused');
    assert.equal(c.written, false);
    // The client keeps working after a timeout aborted a connection.
    const again = await within(5000, client.get('/b', 100, hang.url));
    assert.equal(again.cause, 'timeout');
  } finally {
    await client.close();
    await hang.close();
    await reset.close();
  }
  const closed = await client.post('/a', {}, 100);
  assert.equal(closed.status, 0);
});

test('an answer over the body cap is cut off and its connection closed: no usable answer (status 0, cause other)', async () => {
  const MB = Buffer.alloc(1024 * 1024, 'x');
  let bytesSent = 0;
  let finished = false;
  const flood = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let chunks = 0;
    const more = (): void => {
      while (chunks < 10) {
        chunks++;
        bytesSent += MB.length;
        if (!res.write(MB)) return;
      }
      res.end(() => (finished = true));
    };
    res.on('drain', more);
    more();
  });
  const small = await startServer((_req, res) => json(res, 200, { ok: true }));
  const client = new HttpClient([flood.url, small.url], { maxBodyBytes: 64 * 1024 });
  try {
    const r = await within(5000, client.get('/feed', 4000));
    assert.equal(r.status, 0);
    assert.equal(r.cause, 'other');
    assert.equal(r.written, true);
    assert.equal(r.body, undefined);
    assert.equal(r.error, 'answered 200 with a body over 64 KiB: cut off');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(finished, false, `the flood was stopped, not read to its end (${bytesSent} bytes written)`);
    assert.deepEqual((await client.get('/x', 2000)).body, { ok: true }, 'a small answer still reads whole');
  } finally {
    await client.close();
    await flood.close();
    await small.close();
  }
});
