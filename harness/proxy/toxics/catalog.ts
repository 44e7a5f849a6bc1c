// The registered toxics by API name: what the proxy's API accepts as a toxic `type`, and what the
// network.* fault kinds are made of. Built from registry.ts's exports; nothing is listed twice.
import * as registry from './registry.ts';
import type { ToxicDefinition } from './toxic.ts';

function byType(definitions: readonly ToxicDefinition[]): ReadonlyMap<string, ToxicDefinition> {
  const map = new Map<string, ToxicDefinition>();
  for (const definition of definitions) {
    if (map.has(definition.type)) throw new Error(`two toxics registered as "${definition.type}"`);
    map.set(definition.type, definition);
  }
  return map;
}

export const TOXICS: ReadonlyMap<string, ToxicDefinition> = byType(Object.values(registry));

export function findToxic(type: string): ToxicDefinition | undefined {
  return TOXICS.get(type);
}
