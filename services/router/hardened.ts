// The hardened policy: what a resilient mesh client does with the same discovery.
// - Lenient reading: `subsets: null` == empty; a malformed object only affects its own service (its requests
//   fail as bad_answer); a list or watch event that is not a Kubernetes answer at all is a failed list (bad_answer).
// - Last-known-good: when a service's endpoints go empty (null, [], deleted, missing from a list) it keeps
//   routing to the last non-empty set for up to lkgMaxAgeMs, then fails with discovery_empty/_null.
// - A watch that sends nothing, not even a bookmark, for watchIdleTimeoutMs is dead: re-list, re-watch.
//   Any end of a watch re-lists first (with jittered exponential backoff), so nothing missed stays missed.
//   While discovery cannot be reached, the endpoints it last gave are kept.
// - Passive ejection: ejectAfterFailures consecutive connection failures (refused, reset, timeout) take an
//   endpoint out for ejectionMs; with every endpoint ejected, all are tried (panic mode).
// - Retries: a refused connection (nothing was sent) is always retryable; reset, timeout and 5xx only for
//   idempotent requests; every retry goes to another endpoint, spends from the retry budget, and must fit
//   in the deadline. Each attempt is bounded by attemptTimeoutMs and by what is left of deadlineMs.
// - 5xx: an idempotent request's 5xx is retried, and if the last attempt is still 5xx the call fails with
//   RouteError http_5xx (or the deeper hop/cause the upstream's body names). A non-idempotent request's
//   5xx is not retried and is returned as a RouteResult. 4xx is always a RouteResult.
import type { Cause, Hop } from '../common/failure.ts';
import { causeOfError } from '../common/failure.ts';
import { createRng, hashSeed, type Rng } from '../common/random.ts';
import { Balancer, type Cursor } from './balancer.ts';
import { Counters } from './counters.ts';
import { DiscoveryBadAnswer, DiscoveryClient, type WatchHandle } from './discovery-client.ts';
import { EndpointTable, type Endpoint } from './endpoint-table.ts';
import { endpointsName, parseLenient, type ResolvedAddress } from './endpoints-parser.ts';
import { RetryBudget } from './retry-budget.ts';
import { RouteError, deeperFailure } from './route-error.ts';
import { callWithDeadline, type UpstreamAnswer } from './upstream-call.ts';
import { waitAtMost } from './wait.ts';
import {
  HARDENED_DEFAULTS,
  type HardenedTuning,
  type RouteRequest,
  type RouteResult,
  type Router,
  type RouterSnapshot,
  type ServiceSnapshot,
  type SubsetsShape,
} from './types.ts';

const EMPTY: readonly Endpoint[] = Object.freeze([]) as readonly Endpoint[];
const SWEEP_MS = 10_000;

interface HardenedService extends Cursor {
  live: readonly Endpoint[];
  lastKnownGood: readonly Endpoint[];
  /** performance.now() since discovery has had no endpoint for it; 0 while it has some. */
  emptySince: number;
  shape: SubsetsShape;
}

export interface HardenedRouterOptions {
  discoveryUrl: string;
  namespace: string;
  services: string[];
  hop: (service: string) => Hop;
  seed: number;
  tuning: Partial<HardenedTuning>;
  startupWaitMs: number;
}

function isConnectionFailure(cause: Cause): boolean {
  return cause === 'connection_refused' || cause === 'reset' || cause === 'timeout';
}

export class HardenedRouter implements Router {
  private readonly tuning: HardenedTuning;
  private readonly client: DiscoveryClient;
  private table: EndpointTable;
  private readonly balancer: Balancer;
  private readonly jitter: Rng;
  private readonly budget: RetryBudget;
  private services = new Map<string, HardenedService>();
  private listedOnce = false;
  private unavailable: string | null = null;
  /** Why discovery is unavailable: it could not be reached, or it answered outside the Kubernetes API. */
  private unavailableCause: Cause = 'discovery_unavailable';
  private resourceVersion = '';
  private watch: WatchHandle | null = null;
  private watchConnected = false;
  private lastWatchEventAt = 0;
  /** Consecutive re-list cycles without a live watch: drives the backoff. */
  private failures = 0;
  private cycleTimer: NodeJS.Timeout | null = null;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private generation = 0;
  private closed = false;
  private readonly counters = new Counters();
  private readonly stats = { lists: 0, listFailures: 0, watchOpens: 0, watchRestarts: 0, idleRestarts: 0, meshRestarts: 0 };

