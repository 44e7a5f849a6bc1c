// subsets: null — what Kubernetes 1.6+ served for a service scaled to zero in 2017, the object that
// crashed linkerd 1.x (NullPointerException) and took every service's resolution down with it.
import { z } from 'zod';
import { defineDiscoveryFault } from './types.ts';

export const nullSubsets = defineDiscoveryFault({
  kind: 'null_subsets',
  description:
    'serve `subsets: null` for the service (GET, list and a MODIFIED watch event): what Kubernetes 1.6+ served for a service scaled to zero, and what linkerd 1.x crashed on',
  scope: 'service',
  params: z.strictObject({}),
  create(params, host, namespace) {
    return {
      order: 40,
      subsets: () => null,
      start: () => host.touch(namespace, params.service),
      stop: () => host.touch(namespace, params.service),
    };
  },
});
