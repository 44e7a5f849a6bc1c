// The hardened policy's resolution: list, then watch from the list's resourceVersion, of Endpoints or
// EndpointSlices (resolution-source.ts makes both read alike), with the defences a resilient client has:
// - a watch with no event and no bookmark for watchIdleTimeoutMs is dead: re-list, re-watch;
// - any end of a watch (or an ERROR event, e.g. 410 Gone) re-lists first, so nothing missed stays missed;
// - jittered exponential backoff between failed cycles; while discovery cannot be reached, the services
//   keep what they had (the resolver reports nothing, so the router changes nothing);
// - the events of one change (one resourceVersion: several slices of a service) are applied together, so
//   a service whose slices go one by one is never seen with only some of them (which would leave
//   last-known-good holding a fraction of the endpoints). A change is applied when the next one starts, on
//   a bookmark, or once the lines that arrived together are read: never later than Endpoints would be.
// It tells the router what it learns (listed / changed); what to route to is the router's business.
import type { Cause } from '../common/failure.ts';
import { createRng, hashSeed, type Rng } from '../common/random.ts';
import { DiscoveryBadAnswer, DiscoveryClient, type WatchHandle } from './discovery-client.ts';
import { resolutionSource, type ResolutionSource, type ServiceUpdate } from './resolution-source.ts';
import { waitAtMost } from './wait.ts';
import type { HardenedTuning, ResolutionSnapshot } from './types.ts';

export interface ResolverEvents {
  /** A fresh list: every service it shows, each whole; services not in it are gone. */
  listed(updates: readonly ServiceUpdate[], now: number): void;
  /** A watch event changed these services. */
  changed(updates: readonly ServiceUpdate[], now: number): void;
}

export interface ResolverOptions {
  discoveryUrl: string;
  namespace: string;
  seed: number;
  tuning: HardenedTuning;
}

export class HardenedResolver {
  private readonly client: DiscoveryClient;
  private readonly jitter: Rng;
  private source: ResolutionSource;
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
  /** The services the change being read alters, and its resourceVersion. */
  private pending = new Map<string, ServiceUpdate>();
  private pendingRv = '';
  private cycleTimer: NodeJS.Timeout | null = null;
  private readonly idleTimer: NodeJS.Timeout;
  /** Bumped by reset(): callbacks from an older generation are ignored. */
  private generation = 0;
  private closed = false;
  private readonly stats = { lists: 0, listFailures: 0, watchOpens: 0, watchRestarts: 0, idleRestarts: 0 };

  constructor(
    private readonly opts: ResolverOptions,
    private readonly events: ResolverEvents,
  ) {
    this.client = new DiscoveryClient(opts.discoveryUrl, opts.namespace, opts.tuning.discoveryApi);
    this.source = resolutionSource(opts.tuning.discoveryApi);
    this.jitter = createRng(hashSeed('router-backoff', opts.seed));
    this.idleTimer = setInterval(() => this.checkIdle(), Math.max(20, Math.min(250, opts.tuning.watchIdleTimeoutMs / 4)));
    this.idleTimer.unref();
  }

  /** Whether a list has succeeded since the last reset. */
  get hasListed(): boolean {
    return this.listedOnce;
  }

  /** Why the last list failed, while discovery cannot be read. */
  get unavailableReason(): string | null {
    return this.unavailable;
  }

  /** `bad_answer` when the last list was not a Kubernetes answer at all, else `discovery_unavailable`. */
  get unavailableCauseOf(): Cause {
    return this.unavailable ? this.unavailableCause : 'discovery_unavailable';
  }

  /** Runs a list-and-watch cycle, waiting at most waitMs for the list. */
  async start(waitMs: number): Promise<void> {
    await waitAtMost(this.cycle(this.generation), waitMs);
  }

  /** Forgets everything (a mesh restart, or close): the watch, the resourceVersion, the backoff. */
  reset(): void {
    this.generation++;
    if (this.cycleTimer) clearTimeout(this.cycleTimer);
    this.cycleTimer = null;
    this.closeWatch();
    this.pending = new Map();
    this.source = resolutionSource(this.opts.tuning.discoveryApi);
    this.listedOnce = false;
    this.unavailable = null;
    this.resourceVersion = '';
    this.failures = 0;
  }

  snapshot(now: number, meshRestarts: number): ResolutionSnapshot {
    return {
      state: this.unavailable ? 'unavailable' : this.listedOnce ? 'ok' : 'starting',
      api: this.source.api,
      ...(this.unavailable ? { error: this.unavailable } : {}),
      resourceVersion: this.resourceVersion,
      ...this.stats,
      meshRestarts,
      watchConnected: this.watchConnected,
      ...(this.lastWatchEventAt > 0 ? { lastWatchEventAgoMs: Math.round(now - this.lastWatchEventAt) } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reset();
    clearInterval(this.idleTimer);
    await this.client.close();
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
      list = await this.client.list(this.opts.tuning.listTimeoutMs);
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
    this.events.listed(this.source.fromList(list.items), performance.now());
    this.listedOnce = true;
    this.resourceVersion = list.resourceVersion;
    this.openWatch(generation);
  }

  private scheduleCycle(generation: number): void {
    if (this.closed || generation !== this.generation) return;
    this.closeWatch();
    if (this.cycleTimer) clearTimeout(this.cycleTimer);
    const { relistBackoffMs, relistBackoffMaxMs } = this.opts.tuning;
    const exp = Math.min(relistBackoffMaxMs, relistBackoffMs * 2 ** Math.min(this.failures, 16));
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
      { bookmarks: true, openTimeoutMs: this.opts.tuning.listTimeoutMs },
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
        onChunkEnd: () => {
          if (generation === this.generation) this.flush();
        },
        onEnd: () => {
          if (generation !== this.generation) return;
          this.flush();
          this.stats.watchRestarts++;
          this.scheduleCycle(generation);
        },
      },
    );
  }

  private onEvent(type: string, object: unknown, generation: number): void {
    const value = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
    const rv = typeof value === 'string' ? value : '';
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
      if (this.pending.size > 0 && rv !== this.pendingRv) this.flush();
      for (const update of this.source.fromEvent(type, object)) this.pending.set(update.name, update);
      this.pendingRv = rv;
    } else {
      this.flush();
      if (type === 'ERROR') {
        // 410 Gone or any other error on the stream: start over from a list.
        this.stats.watchRestarts++;
        this.scheduleCycle(generation);
        return;
      }
    }
    if (rv.length > 0) this.resourceVersion = rv;
  }

  /** Applies the change read so far: each service it altered, in its state after the change. */
  private flush(): void {
    if (this.pending.size === 0) return;
    const updates = [...this.pending.values()];
    this.pending = new Map();
    this.events.changed(updates, performance.now());
  }

  private checkIdle(): void {
    if (!this.watch || !this.watchConnected) return;
    if (performance.now() - this.lastWatchEventAt <= this.opts.tuning.watchIdleTimeoutMs) return;
    this.stats.idleRestarts++;
    this.scheduleCycle(this.generation);
  }
}
