// subsets: [] — the service exists but has no ready endpoint (Kubernetes before 1.6 for a service
// scaled to zero, or every pod failing readiness).
import { z } from 'zod';
import { defineDiscoveryFault } from './types.ts';

export const emptySubsets = defineDiscoveryFault({
  kind: 'empty_subsets',
  description: 'serve `subsets: []` for the service, whatever replicas are registered (GET, list and a MODIFIED watch event)',
  scope: 'service',
  params: z.strictObject({}),
  create(params, host, namespace) {
    return {
      order: 30,
      subsets: () => [],
      start: () => host.touch(namespace, params.service),
      stop: () => host.touch(namespace, params.service),
    };
  },
});
