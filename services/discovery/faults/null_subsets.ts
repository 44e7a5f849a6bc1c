// subsets: null — what Kubernetes 1.6+ served for a service scaled to zero in 2017, the object that
// crashed linkerd 1.x (NullPointerException) and took every service's resolution down with it.
import type { DiscoveryFaultDefinition, ServiceScope } from './types.ts';
import { scopedSchema } from './types.ts';

export const nullSubsets: DiscoveryFaultDefinition<ServiceScope> = {
  kind: 'null_subsets',
  description: 'serve `subsets: null` for the service (GET, list and a MODIFIED watch event)',
  schema: scopedSchema(),
  scoped: true,
  create(params, host, namespace) {
    return {
      order: 40,
      subsets: () => null,
      start: () => host.touch(namespace, params.service),
      stop: () => host.touch(namespace, params.service),
    };
  },
};
