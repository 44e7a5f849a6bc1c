// What a discovery fault is: a small object that may rewrite one service's subsets, hold back or fail
// API calls, or stall the watches. Each kind lives in its own file, where its params are declared once
// (zod: defaults and a description per field) with its description and behaviour; registry.ts lists the
// files, and everything else — the kind names, the admin routes' JSON schemas, the harness's
// discovery.* fault kinds — is derived from those declarations (catalog.ts).
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { EndpointSubset } from '../contract.ts';
import type { Rng } from '../../common/random.ts';

/** A Kubernetes object name (a service, a namespace). */
export const k8sName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes name (lower-case letters, digits, "-" and ".")');

/** The params every fault on one service has on top of its own: which service, in which namespace. */
export const serviceScope = {
  service: k8sName.describe('the service in discovery the fault acts on'),
  namespace: k8sName.optional().describe("the service's namespace; the stub's default when absent"),
};

export interface ServiceScope {
  service: string;
  namespace?: string;
}

/** `service`: the fault acts on one service (the body names it); `api`: on the whole Kubernetes API. */
export type FaultScope = 'service' | 'api';

/** What create() gets: the fault's own params with defaults filled, plus the service scope for a service fault. */
export type FaultParams<P extends z.ZodObject, Sc extends FaultScope> = Sc extends 'service' ? z.output<P> & ServiceScope : z.output<P>;

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
  /** Faults that rewrite subsets apply in ascending order (wrong_port, dead_endpoints, flap, empty, null). */
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

export interface DiscoveryFaultDefinition<K extends string = string, P extends z.ZodObject = z.ZodObject, Sc extends FaultScope = FaultScope> {
  /** API name: PUT /__admin/faults/{kind}, and the scenario kind `discovery.{kind}`. */
  readonly kind: K;
  /** What it does, for users (the admin API's list and the scenario kind share it). */
  readonly description: string;
  readonly scope: Sc;
  /** The fault's own params (not the scope), declared once with their defaults and descriptions. */
  readonly params: P;
  create(params: FaultParams<P, Sc>, host: FaultHost, namespace: string): DiscoveryFault;
}

/** Declares a discovery fault, keeping its kind as a literal type and typing create()'s params from `params`. */
export function defineDiscoveryFault<const K extends string, P extends z.ZodObject, Sc extends FaultScope>(
  definition: DiscoveryFaultDefinition<K, P, Sc>,
): DiscoveryFaultDefinition<K, P, Sc> {
  return definition;
}

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