  constructor(private readonly opts: HardenedRouterOptions) {
    this.tuning = { ...HARDENED_DEFAULTS, ...opts.tuning };
    this.client = new DiscoveryClient(opts.discoveryUrl, opts.namespace);
    this.table = new EndpointTable(this.tuning.connectionsPerEndpoint);
    this.balancer = new Balancer(this.tuning.balancer, createRng(hashSeed('router', opts.seed)));
    this.jitter = createRng(hashSeed('router-backoff', opts.seed));
    this.budget = new RetryBudget(this.tuning.retryBudgetRatio, this.tuning.retryBudgetMinPerSec, performance.now());
    this.idleTimer = setInterval(() => this.checkIdle(), Math.max(20, Math.min(250, this.tuning.watchIdleTimeoutMs / 4)));
    this.idleTimer.unref();
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  async start(): Promise<void> {
    await waitAtMost(this.cycle(this.generation), this.opts.startupWaitMs);
  }

  async request(service: string, req: RouteRequest): Promise<RouteResult> {
    const start = performance.now();
    this.counters.requests++;
    this.budget.onRequest(start);
    const entry = this.services.get(service);
    const endpoints = entry ? this.usable(entry, start) : EMPTY;
    if (entry === undefined || endpoints.length === 0) throw this.counters.fail(this.discoveryFailure(service, entry));
    const deadline = start + (req.deadlineMs ?? this.tuning.defaultDeadlineMs);
    let attempts = 0;
    let last: Endpoint | undefined;
    for (;;) {
      const now = attempts === 0 ? start : performance.now();
      const remaining = deadline - now;
      if (remaining <= 0) {
        throw this.counters.fail(
          new RouteError(`${service}: deadline of ${req.deadlineMs ?? this.tuning.defaultDeadlineMs} ms spent after ${attempts} attempts`, this.opts.hop(service), 'timeout', attempts, last ? { endpoint: last.key } : {}),
        );
      }
      const ep = this.balancer.pick(endpoints, entry, now, last);
      last = ep;
      attempts++;
      this.counters.attempts++;
      let answer: UpstreamAnswer | undefined;
      let error: unknown;
      ep.inFlight++;
      try {
        answer = await callWithDeadline(ep, req, Math.min(this.tuning.attemptTimeoutMs, remaining));
      } catch (err) {
        error = err;
      } finally {
        ep.inFlight--;
      }

      if (answer !== undefined) {
        ep.consecutiveFailures = 0;
        if (answer.status < 500 || !req.idempotent) return { status: answer.status, body: answer.body, attempts, endpoint: ep.key };
        if (this.mayRetry(attempts, deadline)) continue;
        const deeper = deeperFailure(answer.body);
        throw this.counters.fail(
          new RouteError(
            deeper?.error ?? `${service} at ${ep.key} answered ${answer.status} after ${attempts} attempts`,
            deeper?.hop ?? this.opts.hop(service),
            deeper?.cause ?? 'http_5xx',
            attempts,
            { status: answer.status, body: answer.body, endpoint: ep.key },
          ),
        );
      }

      const cause = causeOfError(error);
      if (isConnectionFailure(cause)) this.noteConnectionFailure(ep);
      const retryable = cause === 'connection_refused' || (req.idempotent && (cause === 'reset' || cause === 'timeout'));
      if (retryable && this.mayRetry(attempts, deadline)) continue;
      throw this.counters.fail(
        new RouteError(`${service} at ${ep.key}: ${(error as Error)?.message || cause}`, this.opts.hop(service), cause, attempts, { endpoint: ep.key }),
      );
    }
  }

  async restart(): Promise<void> {
    if (this.closed) return;
    this.stats.meshRestarts++;
    const generation = this.reset();
    const old = this.table;
    this.table = new EndpointTable(this.tuning.connectionsPerEndpoint);
    void old.closeAll(false);
    await waitAtMost(this.cycle(generation), this.opts.startupWaitMs);
  }

  snapshot(): RouterSnapshot {
    const now = performance.now();
    const services: Record<string, ServiceSnapshot> = {};
    const names = new Set([...this.opts.services, ...this.services.keys()]);
    for (const name of names) {
      const s = this.services.get(name);
      if (!s) {
        services[name] = { endpoints: [], source: 'none', subsets: 'absent' };
        continue;
      }
      const usable = this.usable(s, now);
      const snap: ServiceSnapshot = {
        endpoints: usable.map((e) => e.view(now)),
        source: s.live.length > 0 ? 'live' : usable.length > 0 ? 'last_known_good' : 'none',
        subsets: s.shape,
      };
      if (s.emptySince > 0) snap.emptyForMs = Math.round(now - s.emptySince);
      services[name] = snap;
    }
    return {
      policy: 'hardened',
      namespace: this.opts.namespace,
      discoveryUrl: this.opts.discoveryUrl,
      resolution: {
        state: this.unavailable ? 'unavailable' : this.listedOnce ? 'ok' : 'starting',
        ...(this.unavailable ? { error: this.unavailable } : {}),
        resourceVersion: this.resourceVersion,
        ...this.stats,
        watchConnected: this.watchConnected,
        ...(this.lastWatchEventAt > 0 ? { lastWatchEventAgoMs: Math.round(now - this.lastWatchEventAt) } : {}),
      },
      services,
      counters: this.counters.snapshot(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reset();
    clearInterval(this.idleTimer);
    clearInterval(this.sweepTimer);
    await Promise.all([this.table.closeAll(true), this.client.close()]);
  }

  // --- endpoints -------------------------------------------------------------------------------

  private usable(s: HardenedService, now: number): readonly Endpoint[] {
    if (s.live.length > 0) return s.live;
    if (s.lastKnownGood.length > 0) {
      if (now - s.emptySince <= this.tuning.lkgMaxAgeMs) return s.lastKnownGood;
      s.lastKnownGood = EMPTY;
    }
    return EMPTY;
  }

  private apply(name: string, addresses: readonly ResolvedAddress[], shape: SubsetsShape, now: number): void {
    let s = this.services.get(name);
    if (!s) {
      s = { live: EMPTY, lastKnownGood: EMPTY, emptySince: now, shape, rr: 0 };
      this.services.set(name, s);
    }
    s.shape = shape;
    if (addresses.length > 0) {
      s.live = this.table.resolve(addresses);
      s.lastKnownGood = s.live;
      s.emptySince = 0;
    } else {
      if (s.emptySince === 0) s.emptySince = now;
      s.live = EMPTY;
    }
  }

  private discoveryFailure(service: string, s: HardenedService | undefined): RouteError {
    if (!this.listedOnce && this.services.size === 0) {
      const cause = this.unavailable ? this.unavailableCause : 'discovery_unavailable';
      return new RouteError(`no endpoints for ${service}: ${this.unavailable ?? 'discovery not listed yet'}`, 'processor->discovery', cause, 0);
    }
    // Endpoints whose subsets are not a list (lenient reading: that service only): discovery's answer is at fault.
    if (s?.shape === 'invalid') return new RouteError(`no endpoints for ${service}: discovery serves subsets that are not a list`, 'processor->discovery', 'bad_answer', 0);
    if (s?.shape === 'null') return new RouteError(`no endpoints for ${service}: discovery serves subsets: null`, 'processor->discovery', 'discovery_null', 0);
    const why = s === undefined ? 'unknown to discovery' : s.emptySince > 0 ? `empty for ${Math.round(performance.now() - s.emptySince)} ms` : 'empty';
    return new RouteError(`no endpoints for ${service}: ${why}`, 'processor->discovery', 'discovery_empty', 0);
  }

  private noteConnectionFailure(ep: Endpoint): void {
    ep.consecutiveFailures++;
    if (ep.consecutiveFailures >= this.tuning.ejectAfterFailures) {
      const now = performance.now();
      if (!ep.isEjected(now)) this.counters.ejections++;
      ep.ejectedUntil = now + this.tuning.ejectionMs;
      ep.consecutiveFailures = 0;
    }
  }

  private mayRetry(attempts: number, deadline: number): boolean {
    if (attempts >= this.tuning.maxAttempts) return false;
    const now = performance.now();
    if (deadline - now < 1) return false;
    if (!this.budget.tryRetry(now)) {
      this.counters.retriesDeniedByBudget++;
      return false;
    }
    this.counters.retries++;
    return true;
  }

  private sweep(): void {
    const inUse = new Set<Endpoint>();
    for (const s of this.services.values()) {
      for (const e of s.live) inUse.add(e);
      for (const e of s.lastKnownGood) inUse.add(e);
    }
    this.table.sweep(inUse);
  }

  // --- resolution ------------------------------------------------------------------------------

  private reset(): number {
    this.generation++;
    if (this.cycleTimer) clearTimeout(this.cycleTimer);
    this.cycleTimer = null;
    this.closeWatch();
    this.services = new Map();
    this.listedOnce = false;
    this.unavailable = null;
    this.resourceVersion = '';
    this.failures = 0;
    return this.generation;
  }

  private closeWatch(): void {
    this.watch?.close();
    this.watch = null;
    this.watchConnected = false;
  }

  /** List, then watch from the list's resourceVersion. */
  private async cycle(generation: number): Promise<void> {
    if (this.closed || generation !== this.generation) return;
    this.stats.lists++;
    let list;
    try {
      list = await this.client.list(this.tuning.listTimeoutMs);
    } catch (err) {
      if (generation !== this.generation) return;
      this.stats.listFailures++;
      this.unavailable = (err as Error).message;
      this.unavailableCause = err instanceof DiscoveryBadAnswer ? 'bad_answer' : 'discovery_unavailable';
      this.scheduleCycle(generation);
      return;
    }
    if (generation !== this.generation) return;
    this.unavailable = null;
    const now = performance.now();
    const seen = new Set<string>();
    for (const item of list.items) {
      const parsed = parseLenient(item);
      if (!parsed) continue;
      seen.add(parsed.name);
      this.apply(parsed.name, parsed.addresses, parsed.shape, now);
    }
    for (const name of this.services.keys()) if (!seen.has(name)) this.apply(name, EMPTY_ADDRESSES, 'absent', now);
    this.listedOnce = true;
    this.resourceVersion = list.resourceVersion;
    this.openWatch(generation);
  }

  private scheduleCycle(generation: number): void {
    if (this.closed || generation !== this.generation) return;
    this.closeWatch();
    if (this.cycleTimer) clearTimeout(this.cycleTimer);
    const exp = Math.min(this.tuning.relistBackoffMaxMs, this.tuning.relistBackoffMs * 2 ** Math.min(this.failures, 16));
    this.failures++;
    const delay = exp * (0.5 + this.jitter.next() * 0.5);
    this.cycleTimer = setTimeout(() => {
      this.cycleTimer = null;
      void this.cycle(generation);
    }, delay);
  }

  private openWatch(generation: number): void {
    this.stats.watchOpens++;
    this.closeWatch();
    this.watch = this.client.watch(
      this.resourceVersion,
      { bookmarks: true, openTimeoutMs: this.tuning.listTimeoutMs },
      {
        onOpen: () => {
          if (generation !== this.generation) return;
          this.watchConnected = true;
          this.lastWatchEventAt = performance.now();
        },
        onEvent: (type, object) => {
          if (generation !== this.generation) return;
          this.lastWatchEventAt = performance.now();
          this.failures = 0;
          this.onEvent(type, object, generation);
        },
        onEnd: () => {
          if (generation !== this.generation) return;
          this.stats.watchRestarts++;
          this.scheduleCycle(generation);
        },
      },
    );
  }

  private onEvent(type: string, object: unknown, generation: number): void {
    const now = performance.now();
    if (type === 'ADDED' || type === 'MODIFIED') {
      const parsed = parseLenient(object);
      if (parsed) this.apply(parsed.name, parsed.addresses, parsed.shape, now);
    } else if (type === 'DELETED') {
      const name = endpointsName(object);
      if (name !== undefined) this.apply(name, EMPTY_ADDRESSES, 'absent', now);
    } else if (type === 'ERROR') {
      // 410 Gone or any other error on the stream: start over from a list.
      this.stats.watchRestarts++;
      this.scheduleCycle(generation);
      return;
    }
    const rv = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
    if (typeof rv === 'string' && rv.length > 0) this.resourceVersion = rv;
  }

  private checkIdle(): void {
    if (!this.watch || !this.watchConnected) return;
    if (performance.now() - this.lastWatchEventAt <= this.tuning.watchIdleTimeoutMs) return;
    this.stats.idleRestarts++;
    this.scheduleCycle(this.generation);
  }
}

const EMPTY_ADDRESSES: readonly ResolvedAddress[] = Object.freeze([]) as readonly ResolvedAddress[];
