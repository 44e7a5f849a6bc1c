// The discovery faults currently in force, keyed by kind and (for service faults) namespace/service, so
// null_subsets can be on for two services at once and each heals on its own.
import type { IncomingMessage } from 'node:http';
import type { EndpointSubset } from '../contract.ts';
import type { EndpointsStore } from '../endpoints-store.ts';
import type { WatchHub } from '../watch-hub.ts';
import type { Rng } from '../../common/random.ts';
import type { ApiRejection, DiscoveryFault, FaultHost } from './types.ts';
import { DISCOVERY_FAULTS, type DiscoveryFaultKind } from './catalog.ts';

export interface ActiveFaultView {
  kind: DiscoveryFaultKind;
  namespace?: string;
  service?: string;
  params: Record<string, unknown>;
  since: string;
  state?: Record<string, unknown>;
}

interface Entry {
  view: ActiveFaultView;
  fault: DiscoveryFault;
  /** `${namespace}/${service}` for a service fault. */
  target?: string;
}

export class ActiveFaults {
  private readonly entries = new Map<string, Entry>();
  private gates: Entry[] = [];
  private shapers: Entry[] = [];
  private readonly host: FaultHost;

  constructor(
    private readonly store: EndpointsStore,
    private readonly hub: WatchHub,
    private readonly defaultNamespace: string,
    rng: Rng,
  ) {
    this.host = {
      touch: (namespace, service) => void this.store.touch(namespace, service),
      watchesChanged: () => this.hub.setStalled(this.stallsWatches),
      rng,
    };
    store.setTransform((namespace, name, subsets) => this.shape(namespace, name, subsets));
  }

  get stallsWatches(): boolean {
    for (const e of this.entries.values()) if (e.fault.stallsWatches) return true;
    return false;
  }

  get hasGates(): boolean {
    return this.gates.length > 0;
  }

  /** Starts a fault, replacing one of the same kind and target. Params were parsed with the kind's body schema (catalog.ts). */
  async put(kind: DiscoveryFaultKind, params: Record<string, unknown>): Promise<ActiveFaultView & { service_known?: boolean }> {
    const definition = DISCOVERY_FAULTS.get(kind);
    if (!definition) throw new Error(`unknown discovery fault "${kind}"`);
    const namespace = typeof params.namespace === 'string' ? params.namespace : this.defaultNamespace;
    const service = definition.scope === 'service' ? String(params.service) : undefined;
    const key = this.key(kind, service === undefined ? undefined : namespace, service);
    this.stopEntry(key);
    const fault = definition.create(params as Parameters<typeof definition.create>[0], this.host, namespace);
    const entry: Entry = {
      view: { kind, ...(service === undefined ? {} : { namespace, service }), params: { ...params }, since: new Date().toISOString() },
      fault,
      target: service === undefined ? undefined : `${namespace}/${service}`,
    };
    // In the map before start(), so the MODIFIED event start() emits already renders the fault.
    this.entries.set(key, entry);
    this.reindex();
    try {
      await fault.start();
    } catch (err) {
      this.stopEntry(key);
      throw err;
    }
    return service === undefined ? this.view(entry) : { ...this.view(entry), service_known: this.store.has(namespace, service) };
  }

  /** Heals the faults of a kind: all of them, or the one for a service. Returns how many were healed. */
  remove(kind: DiscoveryFaultKind, scope: { service?: string; namespace?: string } = {}): number {
    let healed = 0;
    for (const [key, entry] of [...this.entries]) {
      if (entry.view.kind !== kind) continue;
      if (scope.service !== undefined && entry.view.service !== scope.service) continue;
      if (scope.namespace !== undefined && entry.view.namespace !== scope.namespace) continue;
      if (this.stopEntry(key)) healed++;
    }
    return healed;
  }

  clear(): number {
    let healed = 0;
    for (const key of [...this.entries.keys()]) if (this.stopEntry(key)) healed++;
    return healed;
  }

  list(): ActiveFaultView[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  /** Runs the API gates (hang, then slow, then fail); the first rejection answers the call. */
  async gate(request: IncomingMessage): Promise<ApiRejection | undefined> {
    for (const entry of this.gates) {
      const rejection = await entry.fault.gate?.(request);
      if (rejection) return rejection;
    }
    return undefined;
  }

  private shape(namespace: string, name: string, subsets: EndpointSubset[]): EndpointSubset[] | null {
    if (this.shapers.length === 0) return subsets;
    const target = `${namespace}/${name}`;
    let out: EndpointSubset[] | null = subsets;
    for (const entry of this.shapers) if (entry.target === target && entry.fault.subsets) out = entry.fault.subsets(out);
    return out;
  }

  private stopEntry(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    // Out of the map before stop(), so the MODIFIED event stop() emits renders the healed state.
    this.entries.delete(key);
    this.reindex();
    entry.fault.stop();
    return true;
  }

  private reindex(): void {
    const all = [...this.entries.values()].sort((a, b) => a.fault.order - b.fault.order);
    this.gates = all.filter((e) => e.fault.gate);
    this.shapers = all.filter((e) => e.fault.subsets);
  }

  private key(kind: string, namespace?: string, service?: string): string {
    return service === undefined ? kind : `${kind}:${namespace}/${service}`;
  }

  private view(entry: Entry): ActiveFaultView {
    const state = entry.fault.describe?.();
    return state ? { ...entry.view, state } : { ...entry.view };
  }
}
