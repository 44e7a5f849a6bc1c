// Endpoints that point at dead ports: `count` extra addresses on 127.0.0.1, each on a port that was
// free when the fault started (bound and released at once, so nothing listens there), one subset each.
import { z } from 'zod';
import type { EndpointSubset } from '../contract.ts';
import { PORT_NAME } from '../render.ts';
import { freePort } from './free-port.ts';
import { defineDiscoveryFault } from './types.ts';

export const deadEndpoints = defineDiscoveryFault({
  kind: 'dead_endpoints',
  description: 'add `count` addresses to the service that point at loopback ports where nothing listens (pods gone, endpoints not yet updated)',
  scope: 'service',
  params: z.strictObject({
    count: z.int().min(1).max(64).default(1).describe('how many dead addresses to add'),
  }),
  create(params, host, namespace) {
    let dead: EndpointSubset[] = [];
    let ports: number[] = [];
    return {
      order: 10,
      subsets: (subsets) => [...(subsets ?? []), ...dead],
      start: async () => {
        ports = [];
        for (let i = 0; i < params.count; i++) ports.push(await freePort());
        dead = ports.map((port, i) => ({
          addresses: [{ ip: '127.0.0.1', targetRef: { kind: 'Pod', name: `${params.service}-dead-${i + 1}`, namespace } }],
          ports: [{ name: PORT_NAME, port, protocol: 'TCP' }],
        }));
        host.touch(namespace, params.service);
      },
      stop: () => {
        dead = [];
        host.touch(namespace, params.service);
      },
      describe: () => ({ ports }),
    };
  },
});
