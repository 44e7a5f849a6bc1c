// What the hardened resolver reads, per API, turned into one shape: the services a list or a watch event
// tells about, each with its whole set of addresses. Endpoints say it in one object per service; slices
// in several, joined here by their kubernetes.io/service-name label (a service's addresses are the union
// of its slices'; it is gone when its last slice is). Lenient by default (null == empty); a strict source
// (lenient parsing switched off) throws on a null or malformed object, as linkerd 1.x did.
import { endpointsName, parseLenient, parseStrict, type ParsedEndpoints, type ResolvedAddress } from './endpoints-parser.ts';
import { parseSlice, parseSliceStrict, sliceIdentity, type ParsedSlice } from './slices-parser.ts';
import type { DiscoveryApi, SubsetsShape } from './types.ts';

export interface ServiceUpdate {
  name: string;
  addresses: readonly ResolvedAddress[];
  shape: SubsetsShape;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ResolutionSource {
  readonly api: DiscoveryApi;
  /** A fresh list: every service it shows, each whole (forgets what it knew before). */
  fromList(items: readonly unknown[]): ServiceUpdate[];
  /** The services one watch event changes. */
  fromEvent(type: ChangeType, object: unknown): ServiceUpdate[];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const NONE: readonly ResolvedAddress[] = Object.freeze([]) as readonly ResolvedAddress[];

class EndpointsSource implements ResolutionSource {
  readonly api = 'endpoints';
  private readonly parse: (object: unknown) => ParsedEndpoints | undefined;

  constructor(strict: boolean) {
    this.parse = strict ? parseStrict : parseLenient;
  }

  fromList(items: readonly unknown[]): ServiceUpdate[] {
    const out: ServiceUpdate[] = [];
    for (const item of items) {
      const parsed = this.parse(item);
      if (parsed) out.push(parsed);
    }
    return out;
  }

  fromEvent(type: ChangeType, object: unknown): ServiceUpdate[] {
    if (type === 'DELETED') {
      const name = endpointsName(object);
      return name === undefined ? [] : [{ name, addresses: NONE, shape: 'absent' }];
    }
    const parsed = this.parse(object);
    return parsed ? [parsed] : [];
  }
}

class SlicesSource implements ResolutionSource {
  readonly api = 'endpointslices';
  private readonly parse: (object: unknown) => ParsedSlice | undefined;

  constructor(strict: boolean) {
    this.parse = strict ? parseSliceStrict : parseSlice;
  }
  /** service → slice name → what that slice says. */
  private byService = new Map<string, Map<string, ParsedSlice>>();
  private serviceOfSlice = new Map<string, string>();

  fromList(items: readonly unknown[]): ServiceUpdate[] {
    this.byService = new Map();
    this.serviceOfSlice = new Map();
    for (const item of items) {
      const parsed = this.parse(item);
      if (parsed) this.put(parsed);
    }
    return [...this.byService.keys()].map((service) => this.joined(service));
  }

  fromEvent(type: ChangeType, object: unknown): ServiceUpdate[] {
    const id = sliceIdentity(object);
    if (!id) return [];
    const touched = new Set<string>([id.service]);
    const before = this.serviceOfSlice.get(id.slice);
    if (before !== undefined) {
      touched.add(before);
      this.byService.get(before)?.delete(id.slice);
      this.serviceOfSlice.delete(id.slice);
    }
    if (type !== 'DELETED') {
      const parsed = this.parse(object);
      if (parsed) this.put(parsed);
    }
    return [...touched].map((service) => this.joined(service));
  }

  private put(parsed: ParsedSlice): void {
    let slices = this.byService.get(parsed.service);
    if (!slices) {
      slices = new Map();
      this.byService.set(parsed.service, slices);
    }
    slices.set(parsed.slice, parsed);
    this.serviceOfSlice.set(parsed.slice, parsed.service);
  }

  /**
   * The service's addresses: its slices' together, in the order the Endpoints API lists them (by port, then
   * replica), whatever order the slices came in; and the shape they add up to. An address listed twice
   * stays twice, exactly as the Endpoints reading keeps it, so both APIs balance alike.
   */
  private joined(service: string): ServiceUpdate {
    const slices = this.byService.get(service);
    if (!slices || slices.size === 0) {
      this.byService.delete(service);
      return { name: service, addresses: NONE, shape: 'absent' };
    }
    const addresses: ResolvedAddress[] = [];
    const shapes = new Set<SubsetsShape>();
    for (const slice of slices.values()) {
      shapes.add(slice.shape);
      addresses.push(...slice.addresses);
    }
    addresses.sort((a, b) => a.port - b.port || compare(a.name ?? '', b.name ?? '') || compare(a.ip, b.ip));
    const shape: SubsetsShape = addresses.length > 0 ? 'ok' : shapes.has('null') ? 'null' : shapes.has('invalid') ? 'invalid' : 'empty';
    return { name: service, addresses, shape };
  }
}

/** strict: a null or malformed object throws (lenient parsing off); the default reads it as empty. */
export function resolutionSource(api: DiscoveryApi, options: { strict?: boolean } = {}): ResolutionSource {
  const strict = options.strict === true;
  return api === 'endpoints' ? new EndpointsSource(strict) : new SlicesSource(strict);
}
