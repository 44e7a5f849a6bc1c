// One proxy (Toxiproxy's proxy.go): a listener on loopback that accepts clients, dials the upstream for
// each, and joins the two through a Connection whose links run the proxy's toxics. Disabling it closes
// the listener and every connection; an upstream that cannot be reached gets the client closed at once.
import net, { type Server, type Socket } from 'node:net';
import { ApiError } from './api-error.ts';
import { formatHostPort, parseListen, parseUpstream, type HostPort } from './addresses.ts';
import { Connection } from './connection.ts';
import { ToxicCollection } from './toxic-collection.ts';
import { toxicJson, type ToxicJson } from './toxics/toxic.ts';

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

export interface ProxySettings {
  listen: string;
  upstream: string;
  enabled: boolean;
}

export class Proxy {
  readonly name: string;
  /** As given, until the proxy starts; then the address actually bound (`127.0.0.1:0` becomes a real port). */
  listen: string;
  upstream: string;
  enabled = false;
  readonly toxics = new ToxicCollection();
  private readonly seed: number;
  private server: Server | undefined;
  private upstreamAddress: HostPort;
  private readonly connections = new Set<Connection>();
  private readonly dialing = new Set<Socket>();
  private connectionCount = 0;

  constructor(settings: { name: string; listen: string; upstream: string; seed: number }) {
    this.name = settings.name;
    this.listen = settings.listen;
    this.upstream = settings.upstream;
    this.seed = settings.seed;
    this.upstreamAddress = parseUpstream(settings.upstream);
  }

  /** Checks addresses without changing anything (ApiError 400 on a bad one). */
  static validate(listen: string, upstream: string): void {
    parseListen(listen);
    parseUpstream(upstream);
  }

  async start(): Promise<void> {
    if (this.enabled) return;
    const address = parseListen(this.listen);
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address.host, port: address.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      throw new ApiError(`listen tcp ${formatHostPort(address)}: ${err.code === 'EADDRINUSE' ? 'bind: address already in use' : err.message}`, 500);
    });
    server.on('error', () => {});
    const bound = server.address();
    this.listen = formatHostPort({ host: address.host, port: typeof bound === 'object' && bound ? bound.port : address.port });
    this.server = server;
    this.enabled = true;
  }

  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server;
    this.server = undefined;
    for (const connection of this.connections) connection.destroy();
    for (const socket of this.dialing) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Applies new settings as the real server does: a new address restarts the listener. */
  async update(settings: ProxySettings): Promise<void> {
    if (settings.listen !== this.listen || settings.upstream !== this.upstream) {
      Proxy.validate(settings.listen, settings.upstream);
      await this.stop();
      this.listen = settings.listen;
      this.upstream = settings.upstream;
      this.upstreamAddress = parseUpstream(settings.upstream);
    }
    if (settings.enabled !== this.enabled) {
      if (settings.enabled) await this.start();
      else await this.stop();
    }
  }

  toJSON(): ProxyJson {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, toxics: this.toxics.list().map(toxicJson) };
  }

  private accept(client: Socket): void {
    const id = ++this.connectionCount;
    client.on('error', () => {});
    const { host, port } = this.upstreamAddress;
    const upstream = net.connect({ host, port, noDelay: true, allowHalfOpen: true });
    upstream.on('error', () => {});
    this.dialing.add(upstream);
    const abandon = (): void => {
      this.dialing.delete(upstream);
      upstream.destroy();
    };
    client.once('close', abandon);
    upstream.once('close', () => {
      // The upstream refused or failed before connecting: close the client.
      if (this.dialing.delete(upstream)) client.destroy();
    });
    upstream.once('connect', () => {
      this.dialing.delete(upstream);
      client.off('close', abandon);
      if (client.destroyed || !this.enabled) {
        upstream.destroy();
        client.destroy();
        return;
      }
      const connection = new Connection({
        id,
        proxyName: this.name,
        seed: this.seed,
        client,
        upstream,
        toxics: this.toxics,
        onClosed: (c) => this.connections.delete(c),
      });
      this.connections.add(connection);
      connection.start();
    });
  }
}
