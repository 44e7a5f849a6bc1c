// The naive policy: linkerd 1.x as Monzo ran it in 2017.
// - Core/v1 Endpoints only (EndpointSlices came with Kubernetes 1.16). One list, then one watch of the whole namespace. Every object is read strictly: `subsets: null` for
//   ANY service throws, and the resolver is poisoned — every request to every service fails with
//   discovery_null — until a fresh list parses cleanly (it retries the list every retryIntervalMs). Any other
//   object it cannot parse poisons it the same way, failing as bad_answer.
// - The watch is trusted: bookmarks are ignored, silence is never noticed, so a stalled watch leaves it
//   routing to whatever endpoints it last saw, dead or not. A watch that ends is re-opened from the last
//   resourceVersion (no re-list, unless the server answers 410 Gone).
// - restart() throws everything away and lists again (and meets the null again).
// - A refused connection is retried at once on the next endpoint, up to maxAttempts in all; nothing else
//   is retried. No ejection, no per-call deadline (one long timeout per attempt; deadlineMs is ignored).
// - Every upstream answer, 5xx included, is returned as a RouteResult.
import type { Cause, Hop } from '../common/failure.ts';
import { causeOfError } from '../common/failure.ts';
import { createRng, hashSeed } from '../common/random.ts';
import { Balancer, type Cursor } from './balancer.ts';
import { DiscoveryBadAnswer, DiscoveryClient, type WatchHandle } from './discovery-client.ts';
import type { Endpoint } from './endpoint-table.ts';
import { NullSubsetsError, parseStrict } from './endpoints-parser.ts';
import { RouteError } from './route-error.ts';
import { callWithTimeouts } from './upstream-call.ts';
import { PolicyRouter } from './policy-router.ts';
import { waitAtMost } from './wait.ts';
import { NAIVE_DEFAULTS, type NaiveTuning, type ResolutionSnapshot, type RouteRequest, type RouteResult, type ServiceSnapshot, type SubsetsShape } from './types.ts';

interface NaiveService extends Cursor {
  endpoints: Endpoint[];
  shape: SubsetsShape;
}

export interface NaiveRouterOptions {
  discoveryUrl: string;
  namespace: string;
  services: string[];
  hop: (service: string) => Hop;
  seed: number;
  tuning: Partial<NaiveTuning>;
  startupWaitMs: number;
}

export class NaiveRouter extends PolicyRouter<NaiveService> {
  private readonly tuning: NaiveTuning;
  private readonly client: DiscoveryClient;
  private readonly balancer: Balancer;
  /** discovery_null: the 2017 crash on `subsets: null`; bad_answer: any other object it could not parse. */
  private poison: { service: string; message: string; cause: Cause } | null = null;
  private unavailable: string | null = null;
  private unavailableCause: Cause = 'discovery_unavailable';
  private listedOnce = false;
  private resourceVersion = '';
  private watch: WatchHandle | null = null;
  private watchConnected = false;
  private lastWatchEventAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Bumped by restart() and close(): callbacks from an older generation are ignored. */
  private generation = 0;
  private readonly stats = { lists: 0, listFailures: 0, watchOpens: 0, watchRestarts: 0, meshRestarts: 0 };

  constructor(private readonly opts: NaiveRouterOptions) {
    const tuning = { ...NAIVE_DEFAULTS, ...opts.tuning };
    super('naive', opts, tuning.connectionsPerEndpoint);
    this.tuning = tuning;
    this.client = new DiscoveryClient(opts.discoveryUrl, opts.namespace);
    this.balancer = new Balancer(this.tuning.balancer, createRng(hashSeed('router', opts.seed)));
  }

  async start(): Promise<void> {
    await waitAtMost(this.relist(this.generation), this.opts.startupWaitMs);
  }

  async request(service: string, req: RouteRequest): Promise<RouteResult> {
    this.counters.requests++;
    if (this.poison) {
      throw this.counters.fail(new RouteError(`resolver failed: ${this.poison.message}`, 'processor->discovery', this.poison.cause, 0));
    }
    const entry = this.services.get(service);
    if (!entry || entry.endpoints.length === 0) {
      if (!this.listedOnce) {
        const cause = this.unavailable ? this.unavailableCause : 'discovery_unavailable';
        throw this.counters.fail(new RouteError(`no endpoints for ${service}: ${this.unavailable ?? 'discovery not listed yet'}`, 'processor->discovery', cause, 0));
      }
      throw this.counters.fail(new RouteError(`no endpoints for ${service}`, 'processor->discovery', 'discovery_empty', 0));
    }
    const endpoints = entry.endpoints;
    const now = performance.now();
    let ep = this.balancer.pick(endpoints, entry, now);
    let attempts = 0;
    for (;;) {
      attempts++;
      this.counters.attempts++;
      const current = ep;
      current.inFlight++;
      try {
        const answer = await callWithTimeouts(current, req, this.tuning.requestTimeoutMs);
        return { status: answer.status, body: answer.body, attempts, endpoint: current.key };
      } catch (err) {
        const cause = causeOfError(err);
        if (cause === 'connection_refused' && attempts < this.tuning.maxAttempts) {
          this.counters.retries++;
          ep = this.balancer.pick(endpoints, entry, now, current);
          continue;
        }
        throw this.counters.fail(
          new RouteError(`${service} at ${current.key}: ${(err as Error).message || cause}`, this.opts.hop(service), cause, attempts, { endpoint: current.key }),
        );
      } finally {
        current.inFlight--;
      }
    }
  }

