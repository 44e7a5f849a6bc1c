// subsets: [] — the service exists but has no ready endpoint (Kubernetes before 1.6 for a service
// scaled to zero, or every pod failing readiness).
import type { DiscoveryFaultDefinition, ServiceScope } from './types.ts';
import { scopedSchema } from './types.ts';

export const emptySubsets: DiscoveryFaultDefinition<ServiceScope> = {
  kind: 'empty_subsets',
  description: 'serve `subsets: []` for the service, whatever replicas are registered',
  schema: scopedSchema(),
  scoped: true,
  create(params, host, namespace) {
    return {
      order: 30,
      subsets: () => [],
      start: () => host.touch(namespace, params.service),
      stop: () => host.touch(namespace, params.service),
    };
  },
};
