// The service catalogue: every service of the mock payment pipeline, one entry each, and the one place a
// service is named. Everything that lists services is derived from it: the topology's service names and
// its replica plans (embedded and compose alike), the order they start and stop in, the scenario's
// `replace:` block and replica counts, fault targets, the URLs the driver sends to, the service bundles,
// the published contracts and the defect switches checker tests turn on.
//
// Adding a service: write its folder (services/<name>/, with a main.ts that reads FAULTLINE_CONFIG and calls
// serve()), then add its entry here. A scaled service's `scaled.field` becomes its replica count in the
// scenario's `topology:` and the name of its URL list; a replaceable one gets its key in `replace:`.
//
// This file sits below the harness: it imports nothing from harness/, and the harness reads it.
import { DEFAULT_NAMESPACE } from './discovery/contract.ts';

/** What a replica's config is built from (a scenario's topology, the run's seed, and the neighbours' addresses). */
export interface ReplicaConfigContext {
  /** Its replica name: `ledger-1`, or the service's own name for a service of one replica. */
  replica: string;
  seed: number;
  topology: { accounts: number; router: string; router_tuning: Readonly<Record<string, unknown>> };
  /** The discovery stub, through its proxy (unknown while the infrastructure itself starts). */
  discoveryUrl?: string;
  /** The ledger store's own address (unknown while the infrastructure itself starts). */
  storeUrl?: string;
}

/** The neighbours' addresses a replacement started by command is told in its environment (topology/replacement-env.ts). */
export type NeighbourVariable = 'FAULTLINE_DISCOVERY_URL' | 'FAULTLINE_LEDGER_STORE_URL';

export interface ServiceEntry {
  /** The mock's entry file, relative to the repository root (run as a process, bundled by topology/service-bundle.ts). */
  entry: string;
  /** Replicas in a default topology. */
  replicas: number;
  /**
   * Scaled: its replicas are `<service>-1` … `<service>-N`, N the scenario's `topology.<field>` (at most `max`).
   * Null: one replica, named as the service.
   */
  scaled: { field: string; max: number } | null;
  /** Why an unscaled service runs one replica (the message for a `replicas` it cannot have). */
  oneReplica?: string;
  /** The name it is registered under in discovery (the processors resolve it there); null when it is not registered. */
  discoveryName: string | null;
  /** A fault proxy sits in front of it (when the scenario has proxies on): network faults need one. */
  proxied: boolean;
  /**
   * Infrastructure starts first; then the services, which are told its addresses. Stopping runs in rounds,
   * front to back, so nothing calls a replica already gone: the lowest `stopRound` stops first, and
   * the replicas start in the reverse order (the last round first).
   */
  phase: 'infrastructure' | 'services';
  stopRound: number;
  /** A user's own service may take its place (scenario `replace:`, `--replace`). */
  replaceable: boolean;
  /** The FAULTLINE_CONFIG its mock gets (the defect switches below are added to it). */
  config(ctx: ReplicaConfigContext): Record<string, unknown>;
  /** The neighbours' addresses a replacement's command is told, beside the variables every replica gets. */
  env: readonly NeighbourVariable[];
  /** Its published contract (OpenAPI 3.1), relative to the repository root; null when none is published. */
  contract: string | null;
  /**
   * Deliberate defects for checker tests, with the value every ordinary run passes: config fields of the
   * mock, overridden by a run's `defects` (runner/context.ts) untouched.
   */
  defects: Readonly<Record<string, number | boolean>>;
}

