// Every fault kind by its API name, one family per module. The network.* and discovery.* kinds are
// derived from their own registries — a toxic is added in harness/proxy/toxics/ (its file plus one line
// in registry.ts), a discovery fault in services/discovery/faults/ (the same) — and appear here without
// a change. A process, HTTP or router kind is declared in its family's file. scenario/validate.ts reads
// this registry; nothing under faults/ imports scenario/ or topology/ (see types.ts).
import type { FaultKind } from './types.ts';
import { networkFaultKinds } from './network.ts';
import { discoveryFaultKinds } from './discovery.ts';
import { httpFaultKinds } from './http.ts';
import { processFaultKinds } from './process.ts';
import { routerFaultKinds } from './router.ts';

const all: FaultKind[] = [...networkFaultKinds, ...discoveryFaultKinds, ...httpFaultKinds, ...processFaultKinds, ...routerFaultKinds];

export const FAULT_KINDS: ReadonlyMap<string, FaultKind> = new Map(
  all.map((k, i) => {
    if (all.findIndex((other) => other.kind === k.kind) !== i) throw new Error(`fault kind ${k.kind} is declared twice`);
    return [k.kind, k];
  }),
);

export function faultKind(name: string): FaultKind | undefined {
  return FAULT_KINDS.get(name);
}
