// The hardened policy: what a resilient mesh client does with the same discovery.
// - Resolution (hardened-resolver.ts): EndpointSlices by default, or Endpoints (tuning.discoveryApi; why
//   slices: types.ts HARDENED_DEFAULTS). A watch that sends nothing, not even a bookmark, for
//   watchIdleTimeoutMs is dead: re-list, re-watch. Any end of a watch re-lists first (with jittered
//   exponential backoff), so nothing missed stays missed. While discovery cannot be reached, the endpoints
//   it last gave are kept.
// - Lenient reading: `subsets: null` (or a slice's `endpoints: null`) == empty; a malformed object only
//   affects its own service (its requests fail as bad_answer); a list or watch event that is not a
//   Kubernetes answer at all is a failed list (bad_answer).
// - Last-known-good: when a service's endpoints go empty (null, [], deleted, missing from a list) it keeps
//   routing to the last non-empty set for up to lkgMaxAgeMs, then fails with discovery_empty/_null.
// - Passive ejection: ejectAfterFailures consecutive connection failures (refused, reset, timeout) take an
//   endpoint out for ejectionMs; with every endpoint ejected, all are tried (panic mode).
// - Retries: a refused connection (nothing was sent) is always retryable; reset, timeout and 5xx only for
//   idempotent requests; every retry goes to another endpoint, spends from the retry budget, and must fit
//   in the deadline. Each attempt is bounded by attemptTimeoutMs and by what is left of deadlineMs.
// - 5xx: an idempotent request's 5xx is retried, and if the last attempt is still 5xx the call fails with
//   RouteError http_5xx (or the deeper hop/cause the upstream's body names). A non-idempotent request's
//   5xx is not retried and is returned as a RouteResult. 4xx is always a RouteResult.
// Each of the seven defences (ejection, last_known_good, retry_budget, attempt_timeout, watch_idle_timeout,
// retries, lenient_parsing) can be switched off through tuning.defences; defences.ts says what off means.
import type { Cause, Hop } from '../common/failure.ts';
import { causeOfError } from '../common/failure.ts';
import { createRng, hashSeed } from '../common/random.ts';
import { Balancer, type Cursor } from './balancer.ts';
import { PolicyRouter } from './policy-router.ts';
import type { Endpoint } from './endpoint-table.ts';
import type { ResolvedAddress } from './endpoints-parser.ts';
import { HardenedResolver } from './hardened-resolver.ts';
import type { ServiceUpdate } from './resolution-source.ts';
import { RetryBudget } from './retry-budget.ts';
import { RouteError, deeperFailure } from './route-error.ts';
import { callWithDeadline, type UpstreamAnswer } from './upstream-call.ts';
import {
  hardenedTuning,
  type HardenedTuning,
  type HardenedTuningInput,
  type ResolutionSnapshot,
  type RouteRequest,
  type RouteResult,
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
  tuning: HardenedTuningInput;
  startupWaitMs: number;
}

function isConnectionFailure(cause: Cause): boolean {
  return cause === 'connection_refused' || cause === 'reset' || cause === 'timeout';
}

export class HardenedRouter extends PolicyRouter<HardenedService> {
  /** Every knob of the policy, defaults filled: the one object a per-defence override changes. */
  private readonly tuning: HardenedTuning;
  private readonly resolver: HardenedResolver;
  private readonly balancer: Balancer;
  private readonly budget: RetryBudget;
  private readonly sweepTimer: NodeJS.Timeout;
  private meshRestarts = 0;
  /** Lenient parsing off: the parse error that poisoned resolution, until a list parses cleanly. */
  private poison: string | null = null;

  constructor(private readonly opts: HardenedRouterOptions) {
    const tuning = hardenedTuning(opts.tuning);
    super('hardened', opts, tuning.connectionsPerEndpoint);
    this.tuning = tuning;
    this.resolver = new HardenedResolver(
      { discoveryUrl: opts.discoveryUrl, namespace: opts.namespace, seed: opts.seed, tuning: this.tuning },
      {
        listed: (updates, now) => this.listed(updates, now),
        changed: (updates, now) => this.changed(updates, now),
        poisoned: (message) => {
          this.poison = message;
        },
      },
    );
    this.balancer = new Balancer(this.tuning.balancer, createRng(hashSeed('router', opts.seed)));
    this.budget = new RetryBudget(this.tuning.retryBudgetRatio, this.tuning.retryBudgetMinPerSec, performance.now());
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  async start(): Promise<void> {
    await this.resolver.start(this.opts.startupWaitMs);
  }

  async request(service: string, req: RouteRequest): Promise<RouteResult> {
    const start = performance.now();
    this.counters.requests++;
    this.budget.onRequest(start);
    if (this.poison !== null) throw this.counters.fail(new RouteError(`resolver failed: ${this.poison}`, 'processor->discovery', 'discovery_null', 0));
    const entry = this.services.get(service);
    const endpoints = entry ? this.usable(entry, start) : EMPTY;
    if (entry === undefined || endpoints.length === 0) throw this.counters.fail(this.discoveryFailure(service, entry));
    const deadline = start + (req.deadlineMs ?? this.tuning.defaultDeadlineMs);
    let attempts = 0;
    let last: Endpoint | undefined;
    // Whether an attempt was sent and never answered (reset, timeout): its request may have been carried out
    // even if the attempts after it fail in ways that do nothing, and the caller must be told so.
    let unanswered = false;
    for (;;) {
      const now = attempts === 0 ? start : performance.now();
      const remaining = deadline - now;
      if (remaining <= 0) {
        throw this.counters.fail(
          new RouteError(`${service}: deadline of ${req.deadlineMs ?? this.tuning.defaultDeadlineMs} ms spent after ${attempts} attempts`, this.opts.hop(service), 'timeout', attempts, {
            ...(last ? { endpoint: last.key } : {}),
            unansweredAttempt: unanswered,
          }),
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
        answer = await callWithDeadline(ep, req, this.tuning.defences.attempt_timeout ? Math.min(this.tuning.attemptTimeoutMs, remaining) : remaining);
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
            { status: answer.status, body: answer.body, endpoint: ep.key, unansweredAttempt: unanswered },
          ),
        );
      }

      const cause = causeOfError(error);
      if (isConnectionFailure(cause)) this.noteConnectionFailure(ep);
      const retryable = cause === 'connection_refused' || (req.idempotent && (cause === 'reset' || cause === 'timeout'));
      if (retryable && this.mayRetry(attempts, deadline)) {
        if (cause !== 'connection_refused') unanswered = true;
        continue;
      }
      throw this.counters.fail(
        new RouteError(`${service} at ${ep.key}: ${(error as Error)?.message || cause}`, this.opts.hop(service), cause, attempts, { endpoint: ep.key, unansweredAttempt: unanswered }),
      );
    }
  }