  protected forgetResolution(): void {
    this.stats.meshRestarts++;
    this.reset();
  }

  protected resolveAgain(): Promise<void> {
    return waitAtMost(this.relist(this.generation), this.opts.startupWaitMs);
  }

  protected stopResolution(): void {
    this.reset();
  }

  protected closeDiscovery(): Promise<void> {
    return this.client.close();
  }

  protected serviceSnapshot(s: NaiveService | undefined, now: number): ServiceSnapshot {
    const usable = !this.poison && s !== undefined && s.endpoints.length > 0;
    return {
      endpoints: usable ? s.endpoints.map((e) => e.view(now)) : [],
      source: usable ? 'live' : 'none',
      subsets: s?.shape ?? 'absent',
    };
  }

  protected resolutionSnapshot(now: number): ResolutionSnapshot {
    return {
      state: this.poison ? 'poisoned' : this.listedOnce ? 'ok' : this.unavailable ? 'unavailable' : 'starting',
      api: 'endpoints',
      ...(this.poison ? { error: this.poison.message } : this.unavailable ? { error: this.unavailable } : {}),
      resourceVersion: this.resourceVersion,
      ...this.stats,
      idleRestarts: 0,
      watchConnected: this.watchConnected,
      ...(this.lastWatchEventAt > 0 ? { lastWatchEventAgoMs: Math.round(now - this.lastWatchEventAt) } : {}),
    };
  }

  /** Stops the watch and timers, forgets every endpoint and the poison. Returns the new generation. */
  private reset(): number {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watch?.close();
    this.watch = null;
    this.watchConnected = false;
    this.services = new Map();
    this.poison = null;
    this.listedOnce = false;
    this.resourceVersion = '';
    return this.generation;
  }

  private later(generation: number, fn: () => void): void {
    if (this.closed || generation !== this.generation) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed && generation === this.generation) fn();
    }, this.tuning.retryIntervalMs);
  }

  private async relist(generation: number): Promise<void> {
    this.stats.lists++;
    let list;
    try {
      list = await this.client.list(this.tuning.listTimeoutMs);
    } catch (err) {
      if (generation !== this.generation) return;
      this.stats.listFailures++;
      this.unavailable = (err as Error).message;
      this.unavailableCause = err instanceof DiscoveryBadAnswer ? 'bad_answer' : 'discovery_unavailable';
      this.later(generation, () => void this.relist(generation));
      return;
    }
    if (generation !== this.generation) return;
    this.unavailable = null;
    const next = new Map<string, NaiveService>();
    try {
      for (const item of list.items) {
        const parsed = parseStrict(item);
        next.set(parsed.name, { endpoints: this.table.resolve(parsed.addresses), shape: parsed.shape, rr: 0 });
      }
    } catch (err) {
      this.poisonWith(err, generation);
      return;
    }
    for (const [name, s] of next) s.rr = this.services.get(name)?.rr ?? 0;
    this.services = next;
    this.poison = null;
    this.listedOnce = true;
    this.resourceVersion = list.resourceVersion;
    this.openWatch(generation);
  }

  private poisonWith(err: unknown, generation: number): void {
    const service = err instanceof NullSubsetsError ? err.service : 'unknown';
    const cause: Cause = err instanceof NullSubsetsError ? 'discovery_null' : 'bad_answer';
    this.poison = { service, message: (err as Error).message, cause };
    this.watch?.close();
    this.watch = null;
    this.watchConnected = false;
    this.later(generation, () => void this.relist(generation));
  }

  private openWatch(generation: number): void {
    this.stats.watchOpens++;
    this.watch = this.client.watch(
      this.resourceVersion,
      // linkerd 1.x did not ask for bookmarks; the open waits as long as a request may.
      { bookmarks: false, openTimeoutMs: this.tuning.requestTimeoutMs },
      {
        onOpen: () => {
          if (generation === this.generation) this.watchConnected = true;
        },
        onEvent: (type, object) => {
          if (generation !== this.generation || this.poison) return;
          this.lastWatchEventAt = performance.now();
          this.onEvent(type, object, generation);
        },
        onEnd: () => {
          if (generation !== this.generation) return;
          this.watch = null;
          this.watchConnected = false;
          if (this.poison) return;
          this.stats.watchRestarts++;
          this.later(generation, () => this.openWatch(generation));
        },
      },
    );
  }

  private onEvent(type: string, object: unknown, generation: number): void {
    if (type === 'ADDED' || type === 'MODIFIED') {
      let parsed;
      try {
        parsed = parseStrict(object);
      } catch (err) {
        this.poisonWith(err, generation);
        return;
      }
      const prev = this.services.get(parsed.name);
      this.services.set(parsed.name, { endpoints: this.table.resolve(parsed.addresses), shape: parsed.shape, rr: prev?.rr ?? 0 });
      this.noteVersion(object);
    } else if (type === 'DELETED') {
      const parsed = (object as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      if (typeof parsed === 'string') this.services.delete(parsed);
      this.noteVersion(object);
    } else if (type === 'ERROR') {
      // 410 Gone: our resourceVersion is too old. Everything else: keep going.
      if ((object as { code?: unknown } | null)?.code === 410) {
        this.watch?.close();
        this.watch = null;
        this.watchConnected = false;
        this.later(generation, () => void this.relist(generation));
      }
    }
    // BOOKMARK: not something linkerd 1.x knew about; ignored.
  }

  private noteVersion(object: unknown): void {
    const rv = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
    if (typeof rv === 'string') this.resourceVersion = rv;
  }
}
