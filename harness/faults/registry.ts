// Every fault kind by its API name. Adding a kind: write its module, add it here.
import type { FaultKind } from './types.ts';
import { networkFaultKinds } from './network.ts';
import { discoveryFaultKinds } from './discovery.ts';
import { httpFaultKinds } from './http.ts';
import { processFaultKinds } from './process.ts';
import { routerFaultKinds } from './router.ts';

const all: FaultKind[] = [...networkFaultKinds, ...discoveryFaultKinds, ...httpFaultKinds, ...processFaultKinds, ...routerFaultKinds];

export const FAULT_KINDS: ReadonlyMap<string, FaultKind> = new Map(all.map((k) => [k.kind, k]));

export function faultKind(name: string): FaultKind | undefined {
  return FAULT_KINDS.get(name);
}
