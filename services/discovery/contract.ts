// The subset of the Kubernetes API the discovery stub speaks, so a real Kubernetes client can be pointed at
// it: core/v1 Endpoints and discovery.k8s.io/v1 EndpointSlices, one view of the same registered replicas.
//   GET /api/v1/namespaces/{ns}/endpoints                               -> EndpointsList
//   GET /api/v1/namespaces/{ns}/endpoints/{name}                        -> Endpoints (404 Status when unknown)
//   GET /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices        -> EndpointSliceList (labelSelector=kubernetes.io/service-name=X)
//   GET /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices/{name} -> EndpointSlice
//   GET /apis/discovery.k8s.io/v1/endpointslices                        -> EndpointSliceList of every namespace
//   any of them with ?watch=1 (or ?watch=true)                          -> newline-delimited WatchEvent stream
// Every error is a Status. Plus a loopback admin API under /__admin (registration by the topology, and faults).

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

// ---- discovery.k8s.io/v1 ----

export const DISCOVERY_GROUP = 'discovery.k8s.io';
export const SLICE_API_VERSION = 'discovery.k8s.io/v1';
/** The label that ties a slice to its Service: how every consumer finds a service's slices. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY_CONTROLLER = 'endpointslice-controller.k8s.io';

export interface EndpointConditions {
  /** The replica takes traffic: an Endpoints `addresses` entry (false: `notReadyAddresses`). */
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** One replica in a slice (discovery/v1 Endpoint): the controller writes exactly one address. */
export interface SliceEndpoint {
  addresses: string[];
  conditions: EndpointConditions;
  targetRef?: { kind: 'Pod'; name: string; namespace: string };
}

export interface SlicePort {
  name?: string;
  port: number;
  protocol: 'TCP';
}

export interface OwnerReference {
  apiVersion: 'v1';
  kind: 'Service';
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
}

export interface SliceMeta extends ObjectMeta {
  generateName: string;
  generation: number;
  labels: Record<string, string>;
  ownerReferences: OwnerReference[];
}

/**
 * One port set of a service's endpoints (discovery.k8s.io/v1 EndpointSlice). A service with no endpoint
 * has one placeholder slice: `endpoints: []` (or `null`: what placeholder slices were serialized as until
 * Kubernetes PR 135970, and what crashed strict clients: the slice form of the 2017 `subsets: null`).
 */
export interface EndpointSlice {
  kind: 'EndpointSlice';
  apiVersion: 'discovery.k8s.io/v1';
  metadata: SliceMeta;
  addressType: 'IPv4';
  endpoints: SliceEndpoint[] | null;
  /** null on a placeholder slice, as Kubernetes serves it. */
  ports: SlicePort[] | null;
}

export interface EndpointSliceList {
  kind: 'EndpointSliceList';
  apiVersion: 'discovery.k8s.io/v1';
  metadata: { resourceVersion: string };
  items: EndpointSlice[];
}

// ---- errors and watch events ----

/** meta/v1 StatusDetails: what the error is about, when it is about one object. */
export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource, plural and lower case, as Kubernetes writes it here (`endpoints`, `endpointslices`). */
  kind?: string;
  causes?: Array<{ reason?: string; message: string; field?: string }>;
  retryAfterSeconds?: number;
}

/** A Kubernetes `Status` failure: the body of every error the stub's API answers. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: StatusDetails;
}

/** A BOOKMARK's object: only the kind and the current resourceVersion. */
export interface BookmarkObject {
  kind: 'Endpoints' | 'EndpointSlice';
  apiVersion: 'v1' | 'discovery.k8s.io/v1';
  metadata: { resourceVersion: string };
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Endpoints | EndpointSlice | BookmarkObject | Status;
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