export const SERVICES = {
  'card-processor': {
    entry: 'services/card-processor/main.ts',
    replicas: 2,
    // topology.processors: the card-processor replicas.
    scaled: { field: 'processors', max: 8 },
    discoveryName: null,
    proxied: true,
    phase: 'services',
    stopRound: 1,
    replaceable: true,
    config: (c: ReplicaConfigContext) => ({
      replica: c.replica,
      router: c.topology.router,
      router_tuning: c.topology.router_tuning,
      discoveryUrl: c.discoveryUrl,
      namespace: DEFAULT_NAMESPACE,
      seed: c.seed,
      accounts: c.topology.accounts,
    }),
    env: ['FAULTLINE_DISCOVERY_URL'],
    contract: 'services/contracts/card-processor.openapi.json',
    defects: { drop_advices_percent: 0, idempotency_by_id_only: false },
  },
  ledger: {
    entry: 'services/ledger/main.ts',
    replicas: 2,
    // topology.ledgers: the ledger API replicas (stateless; the one ledger store holds the state).
    scaled: { field: 'ledgers', max: 8 },
    discoveryName: 'ledger',
    proxied: true,
    phase: 'services',
    stopRound: 2,
    replaceable: true,
    config: (c: ReplicaConfigContext) => ({ replica: c.replica, storeUrl: c.storeUrl, seed: c.seed }),
    env: ['FAULTLINE_DISCOVERY_URL', 'FAULTLINE_LEDGER_STORE_URL'],
    contract: 'services/contracts/ledger.openapi.json',
    defects: { decline_holds_percent: 0 },
  },
  'ledger-store': {
    entry: 'services/ledger/main-store.ts',
    replicas: 1,
    scaled: null,
    oneReplica: 'the ledger store is the one state owner',
    discoveryName: null,
    // The book: never proxied.
    proxied: false,
    phase: 'infrastructure',
    stopRound: 3,
    replaceable: true,
    config: (c: ReplicaConfigContext) => ({ seed: c.seed, accounts: c.topology.accounts }),
    env: [],
    contract: 'services/contracts/ledger-store.openapi.json',
    defects: { idempotency: true },
  },
  feed: {
    entry: 'services/feed/main.ts',
    replicas: 1,
    // topology.feeds: the feed/balance API replicas.
    scaled: { field: 'feeds', max: 4 },
    discoveryName: 'feed',
    proxied: true,
    phase: 'services',
    stopRound: 2,
    replaceable: true,
    config: (c: ReplicaConfigContext) => ({ replica: c.replica, seed: c.seed, accounts: c.topology.accounts }),
    env: ['FAULTLINE_DISCOVERY_URL'],
    contract: 'services/contracts/feed.openapi.json',
    defects: { miss_events_percent: 0 },
  },
  discovery: {
    entry: 'services/discovery/main.ts',
    replicas: 1,
    scaled: null,
    oneReplica: 'discovery is the fault plane',
    discoveryName: null,
    // Behind a proxy, so its API can be faulted.
    proxied: true,
    phase: 'infrastructure',
    // The control plane goes last.
    stopRound: 4,
    // It stays faultline's: it is the fault plane.
    replaceable: false,
    config: () => ({ namespace: DEFAULT_NAMESPACE }),
    env: [],
    contract: 'services/contracts/discovery.openapi.json',
    defects: {},
  },
} as const satisfies Record<string, ServiceEntry>;

/** Not a service of the pipeline but run beside it, from its own bundle: the Toxiproxy-compatible fault proxy. */
export const FAULT_PROXY_ENTRY = 'harness/proxy/main.ts';

type Catalogue = typeof SERVICES;
export type ServiceName = keyof Catalogue;

/** Every service, in the catalogue's order (the order contracts, replacements and targets are listed in). */
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

export type ReplaceableService = { [S in ServiceName]: Catalogue[S]['replaceable'] extends true ? S : never }[ServiceName];
export type ScaledService = { [S in ServiceName]: Catalogue[S]['scaled'] extends null ? never : S }[ServiceName];
export type ContractService = { [S in ServiceName]: Catalogue[S]['contract'] extends string ? S : never }[ServiceName];
/** The names services are registered under in discovery. */
export type DiscoveryName = NonNullable<Catalogue[ServiceName]['discoveryName']>;
/** The scenario's `topology:` fields counting a scaled service's replicas (`processors`, `ledgers`, `feeds`); each is also the name of its URL list (TopologyUrls). */
export type ScaledField = Catalogue[ScaledService]['scaled']['field'];

