// What a fault may target, known before anything starts: each fault kind says which class of target it
// takes (faults/types.ts's FaultTargetClass); here the class becomes the names in a scenario's topology.
// The fault plane sits below scenarios (it imports nothing from scenario/ or topology/), so this import
// runs down the layers.
import type { TopologySpec } from './schema.ts';
import type { FaultTargetClass } from '../faults/types.ts';

export function replicaTargets(topology: TopologySpec): string[] {
  const names = ['card-processor', 'ledger', 'feed', 'discovery', 'ledger-store'];
  for (let i = 1; i <= topology.processors; i++) names.push(`card-processor-${i}`);
  for (let i = 1; i <= topology.ledgers; i++) names.push(`ledger-${i}`);
  for (let i = 1; i <= topology.feeds; i++) names.push(`feed-${i}`);
  return names;
}

export function allowedTargets(kind: { target: FaultTargetClass }, topology: TopologySpec): string[] {
  switch (kind.target) {
    case 'replica':
      return replicaTargets(topology);
    case 'discovery-service':
      return ['discovery', 'ledger', 'feed', ...topology.scaled_to_zero];
    case 'processor':
      return replicaTargets(topology).filter((n) => n.startsWith('card-processor'));
  }
}
