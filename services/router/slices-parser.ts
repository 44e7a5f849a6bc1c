// Reads a discovery.k8s.io/v1 EndpointSlice as a resilient client does: never throws. `endpoints: null`
// (how placeholder slices were long serialized, the slice form of 2017's `subsets: null`) reads as no
// endpoint; an endpoint is used when `conditions.ready` is true or absent (the API says: absent means
// ready); the port is the one named http, else the first; a slice with no port, an FQDN slice or a
// malformed part contributes nothing. A slice without the kubernetes.io/service-name label is not a
// Service's and is skipped.
import type { ResolvedAddress } from './endpoints-parser.ts';
import type { SubsetsShape } from './types.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface ParsedSlice {
  /** The slice's own name. */
  slice: string;
  /** The service it belongs to (its kubernetes.io/service-name label). */
  service: string;
  addresses: ResolvedAddress[];
  shape: SubsetsShape;
}

interface RawSlice {
  metadata?: { name?: unknown; labels?: Record<string, unknown> | null } | null;
  addressType?: unknown;
  endpoints?: unknown;
  ports?: unknown;
}

interface RawEndpoint {
  addresses?: unknown;
  conditions?: { ready?: unknown } | null;
  targetRef?: { name?: unknown } | null;
}

function slicePort(ports: unknown): number | undefined {
  if (!Array.isArray(ports)) return undefined;
  let chosen: { name?: unknown; port?: unknown } | undefined;
  for (const p of ports as Array<{ name?: unknown; port?: unknown } | null>) {
    if (!p || typeof p !== 'object') continue;
    if (p.name === 'http') {
      chosen = p;
      break;
    }
    if (!chosen) chosen = p;
  }
  const port = chosen?.port;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** The slice's name and service, when it is a Service's slice. */
export function sliceIdentity(object: unknown): { slice: string; service: string } | undefined {
  const meta = (object as RawSlice | null)?.metadata;
  const slice = meta?.name;
  const service = meta?.labels?.[SERVICE_NAME_LABEL];
  if (typeof slice !== 'string' || slice.length === 0 || typeof service !== 'string' || service.length === 0) return undefined;
  return { slice, service };
}

/** A slice a strict reader cannot read: `endpoints: null` (or missing, or not a list). */
export class SliceParseError extends Error {
  override readonly name = 'SliceParseError';
  constructor(
    readonly slice: string,
    readonly service: string,
    what: string,
  ) {
    super(`EndpointSlice "${slice}" of service "${service}" has ${what}`);
  }
}

/**
 * A strict reading (what a client without lenient parsing does): `endpoints: null`, missing or not a list
 * throws SliceParseError instead of reading as empty. A slice that is not a Service's is still skipped.
 */
export function parseSliceStrict(object: unknown): ParsedSlice | undefined {
  const id = sliceIdentity(object);
  if (!id) return undefined;
  const endpoints = (object as RawSlice).endpoints;
  if (endpoints === null || endpoints === undefined) throw new SliceParseError(id.slice, id.service, `endpoints: ${endpoints === null ? 'null' : 'missing'}`);
  if (!Array.isArray(endpoints)) throw new SliceParseError(id.slice, id.service, 'endpoints that are not a list');
  return parseSlice(object);
}

export function parseSlice(object: unknown): ParsedSlice | undefined {
  const id = sliceIdentity(object);
  if (!id) return undefined;
  const raw = object as RawSlice;
  if (raw.endpoints === null || raw.endpoints === undefined) return { ...id, addresses: [], shape: 'null' };
  if (!Array.isArray(raw.endpoints)) return { ...id, addresses: [], shape: 'invalid' };
  const addresses: ResolvedAddress[] = [];
  const port = raw.addressType === 'FQDN' ? undefined : slicePort(raw.ports);
  if (port !== undefined) {
    for (const e of raw.endpoints as Array<RawEndpoint | null>) {
      if (!e || typeof e !== 'object' || e.conditions?.ready === false) continue;
      const ip = Array.isArray(e.addresses) ? (e.addresses[0] as unknown) : undefined;
      if (typeof ip !== 'string' || ip.length === 0) continue;
      const name = e.targetRef && typeof e.targetRef.name === 'string' ? e.targetRef.name : undefined;
      addresses.push(name === undefined ? { key: `${ip}:${port}`, ip, port } : { key: `${ip}:${port}`, ip, port, name });
    }
  }
  return { ...id, addresses, shape: addresses.length > 0 ? 'ok' : 'empty' };
}
