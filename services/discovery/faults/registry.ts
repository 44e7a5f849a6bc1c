// Every discovery fault by its API name. Adding one: write its file, list it here.
import type { DiscoveryFaultDefinition, DiscoveryFaultKind } from './types.ts';
import { nullSubsets } from './null_subsets.ts';
import { emptySubsets } from './empty_subsets.ts';
import { stallWatch } from './stall_watch.ts';
import { slowApi } from './slow_api.ts';
import { failApi } from './fail_api.ts';
import { hangApi } from './hang_api.ts';
import { flap } from './flap.ts';
import { deadEndpoints } from './dead_endpoints.ts';

// Each definition is generic over its own params; the registry hands them out by name.
const definitions = [nullSubsets, emptySubsets, stallWatch, slowApi, failApi, hangApi, flap, deadEndpoints] as unknown as DiscoveryFaultDefinition[];

export const DISCOVERY_FAULTS: ReadonlyMap<DiscoveryFaultKind, DiscoveryFaultDefinition> = new Map(definitions.map((d) => [d.kind, d]));
