// What the embedded topology runs, replica by replica: which entry file, with which config (the scenario's
// topology plus the defect options checker tests use), under which name in discovery, and whether a proxy
// sits in front — or, for a mock the user replaced, their command or URL, with the environment a command
// is given. Startup runs the infrastructure first (discovery, ledger store), then the services, which
// need the addresses of the first.
import { DEFAULT_NAMESPACE } from '../../services/discovery/contract.ts';
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
  discoveryService: 'ledger' | 'feed' | null;
  /** A proxy in front of it (when the scenario has proxies on). */
  proxied: boolean;
  /** The user's service in the mock's place, or null for the mock. */
  replacement: Replacement | null;
  /** What a replacement's command is told (replacement-env.ts); the mock reads only FAULTLINE_CONFIG. */
  env: Record<string, string>;
}

const ENTRY: Record<ServiceName, string> = {
  'card-processor': 'services/card-processor/main.ts',
  ledger: 'services/ledger/main.ts',
  'ledger-store': 'services/ledger/main-store.ts',
  feed: 'services/feed/main.ts',
  discovery: 'services/discovery/main.ts',
};

type BasePlan = Omit<ReplicaPlan, 'replacement' | 'env'>;

const plan = (name: string, service: ServiceName, config: Record<string, unknown>, discoveryService: ReplicaPlan['discoveryService'], proxied: boolean): BasePlan => ({
  name,
  service,
  entry: ENTRY[service],
  config,
  discoveryService,
  proxied,
});

/** Each plan with its replacement (if the user replaced its service) and the environment a command gets. */
function withReplacements(plans: BasePlan[], spec: TopologySpec, opts: StartTopologyOptions, deps: Partial<Pick<ReplicaEnvContext, 'discoveryUrl' | 'storeUrl'>>): ReplicaPlan[] {
  const ctx: ReplicaEnvContext = { seed: opts.seed, accounts: spec.accounts, ...deps };
  return plans.map((p) => ({
    ...p,
    replacement: p.service === 'discovery' ? null : (opts.replace?.[p.service] ?? null),
    env: replicaEnvironment(p, ctx),
  }));
}

const numbered = (count: number, prefix: string): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);

/** Discovery (behind a proxy, so its API can be faulted) and the ledger store (the book: never proxied). */
export function infrastructurePlan(spec: TopologySpec, opts: StartTopologyOptions): ReplicaPlan[] {
  const plans = [
    plan('discovery', 'discovery', { namespace: DEFAULT_NAMESPACE }, null, true),
    plan('ledger-store', 'ledger-store', { seed: opts.seed, accounts: spec.accounts, idempotency: opts.ledgerIdempotency ?? true }, null, false),
  ];
  return withReplacements(plans, spec, opts, {});
}

/** The ledger replicas, the feeds and the card processors, each behind its proxy. */
export function servicePlan(spec: TopologySpec, opts: StartTopologyOptions, deps: { discoveryUrl: string; storeUrl: string }): ReplicaPlan[] {
  const ledgers = numbered(spec.ledgers, 'ledger').map((name) => plan(name, 'ledger', { replica: name, storeUrl: deps.storeUrl, seed: opts.seed, decline_holds_percent: opts.ledgerDeclineHoldsPercent ?? 0 }, 'ledger', true));
  const feeds = numbered(spec.feeds, 'feed').map((name) =>
    plan(name, 'feed', { replica: name, seed: opts.seed, accounts: spec.accounts, miss_events_percent: opts.feedMissEventsPercent ?? 0 }, 'feed', true),
  );
  const processors = numbered(spec.processors, 'card-processor').map((name) =>
    plan(
      name,
      'card-processor',
      {
        replica: name,
        router: spec.router,
        router_tuning: spec.router_tuning,
        discoveryUrl: deps.discoveryUrl,
        namespace: DEFAULT_NAMESPACE,
        seed: opts.seed,
        accounts: spec.accounts,
        drop_advices_percent: opts.processorDropAdvicesPercent ?? 0,
        idempotency_by_id_only: opts.processorIdempotencyByIdOnly ?? false,
      },
      null,
      true,
    ),
  );
  return withReplacements([...ledgers, ...feeds, ...processors], spec, opts, deps);
}
