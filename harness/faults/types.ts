// One fault API for the runner: a scenario names a fault kind, a target and a window; the kind's
// module applies it and returns a handle that heals it. Each kind is declared once — params (zod, with
// defaults and descriptions), description, apply and heal — and registry.ts lists the families.
//
// The fault plane sits below scenarios and topologies: it says here what it needs of a window and of a
// running topology (FaultWindowRef, FaultTopology), and scenario/schema.ts's FaultWindow and
// topology/types.ts's TopologyControl provide it without this folder importing either.
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { z } from 'zod';

/** What a kind needs of a scenario's fault window: its name (toxics and HTTP rules are named after it), kind and target. */
export interface FaultWindowRef {
  readonly name: string;
  readonly fault: string;
  readonly target: string;
}

/** A replica as a fault sees it. */
export interface FaultReplica {
  /** Replica name: `ledger-1`, `card-processor-2`. */
  readonly name: string;
  readonly service: string;
  /** The Toxiproxy proxy in front of it, when proxies are on. */
  readonly proxy?: { readonly name: string };
  /** The process's own address, bypassing the proxy (its admin routes live there). */
  readonly directUrl: string;
  /** False while stopped, killed or paused. */
  readonly running: boolean;
}

/** What faults may ask of a running topology. */
export interface FaultTopology {
  /** A target in a scenario: a service name (all its replicas) or one replica name. Throws naming the target. */
  resolveTarget(target: string): FaultReplica[];
  signal(replica: string, signal: NodeJS.Signals): void;
  /** SIGTERM, with or without leaving discovery first. */
  terminate(replica: string, options: { deregisterFirst: boolean; graceMs?: number }): Promise<void>;
  /** Starts a stopped or killed replica again; newPort moves it (and its proxy) to new ports. */
  restart(replica: string, options: { newPort: boolean; onStopped?: () => void }): Promise<unknown>;
}

export interface FaultContext {
  /** Toxiproxy HTTP API client (embedded proxy or real Toxiproxy). */
  toxiproxy: Toxiproxy;
  topology: FaultTopology;
  /** Base URL of the discovery stub (its /__admin API controls discovery faults). */
  discoveryUrl: string;
  seed: number;
  log(message: string): void;
}

export interface ActiveFault {
  /** Undo the fault. Must be safe to call once after apply, even if the target died meanwhile. */
  heal(): Promise<void>;
}

/**
 * Which targets a kind accepts (scenario/targets.ts turns this into names for a scenario's topology):
 * `replica` — a service or replica name from the topology; `discovery-service` — a service name in
 * discovery, or `discovery` for the API-wide faults; `processor` — card processors only.
 */
export type FaultTargetClass = 'replica' | 'discovery-service' | 'processor';

/**
 * What a kind needs to act, declared with it and asked before anything starts (as k6 asks an executor's
 * config IsDistributable()): whether it runs against a Toxiproxy faultline did not start (topology/remote.ts,
 * `faultline faults`), and whether it can act on a service replaced by a URL (scenario/replacements.ts).
 * A need left out is not needed.
 */
export interface FaultNeeds {
  /** It acts on the Toxiproxy proxy in front of each target: any Toxiproxy API, faultline's or not, gives it. */
  proxy?: boolean;
  /** It acts through the discovery stub's admin API (`--discovery <url>` for a remote run). */
  discoveryAdmin?: boolean;
  /** It signals or restarts each target's process: only a replica faultline started itself has one. */
  processControl?: boolean;
  /**
   * The admin route it calls on each target replica's own address, which answers GET when the replica serves
   * it (a Toxiproxy API gives no replica's own address; a replacement must implement the route).
   */
  adminRoute?: string;
}

/** A kind runs against a remote Toxiproxy (with the discovery stub's admin API when `discovery`) when it needs nothing else. */
export function runsRemotely(needs: FaultNeeds, options: { discovery: boolean }): boolean {
  return !needs.processControl && needs.adminRoute === undefined && (options.discovery || !needs.discoveryAdmin);
}

export interface FaultKind<P extends z.ZodType = z.ZodType> {
  /** API name: `network.latency`, `discovery.null_subsets`, `process.kill`, `http.abort`, `router.restart`. */
  kind: string;
  description: string;
  /** Validates `params`; unknown params are errors. */
  params: P;
  target: FaultTargetClass;
  /** What it needs to act: where it can run follows from it. */
  needs: FaultNeeds;
  apply(window: FaultWindowRef, params: z.output<P>, ctx: FaultContext): Promise<ActiveFault>;
}
