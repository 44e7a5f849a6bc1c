// Every upstream endpoint the router knows, by `ip:port`, each with its undici Pool (created on first
// use), its in-flight count (least-loaded balancing) and its passive-ejection state. Endpoint records
// outlive discovery updates, so counters survive a re-list that names the same address.
import { Pool } from '../common/undici-lean.ts';
import type { ResolvedAddress } from './endpoints-parser.ts';
import type { EndpointView } from './types.ts';

export class Endpoint {
  inFlight = 0;
  consecutiveFailures = 0;
  /** performance.now() until which the endpoint is ejected; 0 when not. */
  ejectedUntil = 0;
  private pool: Pool | undefined;

  constructor(
    readonly key: string,
    readonly origin: string,
    public name: string | undefined,
    private readonly connections: number,
  ) {}

  get dispatcher(): Pool {
    if (!this.pool) this.pool = new Pool(this.origin, { connections: this.connections, pipelining: 1, keepAliveTimeout: 4_000 });
    return this.pool;
  }

  get hasPool(): boolean {
    return this.pool !== undefined;
  }

  isEjected(now: number): boolean {
    return this.ejectedUntil > now;
  }

  view(now: number): EndpointView {
    const v: EndpointView = { endpoint: this.key, inFlight: this.inFlight, consecutiveFailures: this.consecutiveFailures, ejected: this.isEjected(now) };
    if (this.name !== undefined) v.name = this.name;
    return v;
  }

  async close(force: boolean): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (!pool) return;
    await (force ? pool.destroy() : pool.close()).catch(() => undefined);
  }
}

export class EndpointTable {
  private readonly byKey = new Map<string, Endpoint>();

  constructor(private readonly connectionsPerEndpoint: number) {}

  resolve(addresses: readonly ResolvedAddress[]): Endpoint[] {
    const out: Endpoint[] = new Array(addresses.length);
    for (let i = 0; i < addresses.length; i++) {
      const a = addresses[i] as ResolvedAddress;
      let ep = this.byKey.get(a.key);
      if (!ep) {
        const host = a.ip.includes(':') ? `[${a.ip}]` : a.ip;
        ep = new Endpoint(a.key, `http://${host}:${a.port}`, a.name, this.connectionsPerEndpoint);
        this.byKey.set(a.key, ep);
      } else if (a.name !== undefined) {
        ep.name = a.name;
      }
      out[i] = ep;
    }
    return out;
  }

  /** Closes the pools of endpoints nothing refers to any more and that carry no request. */
  sweep(inUse: ReadonlySet<Endpoint>): void {
    for (const [key, ep] of this.byKey) {
      if (inUse.has(ep) || ep.inFlight > 0) continue;
      this.byKey.delete(key);
      void ep.close(false);
    }
  }

  async closeAll(force: boolean): Promise<void> {
    const all = [...this.byKey.values()];
    this.byKey.clear();
    await Promise.all(all.map((ep) => ep.close(force)));
  }
}