/** A catalogue entry as the rest of the harness reads it: its scaled field and discovery name typed by the catalogue. */
export type CatalogueEntry = Omit<ServiceEntry, 'scaled' | 'discoveryName'> & {
  scaled: { field: ScaledField; max: number } | null;
  discoveryName: DiscoveryName | null;
};

export function serviceEntry(service: ServiceName): CatalogueEntry {
  return SERVICES[service];
}

export const REPLACEABLE_SERVICES = SERVICE_NAMES.filter((s): s is ReplaceableService => SERVICES[s].replaceable);
export const SCALED_SERVICES = SERVICE_NAMES.filter((s): s is ScaledService => SERVICES[s].scaled !== null);
export const CONTRACT_SERVICES = SERVICE_NAMES.filter((s): s is ContractService => SERVICES[s].contract !== null);
export const DISCOVERY_NAMES = SERVICE_NAMES.flatMap((s) => {
  const name: DiscoveryName | null = SERVICES[s].discoveryName;
  return name === null ? [] : [name];
});

/** The topology field counting a scaled service's replicas: `ledger` -> `ledgers`. */
export function scaledField<S extends ScaledService>(service: S): Catalogue[S]['scaled']['field'] {
  return SERVICES[service].scaled.field;
}

/** Services grouped by stop round, the first round first. */
export const STOP_ROUNDS: readonly (readonly ServiceName[])[] = [...new Set(SERVICE_NAMES.map((s) => SERVICES[s].stopRound))]
  .sort((a, b) => a - b)
  .map((round) => SERVICE_NAMES.filter((s) => SERVICES[s].stopRound === round));

/** Services in the order they start: the last stop round first, the catalogue's order within a round. */
export const START_ORDER: readonly ServiceName[] = [...STOP_ROUNDS].reverse().flat();

/** One planned replica of a service. */
export interface CatalogueReplica {
  name: string;
  service: ServiceName;
}

/**
 * Every replica a topology runs, in start order: `ledger-1` … `ledger-N` for a scaled service (N from
 * `counts`), the service's own name for one that is not.
 */
export function catalogueReplicas(counts: Readonly<Record<ScaledField, number>>, phase?: ServiceEntry['phase']): CatalogueReplica[] {
  return START_ORDER.filter((s) => phase === undefined || SERVICES[s].phase === phase).flatMap((service) => replicaNames(service, counts).map((name) => ({ name, service })));
}

/** The replica names of one service. */
export function replicaNames(service: ServiceName, counts: Readonly<Record<ScaledField, number>>): string[] {
  const { scaled } = serviceEntry(service);
  if (!scaled) return [service];
  return Array.from({ length: counts[scaled.field] }, (_, i) => `${service}-${i + 1}`);
}

/** The defect switches a run may turn on, per service (a field left out keeps its ordinary value). */
export type ServiceDefects = { [S in ServiceName]?: { -readonly [K in keyof Catalogue[S]['defects']]?: Catalogue[S]['defects'][K] extends boolean ? boolean : number } };

/** A replica's config: what the catalogue builds for its service, with its defects (ordinary values unless `defects` says otherwise). */
export function replicaConfig(service: ServiceName, ctx: ReplicaConfigContext, defects: ServiceDefects = {}): Record<string, unknown> {
  const entry = serviceEntry(service);
  return { ...entry.config(ctx), ...entry.defects, ...defects[service] };
}

export function isService(name: string): name is ServiceName {
  return Object.hasOwn(SERVICES, name);
}

export function isReplaceable(name: string): name is ReplaceableService {
  return isService(name) && SERVICES[name].replaceable;
}

export function isScaled(name: string): name is ScaledService {
  return isService(name) && SERVICES[name].scaled !== null;
}
