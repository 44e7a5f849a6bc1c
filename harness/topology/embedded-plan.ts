// What the embedded topology runs, replica by replica: which entry file, with which config (the scenario's
// topology plus the defect options checker tests use), under which name in discovery, and whether a proxy
// sits in front — or, for a mock the user replaced, their command or URL, with the environment a command
// is given. Startup runs the infrastructure first (discovery, ledger store), then the services, which
// need the addresses of the first.
import { catalogueReplicas, isReplaceable, replicaConfig, serviceEntry, type CatalogueReplica, type DiscoveryName } from '../../services/catalogue.ts';
import type { Replacement, TopologySpec } from '../scenario/schema.ts';
import { replicaEnvironment, type ReplicaEnvContext } from './replacement-env.ts';
import type { ServiceName, StartTopologyOptions } from './types.ts';

export interface ReplicaPlan {
  name: string;
  service: ServiceName;
  /** Entry file relative to the repository root. */
  entry: string;
  /** Passed to the process in FAULTLINE_CONFIG. */
  config: Record<string, unknown>;
  discoveryService: DiscoveryName | null;
  /** A proxy in front of it (when the scenario has proxies on). */
  proxied: boolean;
  /** The user's service in the mock's place, or null for the mock. */
  replacement: Replacement | null;
  /** What a replacement's command is told (replacement-env.ts); the mock reads only FAULTLINE_CONFIG. */
  env: Record<string, string>;
}

type Deps = Partial<Pick<ReplicaEnvContext, 'discoveryUrl' | 'storeUrl'>>;

/** One replica as the catalogue describes its service, with the run's defects, its replacement (if the user replaced its service) and the environment a command gets. */
function planOf({ name, service }: CatalogueReplica, spec: TopologySpec, opts: StartTopologyOptions, deps: Deps): ReplicaPlan {
  const entry = serviceEntry(service);
  const config = replicaConfig(service, { replica: name, seed: opts.seed, topology: spec, ...deps }, opts.defects);
  const base = { name, service, entry: entry.entry, config, discoveryService: entry.discoveryName, proxied: entry.proxied };
  return {
    ...base,
    replacement: isReplaceable(service) ? (opts.replace?.[service] ?? null) : null,
    env: replicaEnvironment(base, { seed: opts.seed, accounts: spec.accounts, ...deps }),
  };
}

/** The infrastructure (discovery and the ledger store), which starts first. */
export function infrastructurePlan(spec: TopologySpec, opts: StartTopologyOptions): ReplicaPlan[] {
  return catalogueReplicas(spec, 'infrastructure').map((r) => planOf(r, spec, opts, {}));
}

/** The ledger replicas, the feeds and the card processors, told where the infrastructure is. */
export function servicePlan(spec: TopologySpec, opts: StartTopologyOptions, deps: { discoveryUrl: string; storeUrl: string }): ReplicaPlan[] {
  return catalogueReplicas(spec, 'services').map((r) => planOf(r, spec, opts, deps));
}
