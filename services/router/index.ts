// The router (the mesh client, linkerd's role): resolves logical service names from discovery and sends
// requests to their endpoints under one of two policies — naive (linkerd 1.x in 2017) or hardened.
import { DEFAULT_NAMESPACE } from '../discovery/contract.ts';
import { HardenedRouter } from './hardened.ts';
import { NaiveRouter } from './naive.ts';
import { defaultHop } from './route-error.ts';
import type { Router, RouterOptions } from './types.ts';

export { RouteError } from './route-error.ts';
export { HARDENED_DEFAULTS, NAIVE_DEFAULTS, hardenedTuning } from './types.ts';
export { DEFENCES, DEFENCE_SPECS, isDefenceName, type DefenceName, type DefenceSwitches } from './defences.ts';
export {
  RouterTuningError,
  describeDefencesOff,
  hardenedTuningInput,
  mergeRouterTuning,
  parseRouterTuning,
  parseRouterTuningText,
  routerTuningText,
  type RouterTuning,
} from './tuning-override.ts';
export type {
  BalancerKind,
  DiscoveryApi,
  EndpointView,
  HardenedTuning,
  HardenedTuningInput,
  NaiveTuning,
  ResolutionSnapshot,
  RouteRequest,
  RouteResult,
  Router,
  RouterCounters,
  RouterOptions,
  RouterPolicy,
  RouterSnapshot,
  ServiceSnapshot,
  SubsetsShape,
} from './types.ts';

export const DEFAULT_STARTUP_WAIT_MS = 3_000;

/**
 * Builds a router and makes its first list of discovery (waiting at most startupWaitMs for it). It never
 * rejects because discovery is down or serves something it cannot read: those become RouteErrors on
 * request (discovery_unavailable, discovery_null) until resolution succeeds.
 */
export async function createRouter(opts: RouterOptions): Promise<Router> {
  const common = {
    discoveryUrl: opts.discoveryUrl,
    namespace: opts.namespace ?? DEFAULT_NAMESPACE,
    services: opts.services,
    hop: opts.hop ?? defaultHop,
    seed: opts.seed ?? 1,
    startupWaitMs: opts.startupWaitMs ?? DEFAULT_STARTUP_WAIT_MS,
  };
  if (opts.policy === 'naive') {
    const router = new NaiveRouter({ ...common, tuning: opts.naive ?? {} });
    await router.start();
    return router;
  }
  if (opts.policy === 'hardened') {
    const router = new HardenedRouter({ ...common, tuning: opts.tuning ?? {} });
    await router.start();
    return router;
  }
  throw new Error(`unknown router policy "${String(opts.policy)}": naive or hardened`);
}
