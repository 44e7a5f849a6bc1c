// One fault API for the runner: a scenario names a fault kind, a target and a window; the kind's
// module applies it and returns a handle that heals it. Adding a fault kind = one file + registry entry.
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { z } from 'zod';
import type { FaultWindow } from '../scenario/schema.ts';
import type { TopologyControl } from '../topology/types.ts';

export interface FaultContext {
  /** Toxiproxy HTTP API client (embedded proxy or real Toxiproxy). */
  toxiproxy: Toxiproxy;
  topology: TopologyControl;
  /** Base URL of the discovery stub (its /__admin API controls discovery faults). */
  discoveryUrl: string;
  seed: number;
  log(message: string): void;
}

export interface ActiveFault {
  /** Undo the fault. Must be safe to call once after apply, even if the target died meanwhile. */
  heal(): Promise<void>;
}

export interface FaultKind<P extends z.ZodType = z.ZodType> {
  /** API name: `network.latency`, `discovery.null_subsets`, `process.kill`, `http.abort`, `router.restart`. */
  kind: string;
  description: string;
  /** Validates `params`; unknown params are errors. */
  params: P;
  /**
   * Which targets the kind accepts: `service` (a service or replica name from the topology),
   * or a fixed list (e.g. discovery faults target a service name in discovery).
   */
  target: 'replica' | 'discovery-service' | 'processor';
  apply(window: FaultWindow, params: z.output<P>, ctx: FaultContext): Promise<ActiveFault>;
}
