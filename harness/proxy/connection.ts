// One proxied client connection: the client socket, the upstream socket and the two links between them
// (upstream: client → server, downstream: server → client), and how the pair is torn down.
//
// - A clean FIN from one side, once it has passed the toxics, half-closes the other side (TCP semantics;
//   the real Toxiproxy closes both directions here).
// - A toxic that ends a stream itself (limit_data, timeout, a socket that failed) closes the whole
//   connection gracefully: pending writes are flushed, then both sockets are closed.
// - reset_peer resets both sockets (RST).
import type { Socket } from 'node:net';
import { createRng, hashSeed } from '../../services/common/random.ts';
import { Link } from './link.ts';
import type { ToxicCollection } from './toxic-collection.ts';

/** How long a graceful close may wait for a peer that does not read before the sockets are destroyed. */
const CLOSE_GRACE_MS = 5000;

export interface ConnectionOptions {
  id: number;
  proxyName: string;
  seed: number;
  client: Socket;
  upstream: Socket;
  toxics: ToxicCollection;
  onClosed(connection: Connection): void;
}

export class Connection {
  readonly id: number;
  readonly client: Socket;
  readonly upstream: Socket;
  private readonly upLink: Link;
  private readonly downLink: Link;
  private readonly options: ConnectionOptions;
  private closing = false;
  private disposed = false;

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.id = options.id;
    this.client = options.client;
    this.upstream = options.upstream;
    const link = (direction: 'upstream' | 'downstream', source: Socket, dest: Socket): Link =>
      options.toxics.startLink({
        direction,
        source,
        dest,
        rngFor: (toxic) => createRng(hashSeed(options.seed, options.proxyName, options.id, direction, toxic)),
        onEnd: (l) => this.linkEnded(l),
        onReset: () => this.reset(),
      });
    this.upLink = link('upstream', this.client, this.upstream);
    this.downLink = link('downstream', this.upstream, this.client);
  }

  start(): void {
    for (const [socket, readingLink] of [
      [this.client, this.upLink],
      [this.upstream, this.downLink],
    ] as const) {
      socket.on('close', () => {
        // A socket that went away ends the stream it was feeding; its own writes are moot.
        readingLink.endSource();
        if (this.client.destroyed && this.upstream.destroyed) this.dispose();
        else if (!this.closing && readingLink.ended) this.close();
      });
    }
    this.upLink.start();
    this.downLink.start();
  }

  /** Closes both sockets gracefully (flush, FIN), destroying them once flushed. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.stopLinks();
    for (const socket of [this.client, this.upstream]) endThenDestroy(socket);
  }

  /** TCP RST on both sockets. */
  reset(): void {
    if (this.disposed) return;
    this.closing = true;
    this.stopLinks();
    for (const socket of [this.client, this.upstream]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
  }

  /** Drops both sockets at once (the proxy is being disabled or deleted). */
  destroy(): void {
    this.closing = true;
    this.stopLinks();
    this.client.destroy();
    this.upstream.destroy();
  }

  private linkEnded(link: Link): void {
    const other = link === this.upLink ? this.downLink : this.upLink;
    // A clean end with the other direction still open: half-close and keep going.
    if (link.sourceEnded && !link.source.destroyed && !other.ended) {
      link.dest.end();
      return;
    }
    if (link.sourceEnded && other.ended) {
      link.dest.end();
    }
    this.close();
  }

  private stopLinks(): void {
    this.upLink.stop();
    this.downLink.stop();
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopLinks();
    this.options.toxics.removeLink(this.upLink);
    this.options.toxics.removeLink(this.downLink);
    this.options.onClosed(this);
  }
}

function endThenDestroy(socket: Socket): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  const done = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  if (socket.writableFinished) return done();
  socket.once('finish', done);
  socket.once('close', () => clearTimeout(timer));
  if (!socket.writableEnded) socket.end();
}
