// The registered discovery faults by kind, and what is derived from their declarations: the kind names
// and the zod schema of a PUT /__admin/faults/{kind} body (the fault's params, plus `service` and
// `namespace` for a fault on one service). The admin routes and the harness read these; nothing here is
// listed by hand.
import { z } from 'zod';
import * as registry from './registry.ts';
import { serviceScope, type DiscoveryFaultDefinition } from './types.ts';

type Registered = (typeof registry)[keyof typeof registry];
export type DiscoveryFaultKind = Registered['kind'];

const definitions: readonly DiscoveryFaultDefinition<DiscoveryFaultKind>[] = Object.values(registry).sort((a, b) => (a.kind < b.kind ? -1 : 1));

export const DISCOVERY_FAULTS: ReadonlyMap<DiscoveryFaultKind, DiscoveryFaultDefinition<DiscoveryFaultKind>> = new Map(definitions.map((d) => [d.kind, d]));

export const DISCOVERY_FAULT_KINDS: readonly DiscoveryFaultKind[] = [...DISCOVERY_FAULTS.keys()];

export function isDiscoveryFaultKind(kind: string): kind is DiscoveryFaultKind {
  return DISCOVERY_FAULTS.has(kind as DiscoveryFaultKind);
}

/** The body of PUT /__admin/faults/{kind}: the fault's params, and for a service fault which service. */
export function faultBody(definition: DiscoveryFaultDefinition): z.ZodObject {
  return definition.scope === 'service' ? z.strictObject({ ...serviceScope, ...definition.params.shape }) : z.strictObject({ ...definition.params.shape });
}
