// Renders the Kubernetes objects the stub serves from its registered replicas: one subset per distinct
// port (as the endpoints controller groups pods), addresses sorted by replica name so output is stable.
import type { EndpointAddress, EndpointSubset, Endpoints, EndpointsList, Status, StatusDetails } from './contract.ts';

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

/** Now, as Kubernetes writes a creationTimestamp (seconds, UTC). */
export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function renderList(resourceVersion: number, items: Endpoints[]): EndpointsList {
  return { kind: 'EndpointsList', apiVersion: 'v1', metadata: { resourceVersion: String(resourceVersion) }, items };
}

// The reasons Kubernetes' API server gives each status (apimachinery's StatusReason values). A 414 (a name
// past the router's parameter bound) has no reason of its own there: it is a bad request, and clients that
// switch on the reason (client-go's IsBadRequest) should not retry it.
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  414: 'BadRequest',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The reason Kubernetes gives a status: from the table, else InternalError for a 5xx and BadRequest for a 4xx. */
export function reasonFor(code: number): string {
  return REASONS[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
}

/** A Kubernetes `Status` failure object, as the API server returns for errors. */
export function renderStatus(code: number, message: string, reason?: string, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: reason ?? reasonFor(code), code };
  if (details) status.details = details;
  return status;
}
