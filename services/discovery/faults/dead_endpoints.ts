// Endpoints that point at dead ports: `count` extra addresses on 127.0.0.1, each on a port that was
// free when the fault started (bound and released at once, so nothing listens there), one subset each.
import { createServer } from 'node:net';
import type { EndpointSubset } from '../contract.ts';
import type { DiscoveryFaultDefinition, ServiceScope } from './types.ts';
import { scopedSchema } from './types.ts';
import { PORT_NAME } from '../render.ts';

export interface DeadEndpointsParams extends ServiceScope {
  count: number;
}

/** A loopback port nothing listens on: bind port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const deadEndpoints: DiscoveryFaultDefinition<DeadEndpointsParams> = {
  kind: 'dead_endpoints',
  description: 'add count addresses to the service that point at loopback ports where nothing listens',
  schema: scopedSchema({ count: { type: 'integer', minimum: 1, maximum: 64 } }, ['count']),
  scoped: true,
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
};
