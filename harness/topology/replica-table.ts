// The replicas of one topology, by name, in the order they were added. It answers what the rest of the
// harness asks of any topology (replicas, resolveTarget, targetNames, urls) the same way whether the
// replicas are local processes, containers or addresses.
import { SCALED_SERVICES, scaledField } from '../../services/catalogue.ts';
import type { Replica, ReplicaSpec } from './replica.ts';
import type { ReplicaInfo, TopologyUrls } from './types.ts';

export interface ReplicaTableOptions {
  /** The topology's own error class, for a name or a target it does not know. */
  error: (message: string) => Error;
  /** The message for a target that names nothing, given the replicas' names; default: the known targets. */
  unknownTarget?: (target: string, replicaNames: string[]) => string;
}

/** The addresses of a topology that are not replicas of a scaled service. */
export interface FixedUrls {
  toxiproxy: string;
  discovery: string;
  ledgerStore: string;
}

export class ReplicaTable {
  private readonly byName = new Map<string, Replica>();

  constructor(private readonly options: ReplicaTableOptions) {}

  add(spec: ReplicaSpec): Replica {
    const replica: Replica = { ...spec, proxy: spec.proxy ?? null, registered: false, exitWatch: null };
    this.byName.set(replica.name, replica);
    return replica;
  }

  /** Replaces every replica (a remote topology listing its proxies again). */
  replaceAll(specs: ReplicaSpec[]): void {
    this.byName.clear();
    for (const spec of specs) this.add(spec);
  }

  /** The replica named `name`; throws naming it and the known ones. */
  get(name: string): Replica {
    const replica = this.byName.get(name);
    if (!replica) throw this.options.error(`no replica named "${name}"; known: ${[...this.byName.keys()].join(', ')}`);
    return replica;
  }

  /** Every replica, or those of one service. */
  all(service?: string): Replica[] {
    return [...this.byName.values()].filter((r) => service === undefined || r.service === service);
  }

  info(replica: Replica): ReplicaInfo {
    const { runtime, proxy } = replica;
    return {
      name: replica.name,
      service: replica.service,
      pid: runtime.pid,
      port: runtime.port,
      proxy: proxy ? { name: proxy.name, listenPort: proxy.listenPort } : undefined,
      url: proxy?.url ?? runtime.directUrl,
      directUrl: runtime.directUrl,
      running: runtime.running,
      paused: runtime.paused,
      runtime: runtime.kind,
    };
  }

  replicas(service?: string): ReplicaInfo[] {
    return this.all(service).map((r) => this.info(r));
  }

  /** One replica by its name, else every replica of a service; throws naming the target. */
  resolveTarget(target: string): ReplicaInfo[] {
    const one = this.byName.get(target);
    if (one) return [this.info(one)];
    const ofService = this.all(target);
    if (ofService.length > 0) return ofService.map((r) => this.info(r));
    const message = this.options.unknownTarget?.(target, [...this.byName.keys()]) ?? `unknown target "${target}"; known: ${this.targetNames().join(', ')}`;
    throw this.options.error(message);
  }

  targetNames(): string[] {
    return [...new Set(this.all().flatMap((r) => [r.service, r.name]))];
  }

  /**
   * The addresses clients use for each scaled service, through the proxies, read afresh on every access
   * (a restart on a new port moves a replica). A replica named just like its service (a remote proxy
   * named `ledger` in front of `ledger-1`, `ledger-2`) is not one of its replicas here.
   */
  urls(fixed: FixedUrls): TopologyUrls {
    const urls = { ...fixed } as TopologyUrls;
    for (const service of SCALED_SERVICES) {
      const get = (): string[] => this.all(service).filter((r) => r.name !== service).map((r) => this.info(r).url);
      Object.defineProperty(urls, scaledField(service), { get, enumerable: true });
    }
    return urls;
  }
}