  protected forgetResolution(): void {
    this.meshRestarts++;
    this.resolver.reset();
    this.poison = null;
    this.services = new Map();
  }

  protected resolveAgain(): Promise<void> {
    return this.resolver.start(this.opts.startupWaitMs);
  }

  protected stopResolution(): void {
    this.services = new Map();
    clearInterval(this.sweepTimer);
  }

  protected closeDiscovery(): Promise<void> {
    return this.resolver.close();
  }

  protected serviceSnapshot(s: HardenedService | undefined, now: number): ServiceSnapshot {
    if (!s) return { endpoints: [], source: 'none', subsets: 'absent' };
    const usable = this.poison === null ? this.usable(s, now) : EMPTY;
    const snap: ServiceSnapshot = {
      endpoints: usable.map((e) => e.view(now)),
      source: s.live.length > 0 ? 'live' : usable.length > 0 ? 'last_known_good' : 'none',
      subsets: s.shape,
    };
    if (s.emptySince > 0) snap.emptyForMs = Math.round(now - s.emptySince);
    return snap;
  }

  protected resolutionSnapshot(now: number): ResolutionSnapshot {
    return this.resolver.snapshot(now, this.meshRestarts);
  }

  protected override snapshotExtras(): Pick<RouterSnapshot, 'tuning'> {
    return { tuning: this.tuning };
  }

  // --- endpoints -------------------------------------------------------------------------------

  private usable(s: HardenedService, now: number): readonly Endpoint[] {
    if (s.live.length > 0) return s.live;
    if (s.lastKnownGood.length > 0 && this.tuning.defences.last_known_good) {
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
    if (!this.resolver.hasListed && this.services.size === 0) {
      const why = this.resolver.unavailableReason ?? 'discovery not listed yet';
      return new RouteError(`no endpoints for ${service}: ${why}`, 'processor->discovery', this.resolver.unavailableCauseOf, 0);
    }
    // Endpoints whose subsets are not a list (lenient reading: that service only): discovery's answer is at fault.
    if (s?.shape === 'invalid') return new RouteError(`no endpoints for ${service}: discovery serves subsets that are not a list`, 'processor->discovery', 'bad_answer', 0);
    if (s?.shape === 'null') return new RouteError(`no endpoints for ${service}: discovery serves subsets: null`, 'processor->discovery', 'discovery_null', 0);
    const why = s === undefined ? 'unknown to discovery' : s.emptySince > 0 ? `empty for ${Math.round(performance.now() - s.emptySince)} ms` : 'empty';
    return new RouteError(`no endpoints for ${service}: ${why}`, 'processor->discovery', 'discovery_empty', 0);
  }

  private noteConnectionFailure(ep: Endpoint): void {
    ep.consecutiveFailures++;
    if (this.tuning.defences.ejection && ep.consecutiveFailures >= this.tuning.ejectAfterFailures) {
      const now = performance.now();
      if (!ep.isEjected(now)) this.counters.ejections++;
      ep.ejectedUntil = now + this.tuning.ejectionMs;
      ep.consecutiveFailures = 0;
    }
  }

  private mayRetry(attempts: number, deadline: number): boolean {
    if (!this.tuning.defences.retries || attempts >= this.tuning.maxAttempts) return false;
    const now = performance.now();
    if (deadline - now < 1) return false;
    if (this.tuning.defences.retry_budget && !this.budget.tryRetry(now)) {
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

  /** A fresh list: every service it shows takes its state; the others are gone (bridged by last-known-good). */
  private listed(updates: readonly ServiceUpdate[], now: number): void {
    this.poison = null;
    const seen = new Set<string>();
    for (const u of updates) {
      seen.add(u.name);
      this.apply(u.name, u.addresses, u.shape, now);
    }
    for (const name of this.services.keys()) if (!seen.has(name)) this.apply(name, EMPTY_ADDRESSES, 'absent', now);
  }

  private changed(updates: readonly ServiceUpdate[], now: number): void {
    for (const u of updates) this.apply(u.name, u.addresses, u.shape, now);
  }
}

const EMPTY_ADDRESSES: readonly ResolvedAddress[] = Object.freeze([]) as readonly ResolvedAddress[];
