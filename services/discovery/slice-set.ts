// One service's EndpointSlices, derived from the same subsets its Endpoints object shows, so both APIs
// always agree (a fault that rewrites the subsets rewrites the slices). As the EndpointSlice controller
// does: one slice per distinct port set (subsets that share ports share a slice), each endpoint with one
// address and its readiness in `conditions`; a service with no endpoint keeps one placeholder slice
// (`ports: null`, `endpoints: []`, or `endpoints: null` under null_subsets). A slice keeps its name while
// its port set lives; its resourceVersion is the one of the change that last altered it.
import { createHash, randomUUID } from 'node:crypto';
import {
  MANAGED_BY_CONTROLLER,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  SLICE_API_VERSION,
  type EndpointSlice,
  type EndpointSubset,
  type SliceEndpoint,
  type SlicePort,
} from './contract.ts';
import { timestamp } from './render.ts';

export interface SliceChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  slice: EndpointSlice;
}

interface DesiredSlice {
  /** The port set, as a stable string; `placeholder` for a service with no endpoint. */
  key: string;
  endpoints: SliceEndpoint[] | null;
  ports: SlicePort[] | null;
}

/** Kubernetes' generateName suffix alphabet (no vowels, no look-alikes). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** generateName keeps at most 58 characters of the base, then adds 5. */
const MAX_BASE = 58;
const PLACEHOLDER = 'placeholder';

function desiredSlices(namespace: string, subsets: EndpointSubset[] | null): DesiredSlice[] {
  if (subsets === null) return [{ key: PLACEHOLDER, endpoints: null, ports: null }];
  const byPorts = new Map<string, DesiredSlice>();
  for (const subset of subsets) {
    const ports: SlicePort[] = (subset.ports ?? []).map((p) => (p.name === undefined ? { port: p.port, protocol: p.protocol } : { name: p.name, port: p.port, protocol: p.protocol }));
    const endpoints: SliceEndpoint[] = [
      ...(subset.addresses ?? []).map((a) => endpointOf(a, true, namespace)),
      ...(subset.notReadyAddresses ?? []).map((a) => endpointOf(a, false, namespace)),
    ];
    if (endpoints.length === 0) continue;
    const key = JSON.stringify(ports.map((p) => [p.name ?? '', p.port, p.protocol]).sort());
    const slice = byPorts.get(key);
    if (slice) (slice.endpoints as SliceEndpoint[]).push(...endpoints);
    else byPorts.set(key, { key, endpoints, ports });
  }
  if (byPorts.size === 0) return [{ key: PLACEHOLDER, endpoints: [], ports: null }];
  return [...byPorts.values()];
}

function endpointOf(address: { ip: string; targetRef?: SliceEndpoint['targetRef'] }, ready: boolean, namespace: string): SliceEndpoint {
  const endpoint: SliceEndpoint = { addresses: [address.ip], conditions: { ready, serving: ready, terminating: false } };
  if (address.targetRef) endpoint.targetRef = { kind: 'Pod', name: address.targetRef.name, namespace: address.targetRef.namespace || namespace };
  return endpoint;
}

/** `<service>-<5 characters>`, the suffix derived from the service's uid and the port set, so it is stable. */
function sliceName(service: string, serviceUid: string, key: string, taken: ReadonlySet<string>): string {
  const base = `${service}-`.slice(0, MAX_BASE);
  for (let salt = 0; ; salt++) {
    const digest = createHash('sha256').update(`${serviceUid}\n${key}\n${salt}`).digest();
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[(digest[i] as number) % SUFFIX_ALPHABET.length];
    const name = base + suffix;
    if (!taken.has(name)) return name;
  }
}

interface Held {
  slice: EndpointSlice;
  /** JSON of what the slice says (endpoints and ports): a change there is a MODIFIED. */
  content: string;
}

export class ServiceSlices {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly namespace: string,
    private readonly service: string,
    private readonly serviceUid: string,
  ) {}

  /** Every slice of the service, by name. */
  all(): EndpointSlice[] {
    return [...this.held.values()].map((h) => h.slice).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  get(name: string): EndpointSlice | undefined {
    for (const h of this.held.values()) if (h.slice.metadata.name === name) return h.slice;
    return undefined;
  }

  /**
   * Brings the slices in line with the service's subsets at resourceVersion `rv`. The changes come
   * created and modified first, deleted last, so a client that joins the slices never sees a moment with
   * fewer endpoints than before or after (the controller orders its writes the same way).
   */
  update(subsets: EndpointSubset[] | null, rv: number): SliceChange[] {
    const desired = desiredSlices(this.namespace, subsets);
    const wanted = new Set(desired.map((d) => d.key));
    const added: SliceChange[] = [];
    const modified: SliceChange[] = [];
    const taken = new Set([...this.held.values()].map((h) => h.slice.metadata.name));
    for (const d of desired) {
      const content = JSON.stringify([d.endpoints, d.ports]);
      const held = this.held.get(d.key);
      if (held && held.content === content) continue;
      if (held) {
        const meta = held.slice.metadata;
        const slice: EndpointSlice = { ...held.slice, metadata: { ...meta, resourceVersion: String(rv), generation: meta.generation + 1 }, endpoints: d.endpoints, ports: d.ports };
        this.held.set(d.key, { slice, content });
        modified.push({ type: 'MODIFIED', slice });
        continue;
      }
      const name = sliceName(this.service, this.serviceUid, d.key, taken);
      taken.add(name);
      const slice = this.newSlice(name, rv, d);
      this.held.set(d.key, { slice, content });
      added.push({ type: 'ADDED', slice });
    }
    const deleted: SliceChange[] = [];
    for (const [key, held] of [...this.held]) {
      if (wanted.has(key)) continue;
      this.held.delete(key);
      deleted.push({ type: 'DELETED', slice: { ...held.slice, metadata: { ...held.slice.metadata, resourceVersion: String(rv) } } });
    }
    return [...added, ...modified, ...deleted];
  }

  /** The service is gone: every slice is DELETED at `rv`. */
  deleteAll(rv: number): SliceChange[] {
    const out = this.all().map((slice): SliceChange => ({ type: 'DELETED', slice: { ...slice, metadata: { ...slice.metadata, resourceVersion: String(rv) } } }));
    this.held.clear();
    return out;
  }

  private newSlice(name: string, rv: number, d: DesiredSlice): EndpointSlice {
    return {
      kind: 'EndpointSlice',
      apiVersion: SLICE_API_VERSION,
      metadata: {
        name,
        generateName: `${this.service}-`,
        namespace: this.namespace,
        uid: randomUUID(),
        resourceVersion: String(rv),
        generation: 1,
        creationTimestamp: timestamp(),
        labels: { [SERVICE_NAME_LABEL]: this.service, [MANAGED_BY_LABEL]: MANAGED_BY_CONTROLLER },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: this.service, uid: this.serviceUid, controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: d.endpoints,
      ports: d.ports,
    };
  }
}
