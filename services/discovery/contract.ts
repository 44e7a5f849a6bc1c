// The subset of the Kubernetes core/v1 API the discovery stub speaks, so a real Kubernetes client
// could be pointed at it:
//   GET /api/v1/namespaces/{ns}/endpoints            -> EndpointsList
//   GET /api/v1/namespaces/{ns}/endpoints/{name}     -> Endpoints (404 Status when unknown)
//   GET /api/v1/namespaces/{ns}/endpoints?watch=1    -> newline-delimited WatchEvent stream (all services)
//   GET /api/v1/namespaces/{ns}/endpoints/{name}?watch=1 (or ?watch=true&fieldSelector=metadata.name=X)
// plus a loopback admin API under /__admin (registration by the topology, and discovery faults).

export interface EndpointAddress {
  ip: string;
  /** Replica name, as Kubernetes' targetRef names the pod. */
  targetRef?: { kind: 'Pod'; name: string; namespace: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: 'TCP';
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  resourceVersion: string;
  uid?: string;
  creationTimestamp?: string;
}

export interface Endpoints {
  kind: 'Endpoints';
  apiVersion: 'v1';
  metadata: ObjectMeta;
  /** null is what Kubernetes served for a service scaled to zero in 2017: the linkerd 1.x crash. */
  subsets: EndpointSubset[] | null;
}

export interface EndpointsList {
  kind: 'EndpointsList';
  apiVersion: 'v1';
  metadata: { resourceVersion: string };
  items: Endpoints[];
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Endpoints | Status;
}

/** Registration body the topology posts to /__admin/register and /__admin/deregister. */
export interface RegistrationRequest {
  namespace?: string;
  service: string;
  replica: string;
  ip?: string;
  port?: number;
}

export const DEFAULT_NAMESPACE = 'payments';
