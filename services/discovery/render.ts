// Renders the Kubernetes objects the stub serves from its registered replicas: one subset per distinct
// port (as the endpoints controller groups pods), addresses sorted by replica name so output is stable.
import type { EndpointAddress, EndpointSubset, Endpoints, EndpointsList, Status } from './contract.ts';

export interface Replica {
  name: string;
  ip: string;
  port: number;
}

export const PORT_NAME = 'http';

export function renderSubsets(namespace: string, replicas: Iterable<Replica>): EndpointSubset[] {
  const byPort = new Map<number, Replica[]>();
  for (const r of replicas) {
    const group = byPort.get(r.port);
    if (group) group.push(r);
    else byPort.set(r.port, [r]);
  }
  const ports = [...byPort.keys()].sort((a, b) => a - b);
  return ports.map((port) => ({
    addresses: (byPort.get(port) as Replica[])
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((r): EndpointAddress => ({ ip: r.ip, targetRef: { kind: 'Pod', name: r.name, namespace } })),
    ports: [{ name: PORT_NAME, port, protocol: 'TCP' }],
  }));
}

export interface EndpointsMeta {
  namespace: string;
  name: string;
  resourceVersion: number;
  uid: string;
  createdAt: string;
}

export function renderEndpoints(meta: EndpointsMeta, subsets: EndpointSubset[] | null): Endpoints {
  return {
    kind: 'Endpoints',
    apiVersion: 'v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      resourceVersion: String(meta.resourceVersion),
      uid: meta.uid,
      creationTimestamp: meta.createdAt,
    },
    subsets,
  };
}

export function renderList(resourceVersion: number, items: Endpoints[]): EndpointsList {
  return { kind: 'EndpointsList', apiVersion: 'v1', metadata: { resourceVersion: String(resourceVersion) }, items };
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'AlreadyExists',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A Kubernetes `Status` failure object, as the API server returns for errors. */
export function renderStatus(code: number, message: string, reason?: string): Status {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: reason ?? REASONS[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest'), code };
}
