// Turns a Kubernetes Endpoints object into addresses. Two readings: the strict one linkerd 1.x had
// (it iterated `subsets` without a null check: `subsets: null` threw), and the lenient one a resilient
// client uses (null, missing or malformed subsets read as "no endpoints").
import type { SubsetsShape } from './types.ts';

export interface ResolvedAddress {
  /** `ip:port` */
  key: string;
  ip: string;
  port: number;
  name?: string;
}

export interface ParsedEndpoints {
  name: string;
  addresses: ResolvedAddress[];
  shape: SubsetsShape;
}

/** What linkerd 1.x logged at 15:27 on 27 Oct 2017. */
export class NullSubsetsError extends Error {
  override readonly name = 'NullSubsetsError';
  constructor(readonly service: string) {
    super(`java.lang.NullPointerException: Endpoints "${service}" has subsets: null`);
  }
}

interface RawAddress {
  ip?: unknown;
  targetRef?: { name?: unknown } | null;
}
interface RawPort {
  name?: unknown;
  port?: unknown;
}
interface RawSubset {
  addresses?: RawAddress[] | null;
  ports?: RawPort[] | null;
}
interface RawEndpoints {
  metadata?: { name?: unknown } | null;
  subsets?: RawSubset[] | null;
}

/** The port a subset serves on: the one named http, else the first. */
function subsetPort(ports: RawPort[]): number | undefined {
  let chosen: RawPort | undefined;
  for (const p of ports) {
    if (p && p.name === 'http') {
      chosen = p;
      break;
    }
    if (!chosen) chosen = p;
  }
  const port = chosen?.port;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

function addressesOf(subset: RawSubset, out: ResolvedAddress[]): void {
  const port = subsetPort(subset.ports ?? []);
  if (port === undefined) return;
  for (const a of subset.addresses ?? []) {
    if (!a || typeof a.ip !== 'string' || a.ip.length === 0) continue;
    const name = a.targetRef && typeof a.targetRef.name === 'string' ? a.targetRef.name : undefined;
    out.push(name === undefined ? { key: `${a.ip}:${port}`, ip: a.ip, port } : { key: `${a.ip}:${port}`, ip: a.ip, port, name });
  }
}

export function endpointsName(object: unknown): string | undefined {
  const name = (object as RawEndpoints | null)?.metadata?.name;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

/** linkerd 1.x's reading: throws NullSubsetsError on `subsets: null` (or missing), as its Scala code did. */
export function parseStrict(object: unknown): ParsedEndpoints {
  const name = endpointsName(object);
  if (name === undefined) throw new Error('Endpoints object without metadata.name');
  const subsets = (object as RawEndpoints).subsets;
  if (subsets === null || subsets === undefined) throw new NullSubsetsError(name);
  const addresses: ResolvedAddress[] = [];
  for (const subset of subsets) addressesOf(subset, addresses);
  return { name, addresses, shape: addresses.length > 0 ? 'ok' : 'empty' };
}

/** A resilient reading: null == empty, malformed parts are skipped; never throws. Undefined when unnamed. */
export function parseLenient(object: unknown): ParsedEndpoints | undefined {
  const name = endpointsName(object);
  if (name === undefined) return undefined;
  const subsets = (object as RawEndpoints).subsets;
  if (subsets === null || subsets === undefined) return { name, addresses: [], shape: 'null' };
  if (!Array.isArray(subsets)) return { name, addresses: [], shape: 'invalid' };
  const addresses: ResolvedAddress[] = [];
  for (const subset of subsets) {
    if (subset && typeof subset === 'object') addressesOf(subset, addresses);
  }
  return { name, addresses, shape: addresses.length > 0 ? 'ok' : 'empty' };
}
