// A wrong port: the service's endpoints keep their addresses but advertise a port nothing listens on —
// a Service whose targetPort does not match the container's port. Clients resolve the service as usual
// and get connection refused on every endpoint. Healing advertises the real ports again.
import { z } from 'zod';
import { freePort } from './free-port.ts';
import { defineDiscoveryFault } from './types.ts';

export const wrongPort = defineDiscoveryFault({
  kind: 'wrong_port',
  description: "the service's endpoints keep their addresses but advertise a port nothing listens on (a misconfigured targetPort): connections are refused",
  scope: 'service',
  params: z.strictObject({
    port: z.int().min(1).max(65_535).optional().describe('the port to advertise; a loopback port nothing listens on when absent'),
  }),
  create(params, host, namespace) {
    let port = 0;
    return {
      order: 5,
      // Until start() has picked the port, the endpoints show as they are.
      subsets: (subsets) => (port === 0 || subsets === null ? subsets : subsets.map((s) => ({ ...s, ports: (s.ports ?? []).map((p) => ({ ...p, port })) }))),
      start: async () => {
        port = params.port ?? (await freePort());
        host.touch(namespace, params.service);
      },
      stop: () => host.touch(namespace, params.service),
      describe: () => ({ port }),
    };
  },
});
