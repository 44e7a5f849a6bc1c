// What a fault may target, known before anything starts: each fault kind says which class of target it
// takes (faults/types.ts's FaultTargetClass); here the class becomes the names in a scenario's topology.
// The fault plane sits below scenarios (it imports nothing from scenario/ or topology/), so this import
// runs down the layers.
import { DISCOVERY_NAMES, replicaNames, SERVICE_NAMES } from '../../services/catalogue.ts';
import type { TopologySpec } from './schema.ts';
import type { FaultTargetClass } from '../faults/types.ts';

/** Every service of the catalogue (services/catalogue.ts), then every replica the topology runs. */
export function replicaTargets(topology: TopologySpec): string[] {
  return [...new Set([...SERVICE_NAMES, ...SERVICE_NAMES.flatMap((s) => replicaNames(s, topology))])];
}

export function allowedTargets(kind: { target: FaultTargetClass }, topology: TopologySpec): string[] {
  switch (kind.target) {
    case 'replica':
      return replicaTargets(topology);
    case 'discovery-service':
      return ['discovery', ...DISCOVERY_NAMES, ...topology.scaled_to_zero];
    case 'processor':
      return replicaTargets(topology).filter((n) => n.startsWith('card-processor'));
  }
}
