// Shared fixtures for the proxy tests: real TCP servers on port 0, client sockets, bounded waits.
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startProxyServer, type ProxyServer } from '../../harness/proxy/server.ts';

/** Rejects after `ms` naming what was awaited. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP server on 127.0.0.1:0 whose sockets are destroyed and which is closed after the test. */
export async function tcpServer(t: TestContext, onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** An echo server: whatever a client sends comes back; a FIN is answered with a FIN. */
export function echoServer(t: TestContext): Promise<{ server: Server; port: number }> {
  return tcpServer(t, (socket) => socket.pipe(socket));
}

/** The embedded proxy server on an ephemeral port plus a client for it, both closed after the test. */
export async function proxyServer(t: TestContext, seed = 1): Promise<{ server: ProxyServer; client: Toxiproxy }> {
  const server = await startProxyServer({ port: 0, seed });
  t.after(() => server.close());
  return { server, client: new Toxiproxy(server.url) };
}

/** Creates a proxy to 127.0.0.1:`upstreamPort` and returns it with its listening port. */
export async function proxyTo(client: Toxiproxy, name: string, upstreamPort: number) {
  const proxy = await client.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` });
  return { proxy, port: Number(proxy.listen.split(':').pop()) };
}

/** Connects to 127.0.0.1:`port`; the socket is destroyed after the test. */
export async function connect(t: TestContext, port: number): Promise<Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  socket.on('error', () => {});
  t.after(() => socket.destroy());
  await within(new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  }), 5000, `a connection to port ${port}`);
  return socket;
}

export interface Received {
  data: Buffer;
  /** Sizes of the reads, in order. */
  reads: number[];
  /** How the stream stopped: a clean end, an error code (ECONNRESET), or still open when the wait ran out. */
  ending: 'end' | 'open' | string;
  /** ms from the call until the stream stopped, or until the wait ran out. */
  elapsed: number;
}

/** Reads from `socket` until it ends, errors, or `ms` pass (then ending is 'open'). */
export function receive(socket: Socket, ms: number): Promise<Received> {
  const started = performance.now();
  const chunks: Buffer[] = [];
  const reads: number[] = [];
  return new Promise((resolve) => {
    let done = false;
    const finish = (ending: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve({ data: Buffer.concat(chunks), reads, ending, elapsed: performance.now() - started });
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      reads.push(chunk.length);
    };
    const timer = setTimeout(() => finish('open'), ms);
    socket.on('data', onData);
    socket.once('end', () => finish('end'));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
    socket.once('close', () => finish('end'));
  });
}

/** Waits for the first `bytes` bytes on `socket`. */
export function receiveBytes(socket: Socket, bytes: number, ms: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  return within(
    new Promise<Buffer>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= bytes) {
          socket.off('data', onData);
          resolve(Buffer.concat(chunks));
        }
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error(`closed after ${size} of ${bytes} bytes`)));
    }),
    ms,
    `${bytes} bytes`,
  );
}
