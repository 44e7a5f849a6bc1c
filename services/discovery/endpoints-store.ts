// The stub's state: services per namespace with their registered replicas, a global resourceVersion that
// increases on every change, and a bounded history of watch events (each pre-serialised once as the
// line every watcher writes). Faults that rewrite what a service's subsets look like plug in as a
// transform applied at render time; a fault that changes the rendering calls touch() so watchers see it.
// Each change renders the Endpoints object and brings the service's EndpointSlices in line with it
// (slice-set.ts): both views share the change's resourceVersion, so a list of either API at rv N and a
// watch of either from N agree on what the endpoints are.
import { randomUUID } from 'node:crypto';
import { SLICE_API_VERSION, type EndpointSlice, type EndpointSliceList, type EndpointSubset, type Endpoints, type EndpointsList, type WatchEvent } from './contract.ts';
import { renderEndpoints, renderList, renderSubsets, timestamp, type EndpointsMeta, type Replica } from './render.ts';
import { selects, type Selection } from './selection.ts';
import { ServiceSlices } from './slice-set.ts';

export type SubsetsTransform = (namespace: string, name: string, subsets: EndpointSubset[]) => EndpointSubset[] | null;

export interface HistoryEvent {
  rv: number;
  namespace: string;
  name: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The serialised WatchEvent plus its newline. */
  line: string;
  /** The EndpointSlice events of the same change (none when the slices did not change). */
  slices: SliceLine[];
}

export interface SliceLine {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** The serialised WatchEvent plus its newline. */
  line: string;
}

interface ServiceEntry {
  meta: EndpointsMeta;
  replicas: Map<string, Replica>;
  slices: ServiceSlices;
}

export interface ServiceState {
  namespace: string;
  name: string;
  resourceVersion: number;
  replicas: Replica[];
}

export type RegisterResult = 'ADDED' | 'MODIFIED' | 'UNCHANGED';

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

export class EndpointsStore {
  private readonly services = new Map<string, ServiceEntry>();
  private history: HistoryEvent[] = [];
  /** resourceVersion of history[0]; every change gets exactly one event, so rvs are contiguous. */
  private historyStart = 1;
  private rv = 0;
  private readonly listeners = new Set<() => void>();
  private transform: SubsetsTransform = (_ns, _name, subsets) => subsets;

