// What both router policies (naive.ts, hardened.ts) do alike: a mesh restart throws away every resolved
// endpoint and connection and resolves again; close() stops resolving and closes every connection; the
// snapshot lists every service the router calls or discovery named. Each policy says how it forgets,
// resolves and describes one service; the request path is its own.
import { Counters } from './counters.ts';
import { EndpointTable } from './endpoint-table.ts';
import type { ResolutionSnapshot, RouteRequest, RouteResult, Router, RouterPolicy, RouterSnapshot, ServiceSnapshot } from './types.ts';

export interface PolicyRouterOptions {
  discoveryUrl: string;
  namespace: string;
  /** The services this router calls: always in the snapshot, even before discovery names them. */
  services: string[];
}

export abstract class PolicyRouter<S> implements Router {
  protected table: EndpointTable;
  protected services = new Map<string, S>();
  protected closed = false;
  protected readonly counters = new Counters();

  constructor(
    private readonly policy: RouterPolicy,
    private readonly where: PolicyRouterOptions,
    private readonly connectionsPerEndpoint: number,
  ) {
    this.table = new EndpointTable(connectionsPerEndpoint);
  }

  abstract request(service: string, req: RouteRequest): Promise<RouteResult>;

  /** Counts a mesh restart and forgets everything resolved (watches, endpoints, a poisoned state). */
  protected abstract forgetResolution(): void;
  /** Resolves again from a fresh list; returns after the first list or the startup wait, whichever is first. */
  protected abstract resolveAgain(): Promise<void>;
  /** Stops resolving for good (close()). */
  protected abstract stopResolution(): void;
  protected abstract closeDiscovery(): Promise<void>;
  protected abstract serviceSnapshot(service: S | undefined, now: number): ServiceSnapshot;
  protected abstract resolutionSnapshot(now: number): ResolutionSnapshot;
  /** What a policy adds at the end of its snapshot. */
  protected snapshotExtras(): Pick<RouterSnapshot, 'tuning'> {
    return {};
  }

  async restart(): Promise<void> {
    if (this.closed) return;
    this.forgetResolution();
    const old = this.table;
    this.table = new EndpointTable(this.connectionsPerEndpoint);
    void old.closeAll(false);
    await this.resolveAgain();
  }

  snapshot(): RouterSnapshot {
    const now = performance.now();
    const services: Record<string, ServiceSnapshot> = {};
    for (const name of new Set([...this.where.services, ...this.services.keys()])) {
      services[name] = this.serviceSnapshot(this.services.get(name), now);
    }
    return {
      policy: this.policy,
      namespace: this.where.namespace,
      discoveryUrl: this.where.discoveryUrl,
      resolution: this.resolutionSnapshot(now),
      services,
      counters: this.counters.snapshot(),
      ...this.snapshotExtras(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopResolution();
    await Promise.all([this.table.closeAll(true), this.closeDiscovery()]);
  }
}
