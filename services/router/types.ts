// The router's public shapes: what a caller asks (RouteRequest), gets (RouteResult), the tuning knobs
// of each policy, and the snapshot it shows on /__admin/router.
import type { Cause, Hop } from '../common/failure.ts';
import { ALL_DEFENCES_ON, type DefenceName, type DefenceSwitches } from './defences.ts';

export type RouterPolicy = 'naive' | 'hardened';
export type BalancerKind = 'round_robin' | 'least_loaded';
/** Which Kubernetes API a router resolves from: core/v1 Endpoints or discovery.k8s.io/v1 EndpointSlices. */
export type DiscoveryApi = 'endpoints' | 'endpointslices';

export interface RouteRequest {
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/v1/holds`. */
  path: string;
  /** Sent as JSON when present. */
  body?: unknown;
  /** Safe to send twice (the upstream deduplicates): only these are retried after the request left. */
  idempotent: boolean;
  /** Overall budget for the call, all attempts included. Ignored by the naive policy (it has one long timeout). */
  deadlineMs?: number;
}

export interface RouteResult {
  status: number;
  /** Parsed JSON when the upstream answered JSON, else the text (null when empty). */
  body: unknown;
  attempts: number;
  /** `ip:port` of the endpoint that answered. */
  endpoint: string;
}

/** Everything the hardened policy can be tuned by, in one object (HARDENED_DEFAULTS holds the defaults). */
export interface HardenedTuning {
  /** The API it lists and watches. EndpointSlices by default: see HARDENED_DEFAULTS. */
  discoveryApi: DiscoveryApi;
  balancer: BalancerKind;
  /** How long empty (or null) subsets may be bridged with the last non-empty endpoints. */
  lkgMaxAgeMs: number;
  /** A watch with no event and no bookmark for this long is dead: re-list and re-watch. */
  watchIdleTimeoutMs: number;
  /** Backoff between re-list attempts: doubles from base to max, with jitter. */
  relistBackoffMs: number;
  relistBackoffMaxMs: number;
  /** Timeout of one list call (and of opening a watch). */
  listTimeoutMs: number;
  /** Consecutive connection failures (refused, reset, timeout) that eject an endpoint. */
  ejectAfterFailures: number;
  ejectionMs: number;
  /** Retries allowed: ratio of requests plus a floor per second. */
  retryBudgetRatio: number;
  retryBudgetMinPerSec: number;
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Timeout of one attempt (bounded by what is left of the request's deadline). */
  attemptTimeoutMs: number;
  /** The request's deadline when it gives none. */
  defaultDeadlineMs: number;
  connectionsPerEndpoint: number;
  /** Each defence on (true) or switched off (false): what "off" means is in defences.ts. All on by default. */
  defences: DefenceSwitches;
}

/** What a caller may give: any knob, and any defence switched (the others stay on). */
export type HardenedTuningInput = Partial<Omit<HardenedTuning, 'defences'>> & { defences?: Partial<Record<DefenceName, boolean>> };

export interface NaiveTuning {
  balancer: BalancerKind;
  /** One long timeout per attempt; no per-call deadline. */
  requestTimeoutMs: number;
  listTimeoutMs: number;
  /** Pause before re-watching after a watch ends, and between re-lists while poisoned or unreachable. */
  retryIntervalMs: number;
  /** Attempts per request: a refused connection is retried at once on the next endpoint. */
  maxAttempts: number;
  connectionsPerEndpoint: number;
}

export const HARDENED_DEFAULTS: Readonly<HardenedTuning> = Object.freeze({
  // EndpointSlices, because the hardened policy stands for what a current mesh client does, and current
  // clients (kube-proxy, linkerd2, Istio, Cilium) watch slices: Endpoints are deprecated since Kubernetes
  // 1.33. The naive policy stays on Endpoints, as linkerd 1.x was. What the catalog measures does not move:
  // the stub derives both views from the same replicas at the same resourceVersions and every discovery
  // fault acts on both; `subsets: null` has its slice form (`endpoints: null`), read as empty here; the
  // slice events of one change are applied together, so the joined set is never seen half-changed
  // (test/router/api-equivalence.test.ts: both readings settle on the same view after every fault).
  // `discoveryApi: 'endpoints'` runs the same defences on Endpoints (as the baselines were first measured).
  discoveryApi: 'endpointslices',
  balancer: 'least_loaded',
  lkgMaxAgeMs: 30_000,
  watchIdleTimeoutMs: 3_000,
  relistBackoffMs: 100,
  relistBackoffMaxMs: 2_000,
  listTimeoutMs: 1_000,
  ejectAfterFailures: 2,
  ejectionMs: 5_000,
  retryBudgetRatio: 0.2,
  retryBudgetMinPerSec: 10,
  maxAttempts: 3,
  attemptTimeoutMs: 500,
  defaultDeadlineMs: 2_000,
  connectionsPerEndpoint: 64,
  defences: ALL_DEFENCES_ON,
});

/** The defaults with `input` over them, defence by defence. */
export function hardenedTuning(input: HardenedTuningInput = {}): HardenedTuning {
  return { ...HARDENED_DEFAULTS, ...input, defences: Object.freeze({ ...HARDENED_DEFAULTS.defences, ...input.defences }) };
}

export const NAIVE_DEFAULTS: Readonly<NaiveTuning> = Object.freeze({
  balancer: 'round_robin',
  requestTimeoutMs: 10_000,
  listTimeoutMs: 10_000,
  retryIntervalMs: 1_000,
  maxAttempts: 3,
  connectionsPerEndpoint: 64,
});

export interface RouterOptions {
  policy: RouterPolicy;
  /** Base URL of the Kubernetes API (the discovery stub). */
  discoveryUrl: string;
  namespace?: string;
  /** The services this router calls: always listed in the snapshot, even before discovery names them. */
  services: string[];
  /** The hop a service's failures are attributed to. Default `processor->{service}` when that is a known hop. */
  hop?: (service: string) => Hop;
  seed?: number;
  tuning?: HardenedTuningInput;
  naive?: Partial<NaiveTuning>;
  /** How long createRouter() and restart() wait for the first list before returning anyway. Default 3000. */
  startupWaitMs?: number;
}

export type SubsetsShape = 'ok' | 'empty' | 'null' | 'invalid' | 'absent';

export interface EndpointView {
  endpoint: string;
  /** The replica (targetRef.name) when discovery named it. */
  name?: string;
  inFlight: number;
  consecutiveFailures: number;
  ejected: boolean;
}

export interface ServiceSnapshot {
  /** The endpoints requests go to right now (live, or last-known-good while bridging). */
  endpoints: EndpointView[];
  source: 'live' | 'last_known_good' | 'none';
  /** What discovery last said about the service's subsets. */
  subsets: SubsetsShape;
  /** Since when discovery has had no endpoint for it (hardened, while bridging). */
  emptyForMs?: number;
}

export interface ResolutionSnapshot {
  /** poisoned: a parse failure broke every service (naive; hardened with lenient_parsing off). */
  state: 'starting' | 'ok' | 'poisoned' | 'unavailable';
  /** The API it resolves from. */
  api: DiscoveryApi;
  error?: string;
  resourceVersion: string;
  lists: number;
  listFailures: number;
  watchOpens: number;
  watchRestarts: number;
  /** Hardened: watches declared dead for being silent longer than the idle timeout. */
  idleRestarts: number;
  /** Mesh restarts (restart(): POST /__admin/router/restart). */
  meshRestarts: number;
  watchConnected: boolean;
  lastWatchEventAgoMs?: number;
}

export interface RouterCounters {
  requests: number;
  attempts: number;
  retries: number;
  retriesDeniedByBudget: number;
  ejections: number;
  failures: Partial<Record<Cause, number>>;
}

export interface RouterSnapshot {
  policy: RouterPolicy;
  namespace: string;
  discoveryUrl: string;
  resolution: ResolutionSnapshot;
  services: Record<string, ServiceSnapshot>;
  counters: RouterCounters;
  /** Hardened: the tuning in force, defaults filled (which defences are on, every knob). */
  tuning?: HardenedTuning;
}

export interface Router {
  request(service: string, req: RouteRequest): Promise<RouteResult>;
  /** Drop every resolved endpoint and resolve again from a fresh list (a mesh restart). */
  restart(): Promise<void>;
  snapshot(): RouterSnapshot;
  close(): Promise<void>;
}
