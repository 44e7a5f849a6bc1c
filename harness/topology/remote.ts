// A topology faultline did not start: only a Toxiproxy API somewhere (and, optionally, the discovery
// stub's admin API). It is what `faultline faults` runs a scenario's fault timeline against while a k6
// test elsewhere sends the traffic. Replicas are the proxies the Toxiproxy API lists: a replica's name is
// its proxy's name, and a service target such as `ledger` means every proxy named `ledger-N`. Each is a
// replica that is only an address (its upstream), so process faults are refused by its runtime, and
// discovery registration throws.
import { Toxiproxy } from 'toxiproxy-node-client';
import { faultKind } from '../faults/registry.ts';
import { runsRemotely } from '../faults/types.ts';
import type { FaultWindow } from '../scenario/schema.ts';
import { AddressRuntime } from './address-runtime.ts';
import { TopologyError } from './errors.ts';
import type { Replica, ReplicaSpec } from './replica.ts';
import { ReplicaTable } from './replica-table.ts';
import { ReplicaTopology } from './replica-topology.ts';
import type { ServiceName, TopologyControl } from './types.ts';

export class RemoteTopologyError extends TopologyError {}

const API_TIMEOUT_MS = 5000;

/**
 * Why a fault window cannot run against a remote Toxiproxy (null when it can), from what its kind declares
 * it needs (faults/types.ts's FaultNeeds): a proxy is all a Toxiproxy API gives; the discovery stub's admin
 * API comes with --discovery; a process or a replica's own admin route it never gives.
 */
export function remoteRefusal(window: Pick<FaultWindow, 'fault'>, options: { discovery: boolean }): string | null {
  const kind = faultKind(window.fault);
  if (!kind) return `is not a fault kind faultline knows`;
  if (runsRemotely(kind.needs, options)) return null;
  const { processControl, adminRoute, discoveryAdmin } = kind.needs;
  if (processControl) return 'needs control of the service processes (signals, restarts), which faultline has only for a pipeline it started (faultline run)';
  if (adminRoute !== undefined) return `is set through each target replica's own admin URL (${adminRoute}), which a Toxiproxy API does not give`;
  if (discoveryAdmin) return "needs the discovery stub's admin API: pass --discovery <url>";
  return 'cannot run against a remote Toxiproxy';
}

export interface RemoteProxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export interface RemoteTopology extends TopologyControl {
  /** The proxies as last listed. */
  proxies(): RemoteProxy[];
  /** Lists the proxies again (resolveTarget works on the last list). */
  refresh(): Promise<void>;
}

export interface RemoteTopologyOptions {
  /** Base URL of the discovery stub, for discovery faults. */
  discoveryUrl?: string;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RemoteTopologyError(`${what}: no answer within ${API_TIMEOUT_MS} ms`)), API_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `ledger-2` → `ledger`; a name without a `-N` suffix is its own service. */
function serviceOf(name: string): string {
  const match = /^(.*)-\d+$/.exec(name);
  return match ? (match[1] as string) : name;
}

function portOf(hostPort: string): number {
  const port = Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
  return Number.isInteger(port) ? port : 0;
}

/** `0.0.0.0:26001` is where the proxy listens on its host; clients of a remote one use that host. */
function clientAddress(listen: string, apiUrl: string): string {
  const host = listen.slice(0, listen.lastIndexOf(':'));
  if (host === '' || host === '0.0.0.0' || host === '[::]' || host === '::') return `${new URL(apiUrl).hostname}:${portOf(listen)}`;
  return listen;
}

function notSupported(what: string): RemoteTopologyError {
  return new RemoteTopologyError(`${what} is not supported against a remote Toxiproxy: faultline controls no process there`);
}

export async function connectRemoteTopology(toxiproxyUrl: string, options: RemoteTopologyOptions = {}): Promise<RemoteTopology> {
  const topology = new RemoteToxiproxyTopology(toxiproxyUrl.replace(/\/+$/, ''), options);
  await topology.refresh();
  return topology;
}

class RemoteToxiproxyTopology extends ReplicaTopology implements RemoteTopology {
  private readonly client: Toxiproxy;
  private listed: RemoteProxy[] = [];

  constructor(
    private readonly apiUrl: string,
    options: RemoteTopologyOptions,
  ) {
    const unknownTarget = (target: string, proxies: string[]): string =>
      `unknown target "${target}": the Toxiproxy API at ${apiUrl} has no proxy named "${target}" or "${target}-N" (proxies: ${proxies.join(', ') || 'none'})`;
    super(new ReplicaTable({ error: (message) => new RemoteTopologyError(message), unknownTarget }), () => {});
    this.client = new Toxiproxy(apiUrl);
    this.urls = this.table.urls({ toxiproxy: apiUrl, discovery: options.discoveryUrl?.replace(/\/+$/, '') ?? '', ledgerStore: '' });
  }

  proxies(): RemoteProxy[] {
    return this.listed.map((p) => ({ ...p }));
  }

  async refresh(): Promise<void> {
    let listed: Awaited<ReturnType<Toxiproxy['getAll']>>;
    try {
      listed = await withTimeout(this.client.getAll(), `the Toxiproxy API at ${this.apiUrl}`);
    } catch (err) {
      throw new RemoteTopologyError(`cannot list the proxies of the Toxiproxy API at ${this.apiUrl}: ${(err as Error).message}`);
    }
    this.listed = Object.values(listed)
      .map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    this.table.replaceAll(this.listed.map((p) => this.replicaOf(p)));
  }

  private replicaOf(p: RemoteProxy): ReplicaSpec {
    const listenPort = portOf(p.listen);
    return {
      name: p.name,
      // ReplicaInfo names faultline's own services; a remote proxy's service is whatever its name says
      // (`ledger`, or a service of the user's), and only network faults read it, through resolveTarget.
      service: serviceOf(p.name) as ServiceName,
      discoveryService: null,
      runtime: new AddressRuntime({ directUrl: `http://${p.upstream}`, port: portOf(p.upstream), refuse: notSupported }),
      proxy: { name: p.name, listenPort, url: `http://${clientAddress(p.listen, this.apiUrl)}` },
    };
  }

  override async register(replica: string): Promise<void> {
    throw notSupported(`registering ${replica} in discovery`);
  }

  override async deregister(replica: string): Promise<void> {
    throw notSupported(`deregistering ${replica} from discovery`);
  }

  protected registrationAddress(replica: Replica): never {
    throw notSupported(`registering ${replica.name} in discovery`);
  }

  protected async moveProxy(replica: Replica): Promise<void> {
    throw notSupported(`moving the proxy of ${replica.name}`);
  }
}
