// Every toxic on the data path, over real sockets: client → embedded proxy → upstream server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { connect, echoServer, proxyServer, proxyTo, receive, receiveBytes, sleep, tcpServer } from './helpers.ts';

/** ms for one write of `message` to come back through an echo. */
async function roundTrip(socket: Socket, message = 'ping'): Promise<number> {
  const started = performance.now();
  socket.write(message);
  await receiveBytes(socket, Buffer.byteLength(message), 5000);
  return performance.now() - started;
}

/** An upstream that writes `payload` to each client when it connects, then ends (or stays open). */
function sender(t: Parameters<typeof tcpServer>[0], payload: Buffer, end = true) {
  return tcpServer(t, (socket) => {
    if (end) socket.end(payload);
    else socket.write(payload);
  });
}

describe('toxics on the data path', () => {
  test('no toxics: data passes intact both ways and a half-close is honoured', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { port } = await proxyTo(client, 'echo', echo.port);
    const socket = await connect(t, port);
    const payload = randomBytes(1024 * 1024);
    const got = receive(socket, 10_000);
    socket.end(payload);
    const result = await got;
    assert.equal(result.ending, 'end');
    assert.ok(result.data.equals(payload), `echoed ${result.data.length} of ${payload.length} bytes intact`);
  });

  test('latency: 100 ms adds >= 90 ms and < 1 s, on a connection already open; removal stops it', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'echo', echo.port);
    const socket = await connect(t, port);
    const before = await roundTrip(socket);
    const toxic = await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 0 } });
    const during = await roundTrip(socket);
    assert.ok(during >= 90 && during < 1000, `round trip with latency ${during.toFixed(1)} ms (before: ${before.toFixed(1)} ms)`);
    await toxic.remove();
    const after = await roundTrip(socket);
    assert.ok(after < 90, `round trip after removal ${after.toFixed(1)} ms`);
  });

  test('latency upstream and downstream add up; jitter stays within latency ± jitter', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'echo', echo.port);
    await proxy.addToxic({ name: 'up', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 60, jitter: 20 } });
    await proxy.addToxic({ name: 'down', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 60, jitter: 0 } });
    const socket = await connect(t, port);
    for (let i = 0; i < 3; i++) {
      const ms = await roundTrip(socket, `m${i}`);
      assert.ok(ms >= 95 && ms < 1000, `round trip ${ms.toFixed(1)} ms with 60±20 up + 60 down`);
    }
  });

  test('bandwidth: a 60 KB response through 100 KB/s takes about 0.6 s', async (t) => {
    const { client } = await proxyServer(t);
    const payload = randomBytes(60_000);
    const upstream = await sender(t, payload);
    const { proxy, port } = await proxyTo(client, 'bulk', upstream.port);
    await proxy.addToxic({ name: 'thin', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 100 } });
    const socket = await connect(t, port);
    const result = await receive(socket, 10_000);
    assert.equal(result.ending, 'end');
    assert.ok(result.data.equals(payload));
    assert.ok(result.elapsed >= 450 && result.elapsed < 3000, `60 KB at 100 KB/s took ${result.elapsed.toFixed(0)} ms`);
  });

  test('slow_close: data arrives at once, the close 300 ms later', async (t) => {
    const { client } = await proxyServer(t);
    const upstream = await sender(t, Buffer.from('bye'));
    const { proxy, port } = await proxyTo(client, 'closer', upstream.port);
    await proxy.addToxic({ name: 'linger', type: 'slow_close', stream: 'downstream', toxicity: 1, attributes: { delay: 300 } });
    const socket = await connect(t, port);
    const started = performance.now();
    let firstData = 0;
    socket.once('data', () => (firstData = performance.now() - started));
    const result = await receive(socket, 5000);
    assert.equal(result.data.toString(), 'bye');
    assert.equal(result.ending, 'end');
    assert.ok(firstData < 250, `data after ${firstData.toFixed(0)} ms`);
    assert.ok(result.elapsed >= 270 && result.elapsed < 2000, `closed after ${result.elapsed.toFixed(0)} ms`);
  });

  test('limit_data: the connection closes after exactly N bytes, in either direction', async (t) => {
    const { client } = await proxyServer(t);
    const payload = randomBytes(10_000);
    const upstream = await sender(t, payload, false);
    const { proxy, port } = await proxyTo(client, 'limited', upstream.port);
    await proxy.addToxic({ name: 'cap', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 1234 } });
    const socket = await connect(t, port);
    const result = await receive(socket, 5000);
    assert.equal(result.ending, 'end');
    assert.equal(result.data.length, 1234);
    assert.ok(result.data.equals(payload.subarray(0, 1234)));

    const seen: Buffer[] = [];
    const sink = await tcpServer(t, (s) => s.on('data', (d: Buffer) => seen.push(d)));
    const { proxy: upProxy, port: upPort } = await proxyTo(client, 'limited-up', sink.port);
    await upProxy.addToxic({ name: 'cap', type: 'limit_data', stream: 'upstream', toxicity: 1, attributes: { bytes: 100 } });
    const writer = await connect(t, upPort);
    const closed = receive(writer, 5000);
    writer.write(randomBytes(1000));
    assert.equal((await closed).ending, 'end');
    await sleep(50);
    assert.equal(Buffer.concat(seen).length, 100);
  });

  test('reset_peer: the client sees ECONNRESET, after the timeout', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'reset', echo.port);
    await proxy.addToxic({ name: 'rst', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    const socket = await connect(t, port);
    const got = receive(socket, 5000);
    socket.write('hello');
    const result = await got;
    assert.equal(result.ending, 'ECONNRESET');
    assert.equal(result.data.length, 0, 'the data that triggered the reset is dropped');

    await proxy.getToxic('rst').then((x) => x.update({ ...x.toJson(), attributes: { timeout: 200 } }));
    const later = await connect(t, port);
    const gotLater = receive(later, 5000);
    later.write('hello');
    const resetLater = await gotLater;
    assert.equal(resetLater.ending, 'ECONNRESET');
    assert.ok(resetLater.elapsed >= 180 && resetLater.elapsed < 2000, `reset after ${resetLater.elapsed.toFixed(0)} ms`);
  });

  test('timeout 0: data stops and the connection hangs until the toxic is removed, then it is closed', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'hang', echo.port);
    const socket = await connect(t, port);
    await roundTrip(socket);
    const toxic = await proxy.addToxic({ name: 'stall', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    socket.write('anyone?');
    const hung = await receive(socket, 400);
    assert.equal(hung.ending, 'open');
    assert.equal(hung.data.length, 0);
    const closing = receive(socket, 5000);
    await toxic.remove();
    const closed = await closing;
    assert.equal(closed.ending, 'end', 'removing the toxic closes the connection (the stream lost data)');
    assert.equal(closed.data.length, 0);
  });

  test('timeout > 0: nothing gets through and the connection closes after the timeout', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'cut', echo.port);
    await proxy.addToxic({ name: 'cut', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 200 } });
    const socket = await connect(t, port);
    const got = receive(socket, 5000);
    socket.write('lost');
    const result = await got;
    assert.equal(result.ending, 'end');
    assert.equal(result.data.length, 0);
    assert.ok(result.elapsed >= 180 && result.elapsed < 2000, `closed after ${result.elapsed.toFixed(0)} ms`);
  });

  test('slicer: one write arrives as many small pieces, intact', async (t) => {
    const { client } = await proxyServer(t);
    const payload = randomBytes(400);
    const upstream = await sender(t, payload);
    const { proxy, port } = await proxyTo(client, 'sliced', upstream.port);
    await proxy.addToxic({ name: 'knife', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 10, size_variation: 4, delay: 3000 } });
    const socket = await connect(t, port);
    const result = await receive(socket, 10_000);
    assert.equal(result.ending, 'end');
    assert.ok(result.data.equals(payload));
    assert.ok(result.reads.length >= 10, `${result.reads.length} reads (${result.reads.join(',')})`);
    assert.ok(Math.min(...result.reads) <= 14, `smallest read ${Math.min(...result.reads)} bytes`);
  });

  test('toxicity 0 never applies, 1 always does', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'dice', echo.port);
    const toxic = await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 0, attributes: { latency: 300, jitter: 0 } });
    for (let i = 0; i < 4; i++) {
      const ms = await roundTrip(await connect(t, port));
      assert.ok(ms < 250, `toxicity 0: ${ms.toFixed(0)} ms`);
    }
    await toxic.update({ ...toxic.toJson(), toxicity: 1 });
    for (let i = 0; i < 4; i++) {
      const ms = await roundTrip(await connect(t, port));
      assert.ok(ms >= 270, `toxicity 1: ${ms.toFixed(0)} ms`);
    }
  });

  test('toxicity is drawn per connection from the seed: the same seed picks the same connections', async (t) => {
    const pattern = async (seed: number): Promise<string> => {
      const { client } = await proxyServer(t, seed);
      const echo = await echoServer(t);
      const { proxy, port } = await proxyTo(client, 'dice', echo.port);
      await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 0.5, attributes: { latency: 400, jitter: 0 } });
      const sockets: Socket[] = [];
      for (let i = 0; i < 12; i++) sockets.push(await connect(t, port));
      const times = await Promise.all(sockets.map((s) => roundTrip(s)));
      return times.map((ms) => (ms >= 300 ? 'x' : '.')).join('');
    };
    const first = await pattern(42);
    const second = await pattern(42);
    assert.equal(second, first);
    assert.ok(first.includes('x') && first.includes('.'), `toxicity 0.5 affects some connections, not all: ${first}`);
  });

  test('toxics added, updated and removed mid-stream neither lose nor reorder data', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'churn', echo.port);
    const socket = await connect(t, port);
    const payload = randomBytes(300 * 1024);
    const got = receive(socket, 20_000);
    const writing = (async () => {
      for (let offset = 0; offset < payload.length; offset += 4096) {
        socket.write(payload.subarray(offset, offset + 4096));
        await sleep(1);
      }
      socket.end();
    })();
    const lat = await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 20, jitter: 5 } });
    await sleep(20);
    await proxy.addToxic({ name: 'slice', type: 'slicer', stream: 'upstream', toxicity: 1, attributes: { average_size: 500, size_variation: 100, delay: 0 } });
    await proxy.addToxic({ name: 'bw', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 2000 } });
    await sleep(30);
    await lat.update({ ...lat.toJson(), attributes: { latency: 5, jitter: 0 } });
    await sleep(30);
    await lat.remove();
    await sleep(20);
    await (await proxy.getToxic('slice')).remove();
    await (await proxy.getToxic('bw')).remove();
    await writing;
    const result = await got;
    assert.equal(result.ending, 'end');
    assert.equal(result.data.length, payload.length);
    assert.ok(result.data.equals(payload), 'echoed bytes equal the bytes sent, in order');
  });
});
