// The stub's state: services per namespace with their registered replicas, a global resourceVersion that
// increases on every change, and a bounded history of watch events (each pre-serialised once as the
// line every watcher writes). Faults that rewrite what a service's subsets look like plug in as a
// transform applied at render time; a fault that changes the rendering calls touch() so watchers see it.
import { randomUUID } from 'node:crypto';
import type { EndpointSubset, Endpoints, EndpointsList, WatchEvent } from './contract.ts';
import { renderEndpoints, renderList, renderSubsets, type EndpointsMeta, type Replica } from './render.ts';

export type SubsetsTransform = (namespace: string, name: string, subsets: EndpointSubset[]) => EndpointSubset[] | null;

export interface HistoryEvent {
  rv: number;
  namespace: string;
  name: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The serialised WatchEvent plus its newline. */
  line: string;
}

interface ServiceEntry {
  meta: EndpointsMeta;
  replicas: Map<string, Replica>;
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

  list(namespace: string, name?: string): EndpointsList {
    const items: Endpoints[] = [];
    for (const entry of this.sorted()) {
      if (entry.meta.namespace !== namespace) continue;
      if (name !== undefined && entry.meta.name !== name) continue;
      items.push(this.render(entry));
    }
    return renderList(this.rv, items);
  }

  /** Current objects, for a watch that starts with the present state (synthetic ADDED events). */
  current(namespace: string, name?: string): Endpoints[] {
    return this.list(namespace, name).items;
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
      meta: { namespace, name, resourceVersion: 0, uid: randomUUID(), createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
      replicas: new Map(),
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
    const event: WatchEvent = { type, object: this.render(entry) };
    this.history.push({ rv: this.rv, namespace: entry.meta.namespace, name: entry.meta.name, type, line: `${JSON.stringify(event)}\n` });
    if (this.history.length > this.historySize * 2) {
      const drop = this.history.length - this.historySize;
      this.history = this.history.slice(drop);
      this.historyStart += drop;
    }
    for (const listener of this.listeners) listener();
  }
}
