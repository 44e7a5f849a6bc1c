// Connection lifecycle through the embedded proxy: upstream down, proxies disabled or deleted under live
// connections, and either side closing.
import assert from 'node:assert/strict';
import net, { type AddressInfo, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { connect, echoServer, proxyServer, proxyTo, receive, receiveBytes, tcpServer, within } from './helpers.ts';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('proxied connections', () => {
  test('an upstream that is down: the client is accepted, then closed cleanly; the proxy carries on', async (t) => {
    const { client } = await proxyServer(t);
    const deadPort = await freePort();
    const { port } = await proxyTo(client, 'dead', deadPort);
    for (let i = 0; i < 20; i++) {
      const socket = await connect(t, port);
      socket.write('anyone there?');
      const result = await receive(socket, 3000);
      assert.notEqual(result.ending, 'open', 'the client connection is closed');
      assert.equal(result.data.length, 0);
    }
    const echo = await tcpServer(t, (s) => s.pipe(s));
    const proxy = await client.get('dead');
    const moved = await proxy.update({ enabled: true, listen: proxy.listen, upstream: `127.0.0.1:${echo.port}` });
    const socket = await connect(t, Number(moved.listen.split(':').pop()));
    socket.write('hi');
    assert.equal((await receiveBytes(socket, 2, 5000)).toString(), 'hi');
  });

  test('disabling a proxy closes its live connections, on both sides', async (t) => {
    const { client } = await proxyServer(t);
    const upstreamClosed: Array<Promise<void>> = [];
    const echo = await tcpServer(t, (s) => {
      s.pipe(s);
      upstreamClosed.push(new Promise((resolve) => s.once('close', () => resolve())));
    });
    const { proxy, port } = await proxyTo(client, 'p', echo.port);
    const socket = await connect(t, port);
    socket.write('x');
    await receiveBytes(socket, 1, 5000);
    const closed = receive(socket, 5000);
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    assert.notEqual((await closed).ending, 'open');
    await within(Promise.all(upstreamClosed), 5000, 'the upstream side to close');
  });

  test('deleting a proxy closes its live connections, even with toxics holding data', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { proxy, port } = await proxyTo(client, 'p', echo.port);
    await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 10_000, jitter: 0 } });
    const socket = await connect(t, port);
    socket.write('held');
    const closed = receive(socket, 5000);
    await proxy.remove();
    const result = await closed;
    assert.notEqual(result.ending, 'open');
    assert.equal(result.data.length, 0);
  });

  test('a client that goes away closes the upstream connection; an upstream that closes ends the client', async (t) => {
    const { client } = await proxyServer(t);
    const serverSockets: Socket[] = [];
    const upstream = await tcpServer(t, (s) => serverSockets.push(s));
    const { port } = await proxyTo(client, 'p', upstream.port);
    const first = await connect(t, port);
    await within(
      (async () => {
        while (serverSockets.length < 1) await new Promise((r) => setTimeout(r, 5));
      })(),
      5000,
      'the upstream to accept',
    );
    const upstreamSide = receive(serverSockets[0]!, 5000);
    first.destroy();
    assert.notEqual((await upstreamSide).ending, 'open');

    const second = await connect(t, port);
    await within(
      (async () => {
        while (serverSockets.length < 2) await new Promise((r) => setTimeout(r, 5));
      })(),
      5000,
      'the upstream to accept',
    );
    const clientSide = receive(second, 5000);
    serverSockets[1]!.end('last words');
    const result = await clientSide;
    assert.equal(result.ending, 'end');
    assert.equal(result.data.toString(), 'last words');
  });

  test('many concurrent connections on the fast path all echo intact', async (t) => {
    const { client } = await proxyServer(t);
    const echo = await echoServer(t);
    const { port } = await proxyTo(client, 'busy', echo.port);
    const sockets = await Promise.all(Array.from({ length: 60 }, () => connect(t, port)));
    const results = await Promise.all(
      sockets.map(async (socket, i) => {
        const message = `connection ${i} `.repeat(200);
        const got = receive(socket, 10_000);
        socket.end(message);
        const result = await got;
        return result.data.toString() === message && result.ending === 'end';
      }),
    );
    assert.deepEqual(results, sockets.map(() => true));
  });
});
