// A topology faultline did not start: only a Toxiproxy API somewhere (and, optionally, the discovery
// stub's admin API). It is what `faultline faults` runs a scenario's fault timeline against while a k6
// test elsewhere sends the traffic. Replicas are the proxies the Toxiproxy API lists: a replica's name is
// its proxy's name, and a service target such as `ledger` means every proxy named `ledger-N`. Nothing
// here owns a process, so process control (signal, terminate, restart) and discovery registration throw.
import { Toxiproxy } from 'toxiproxy-node-client';
import type { FaultWindow } from '../scenario/schema.ts';
import type { ReplicaInfo, ServiceName, TerminateOptions, TopologyControl, TopologyUrls } from './types.ts';

export class RemoteTopologyError extends Error {}

const API_TIMEOUT_MS = 5000;

/**
 * Why a fault window cannot run against a remote Toxiproxy (null when it can). Network faults only need
 * the Toxiproxy API; discovery faults need the discovery stub's admin API too.
 */
export function remoteRefusal(window: Pick<FaultWindow, 'fault'>, options: { discovery: boolean }): string | null {
  const family = window.fault.split('.')[0];
  switch (family) {
    case 'network':
      return null;
    case 'discovery':
      return options.discovery ? null : "needs the discovery stub's admin API: pass --discovery <url>";
    case 'process':
      return 'needs control of the service processes (signals, restarts), which faultline has only for a pipeline it started (faultline run)';
    case 'http':
      return "is set through each service replica's own admin URL (/__faults), which a Toxiproxy API does not give";
    case 'router':
      return "needs each card processor's admin URL (/__admin/router/restart), which a Toxiproxy API does not give";
    default:
      return 'only network.* and discovery.* faults can run against a remote Toxiproxy';
  }
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

function notSupported(what: string): never {
  throw new RemoteTopologyError(`${what} is not supported against a remote Toxiproxy: faultline controls no process there`);
}

export async function connectRemoteTopology(toxiproxyUrl: string, options: RemoteTopologyOptions = {}): Promise<RemoteTopology> {
  const apiUrl = toxiproxyUrl.replace(/\/+$/, '');
  const client = new Toxiproxy(apiUrl);
  let proxies: RemoteProxy[] = [];

  const refresh = async (): Promise<void> => {
    let listed: Awaited<ReturnType<Toxiproxy['getAll']>>;
    try {
      listed = await withTimeout(client.getAll(), `the Toxiproxy API at ${apiUrl}`);
    } catch (err) {
      throw new RemoteTopologyError(`cannot list the proxies of the Toxiproxy API at ${apiUrl}: ${(err as Error).message}`);
    }
    proxies = Object.values(listed)
      .map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  };

  const info = (p: RemoteProxy): ReplicaInfo => {
    const service = serviceOf(p.name);
    return {
      name: p.name,
      // ReplicaInfo names faultline's own services; a remote proxy's service is whatever its name says
      // (`ledger`, or a service of the user's), and only network faults read it, through resolveTarget.
      service: service as ServiceName,
      pid: 0,
      port: portOf(p.upstream),
      proxy: { name: p.name, listenPort: portOf(p.listen) },
      url: `http://${clientAddress(p.listen, apiUrl)}`,
      directUrl: `http://${p.upstream}`,
      running: true,
      paused: false,
    };
  };

  const ofService = (service: string): RemoteProxy[] => proxies.filter((p) => p.name !== service && serviceOf(p.name) === service);

  const urlsOf = (service: string): string[] => ofService(service).map((p) => info(p).url);

  const urls: TopologyUrls = {
    toxiproxy: apiUrl,
    discovery: options.discoveryUrl?.replace(/\/+$/, '') ?? '',
    ledgerStore: '',
    get processors() {
      return urlsOf('card-processor');
    },
    get feeds() {
      return urlsOf('feed');
    },
    get ledgers() {
      return urlsOf('ledger');
    },
  };

  await refresh();

  const topology: RemoteTopology = {
    urls,
    proxies: () => proxies.map((p) => ({ ...p })),
    refresh,
    replicas(service?: string): ReplicaInfo[] {
      return proxies.filter((p) => service === undefined || serviceOf(p.name) === service).map(info);
    },
    resolveTarget(target: string): ReplicaInfo[] {
      const exact = proxies.find((p) => p.name === target);
      if (exact) return [info(exact)];
      const replicas = ofService(target);
      if (replicas.length > 0) return replicas.map(info);
      const known = proxies.length > 0 ? proxies.map((p) => p.name).join(', ') : 'none';
      throw new RemoteTopologyError(
        `unknown target "${target}": the Toxiproxy API at ${apiUrl} has no proxy named "${target}" or "${target}-N" (proxies: ${known})`,
      );
    },
    targetNames(): string[] {
      return [...new Set(proxies.flatMap((p) => [p.name, serviceOf(p.name)]))];
    },
    signal(replica: string, signal: NodeJS.Signals): void {
      notSupported(`sending ${signal} to ${replica}`);
    },
    async terminate(replica: string, _options: TerminateOptions): Promise<void> {
      notSupported(`terminating ${replica}`);
    },
    async restart(replica: string): Promise<ReplicaInfo> {
      notSupported(`restarting ${replica}`);
    },
    async register(replica: string): Promise<void> {
      notSupported(`registering ${replica} in discovery`);
    },
    async deregister(replica: string): Promise<void> {
      notSupported(`deregistering ${replica} from discovery`);
    },
  };
  return topology;
}
