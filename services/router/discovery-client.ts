// Talks to the Kubernetes API for the router: list a namespace's Endpoints (or its EndpointSlices), and
// watch them as a stream of newline-delimited events. It reports what it reads; what to make of it is the
// policy's business.
// What is not a Kubernetes answer at all — a list that is not JSON or has no `items` array, a watch line
// that is not JSON or an event of no known type — is a DiscoveryBadAnswer (cause `bad_answer`), not an
// empty list: reading garbage as "no endpoints" would hide a broken API server behind discovery_empty.
// Each object inside is read by the policy (null subsets are the naive router's 2017 crash).
import { Agent, requestUrl } from '../common/undici-lean.ts';
import type { DiscoveryApi } from './types.ts';

/** Slices that belong to a Service (kube-proxy skips the others too). */
const SLICE_SELECTOR = 'kubernetes.io/service-name';

export class DiscoveryUnavailableError extends Error {
  override readonly name: string = 'DiscoveryUnavailableError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Discovery answered, but not with what the Kubernetes API serves. */
export class DiscoveryBadAnswer extends DiscoveryUnavailableError {
  override readonly name = 'DiscoveryBadAnswer';
}

const WATCH_EVENT_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);
const LIST_KINDS: Readonly<Record<DiscoveryApi, string>> = { endpoints: 'EndpointsList', endpointslices: 'EndpointSliceList' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a list answer is not an EndpointsList (or EndpointSliceList), or null. */
export function listProblem(parsed: unknown, api: DiscoveryApi = 'endpoints'): string | null {
  if (!isObject(parsed)) return 'the answer is not a JSON object';
  const kind = LIST_KINDS[api];
  if (parsed.kind !== undefined && parsed.kind !== kind) return `kind is ${JSON.stringify(parsed.kind)}, not ${kind}`;
  if (!Array.isArray(parsed.items)) return 'items is not an array';
  if (parsed.items.some((item) => !isObject(item))) return 'items holds something that is not an object';
  const meta = parsed.metadata;
  if (meta !== undefined && !isObject(meta)) return 'metadata is not an object';
  if (meta !== undefined && meta.resourceVersion !== undefined && typeof meta.resourceVersion !== 'string') return 'metadata.resourceVersion is not a string';
  return null;
}

/** Why a watch event is not one the Kubernetes API sends, or null. */
export function watchEventProblem(event: unknown): string | null {
  if (!isObject(event)) return 'an event that is not a JSON object';
  if (typeof event.type !== 'string' || !WATCH_EVENT_TYPES.has(event.type)) return `an event of unknown type ${JSON.stringify(event.type)}`;
  if (!isObject(event.object)) return `a ${event.type} event whose object is not a JSON object`;
  return null;
}

export interface RawList {
  resourceVersion: string;
  items: unknown[];
}

export interface WatchHandlers {
  /** The response head arrived: the watch is open. */
  onOpen(): void;
  /** One event. Throwing here ends the watch with that error. */
  onEvent(type: string, object: unknown): void;
  /** Every complete line that arrived together has been passed to onEvent. */
  onChunkEnd?(): void;
  /** The watch ended by itself (clean end: undefined) or failed. Not called after close(). */
  onEnd(error: Error | undefined): void;
}

export interface WatchHandle {
  close(): void;
}

export class DiscoveryClient {
  private readonly agent = new Agent({ connections: 8, keepAliveTimeout: 10_000 });
  private readonly base: string;
  /** `endpoints` or `endpointslices`, in messages. */
  private readonly what: string;
  /** The selector of every list and watch (`&labelSelector=…`), or nothing. */
  private readonly selector: string;

  constructor(
    discoveryUrl: string,
    readonly namespace: string,
    readonly api: DiscoveryApi = 'endpoints',
  ) {
    const root = discoveryUrl.replace(/\/+$/, '');
    const ns = encodeURIComponent(namespace);
    this.base = api === 'endpoints' ? `${root}/api/v1/namespaces/${ns}/endpoints` : `${root}/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`;
    this.what = api;
    this.selector = api === 'endpoints' ? '' : `labelSelector=${encodeURIComponent(SLICE_SELECTOR)}`;
  }

  async list(timeoutMs: number): Promise<RawList> {
    let res;
    try {
      res = await requestUrl(this.agent, this.selector ? `${this.base}?${this.selector}` : this.base, { signal: AbortSignal.timeout(timeoutMs), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    } catch (err) {
      throw new DiscoveryUnavailableError(`list ${this.namespace} ${this.what}: ${describe(err)}`);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw new DiscoveryUnavailableError(`list ${this.namespace} ${this.what}: ${describe(err)}`);
    }
    if (res.statusCode !== 200) throw new DiscoveryUnavailableError(`list ${this.namespace} ${this.what} answered ${res.statusCode}`, res.statusCode);
    let parsed: { metadata?: { resourceVersion?: unknown }; items?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new DiscoveryBadAnswer(`list ${this.namespace} ${this.what}: the answer is not JSON`, res.statusCode);
    }
    const problem = listProblem(parsed, this.api);
    if (problem !== null) throw new DiscoveryBadAnswer(`list ${this.namespace} ${this.what}: not an ${LIST_KINDS[this.api]}: ${problem}`, res.statusCode);
    const rv = parsed.metadata?.resourceVersion;
    return { resourceVersion: typeof rv === 'string' ? rv : '', items: parsed.items as unknown[] };
  }

  /**
   * Opens a watch from resourceVersion (empty: from the present state). bookmarks: ask for BOOKMARK
   * events (the stub sends them unless told not to). openTimeoutMs bounds the wait for the response head;
   * once open, the stream has no timeout: noticing a silent watch is the caller's job.
   */
  watch(resourceVersion: string, options: { bookmarks: boolean; openTimeoutMs: number }, handlers: WatchHandlers): WatchHandle {
    const controller = new AbortController();
    let done = false;
    const finish = (error: Error | undefined): void => {
      if (done) return;
      done = true;
      handlers.onEnd(error);
    };
    const query = `?watch=1${resourceVersion ? `&resourceVersion=${encodeURIComponent(resourceVersion)}` : ''}&allowWatchBookmarks=${options.bookmarks}${this.selector ? `&${this.selector}` : ''}`;
    void (async () => {
      const res = await requestUrl(this.agent, this.base + query, {
        signal: controller.signal,
        headersTimeout: options.openTimeoutMs,
        bodyTimeout: 0,
      });
      if (res.statusCode !== 200) {
        await res.body.text().catch(() => '');
        throw new DiscoveryUnavailableError(`watch ${this.namespace} ${this.what} answered ${res.statusCode}`, res.statusCode);
      }
      if (done) return;
      handlers.onOpen();
      res.body.setEncoding('utf8');
      let buffer = '';
      for await (const chunk of res.body as AsyncIterable<string>) {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.length === 0 || done) continue;
          let event: { type?: unknown; object?: unknown };
          try {
            event = JSON.parse(line) as typeof event;
          } catch {
            throw new DiscoveryBadAnswer('watch sent a line that is not JSON');
          }
          const problem = watchEventProblem(event);
          if (problem !== null) throw new DiscoveryBadAnswer(`watch sent ${problem}`);
          handlers.onEvent(event.type as string, event.object);
        }
        if (done) return;
        handlers.onChunkEnd?.();
      }
      finish(undefined);
    })().catch((err: unknown) => {
      if (done) return;
      finish(err instanceof Error ? err : new Error(String(err)));
    });
    return {
      close: () => {
        if (done) return;
        done = true;
        controller.abort();
      },
    };
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? e?.name ?? e?.message ?? String(err);
}