  constructor(private readonly historySize = 1000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  setTransform(transform: SubsetsTransform): void {
    this.transform = transform;
  }

  has(namespace: string, name: string): boolean {
    return this.services.has(key(namespace, name));
  }

  get(namespace: string, name: string): Endpoints | undefined {
    const entry = this.services.get(key(namespace, name));
    return entry ? this.render(entry) : undefined;
  }

  list(selection: Selection): EndpointsList {
    const items: Endpoints[] = [];
    for (const entry of this.sorted()) {
      if (selects(selection, entry.meta.namespace, entry.meta.name)) items.push(this.render(entry));
    }
    return renderList(this.rv, items);
  }

  getSlice(namespace: string, name: string): EndpointSlice | undefined {
    for (const entry of this.services.values()) {
      if (entry.meta.namespace !== namespace) continue;
      const slice = entry.slices.get(name);
      if (slice) return slice;
    }
    return undefined;
  }

  listSlices(selection: Selection): EndpointSliceList {
    const items: EndpointSlice[] = [];
    for (const entry of this.sorted()) {
      if (selection.namespace !== undefined && entry.meta.namespace !== selection.namespace) continue;
      for (const slice of entry.slices.all()) {
        if (selects(selection, slice.metadata.namespace, slice.metadata.name, slice.metadata.labels)) items.push(slice);
      }
    }
    return { kind: 'EndpointSliceList', apiVersion: SLICE_API_VERSION, metadata: { resourceVersion: String(this.rv) }, items };
  }

  /** Current objects, for a watch that starts with the present state (synthetic ADDED events). */
  current(selection: Selection): Array<Endpoints | EndpointSlice> {
    return selection.resource === 'endpoints' ? this.list(selection).items : this.listSlices(selection).items;
  }

  register(namespace: string, service: string, replica: Replica): RegisterResult {
    let entry = this.services.get(key(namespace, service));
    if (!entry) {
      entry = this.newEntry(namespace, service);
      entry.replicas.set(replica.name, { ...replica });
      this.services.set(key(namespace, service), entry);
      this.record(entry, 'ADDED');
      return 'ADDED';
    }
    const existing = entry.replicas.get(replica.name);
    if (existing && existing.ip === replica.ip && existing.port === replica.port) return 'UNCHANGED';
    entry.replicas.set(replica.name, { ...replica });
    this.record(entry, 'MODIFIED');
    return 'MODIFIED';
  }

  /** Removes a replica; the service stays (with `subsets: []` when it was the last one), as in Kubernetes. */
  deregister(namespace: string, service: string, replica: string): boolean {
    const entry = this.services.get(key(namespace, service));
    if (!entry || !entry.replicas.delete(replica)) return false;
    this.record(entry, 'MODIFIED');
    return true;
  }

  /** A service with no replicas: a deployment scaled to zero. False when it already existed. */
  createService(namespace: string, name: string): boolean {
    if (this.services.has(key(namespace, name))) return false;
    const entry = this.newEntry(namespace, name);
    this.services.set(key(namespace, name), entry);
    this.record(entry, 'ADDED');
    return true;
  }

  deleteService(namespace: string, name: string): boolean {
    const entry = this.services.get(key(namespace, name));
    if (!entry) return false;
    this.services.delete(key(namespace, name));
    this.record(entry, 'DELETED');
    return true;
  }

  /** Re-renders a service after a fault changed how it looks, emitting MODIFIED. False when unknown. */
  touch(namespace: string, name: string): boolean {
    const entry = this.services.get(key(namespace, name));
    if (!entry) return false;
    this.record(entry, 'MODIFIED');
    return true;
  }

  states(): ServiceState[] {
    return this.sorted().map((e) => ({
      namespace: e.meta.namespace,
      name: e.meta.name,
      resourceVersion: e.meta.resourceVersion,
      replicas: [...e.replicas.values()].map((r) => ({ ...r })),
    }));
  }

  /**
   * Calls fn for every event after `rv`, oldest first. Returns false when `rv` is older than the history
   * kept (the watcher must re-list: Kubernetes answers 410 Gone).
   */
  forEachSince(rv: number, fn: (event: HistoryEvent) => void): boolean {
    if (rv >= this.rv) return true;
    const from = rv + 1 - this.historyStart;
    if (from < 0) return false;
    for (let i = from; i < this.history.length; i++) fn(this.history[i] as HistoryEvent);
    return true;
  }

  /** Oldest resourceVersion a watch can still resume from. */
  get oldestResumableVersion(): number {
    return this.historyStart - 1;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private newEntry(namespace: string, name: string): ServiceEntry {
    return {
      meta: { namespace, name, resourceVersion: 0, uid: randomUUID(), createdAt: timestamp() },
      replicas: new Map(),
      // The Service the slices name as their owner (the stub serves no Service objects, but keeps its uid).
      slices: new ServiceSlices(namespace, name, randomUUID()),
    };
  }

  private render(entry: ServiceEntry): Endpoints {
    const base = renderSubsets(entry.meta.namespace, entry.replicas.values());
    return renderEndpoints(entry.meta, this.transform(entry.meta.namespace, entry.meta.name, base));
  }

  private sorted(): ServiceEntry[] {
    return [...this.services.values()].sort((a, b) => {
      const ka = key(a.meta.namespace, a.meta.name);
      const kb = key(b.meta.namespace, b.meta.name);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  private record(entry: ServiceEntry, type: HistoryEvent['type']): void {
    this.rv += 1;
    entry.meta.resourceVersion = this.rv;
    const object = this.render(entry);
    const event: WatchEvent = { type, object };
    const sliceChanges = type === 'DELETED' ? entry.slices.deleteAll(this.rv) : entry.slices.update(object.subsets, this.rv);
    const slices = sliceChanges.map(
      (c): SliceLine => ({ name: c.slice.metadata.name, labels: c.slice.metadata.labels, line: `${JSON.stringify({ type: c.type, object: c.slice } satisfies WatchEvent)}\n` }),
    );
    this.history.push({ rv: this.rv, namespace: entry.meta.namespace, name: entry.meta.name, type, line: `${JSON.stringify(event)}\n`, slices });
    if (this.history.length > this.historySize * 2) {
      const drop = this.history.length - this.historySize;
      this.history = this.history.slice(drop);
      this.historyStart += drop;
    }
    for (const listener of this.listeners) listener();
  }
}
