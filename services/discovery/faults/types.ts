// What a discovery fault is: a small object that may rewrite one service's subsets, hold back or fail
// API calls, or stall the watches. Each kind lives in its own file and is listed in registry.ts.
import type { IncomingMessage } from 'node:http';
import type { EndpointSubset } from '../contract.ts';
import type { Rng } from '../../common/random.ts';

export const DISCOVERY_FAULT_KINDS = [
  'null_subsets',
  'empty_subsets',
  'stall_watch',
  'slow_api',
  'fail_api',
  'hang_api',
  'flap',
  'dead_endpoints',
] as const;
export type DiscoveryFaultKind = (typeof DISCOVERY_FAULT_KINDS)[number];

/** Params of the faults that target one service. */
export interface ServiceScope {
  service: string;
  namespace?: string;
}

/** An API call the fault answers instead of the stub: a Kubernetes Status with this code. */
export interface ApiRejection {
  status: number;
  message: string;
}

/** What a fault may do to the stub around it. */
export interface FaultHost {
  /** Re-render a service and emit MODIFIED to watchers (after the fault changed how it looks). */
  touch(namespace: string, service: string): void;
  /** Recompute whether watches are stalled (after a fault that stalls them starts or stops). */
  watchesChanged(): void;
  /** Seeded randomness, so a run replays. */
  rng: Rng;
}

export interface DiscoveryFault {
  /** Faults that rewrite subsets apply in ascending order (dead_endpoints, flap, empty, null). */
  readonly order: number;
  /** Rewrites the targeted service's subsets. Only called for the service in its scope. */
  subsets?(subsets: EndpointSubset[] | null): EndpointSubset[] | null;
  /** Runs before a Kubernetes API call is answered: wait, or answer with a rejection instead. */
  gate?(request: IncomingMessage): Promise<ApiRejection | undefined> | ApiRejection | undefined;
  readonly stallsWatches?: boolean;
  start(): Promise<void> | void;
  stop(): void;
  /** State worth showing in /__admin/state (the flap phase, the dead ports). */
  describe?(): Record<string, unknown>;
}

export interface DiscoveryFaultDefinition<P extends object = object> {
  kind: DiscoveryFaultKind;
  description: string;
  /** JSON schema of the PUT /__admin/faults/{kind} body. */
  schema: Record<string, unknown>;
  /** True when the fault targets one service (params.service). */
  scoped: boolean;
  create(params: P, host: FaultHost, namespace: string): DiscoveryFault;
}

/** JSON schema fragments shared by the kinds. */
export const serviceNameSchema = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' } as const;

export function scopedSchema(extra: Record<string, unknown> = {}, required: string[] = []): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['service', ...required],
    properties: { service: serviceNameSchema, namespace: serviceNameSchema, ...extra },
  };
}

export const emptyParamsSchema = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;

/** Resolves when `promise` does or when the client goes away, whichever is first. */
export function untilOrGone(request: IncomingMessage, promise: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      request.socket.off('close', done);
      resolve();
    };
    request.socket.once('close', done);
    void promise.then(done);
  });
}
