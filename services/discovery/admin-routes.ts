// The loopback admin API: registration (as an endpoints controller would do it), services scaled to
// zero, the stub's state, and the discovery faults (admin-fault-routes.ts: PUT to start, DELETE to heal).
import type { FastifyPluginAsync } from 'fastify';
import type { EndpointsStore } from './endpoints-store.ts';
import type { WatchHub } from './watch-hub.ts';
import type { ActiveFaults } from './faults/active-faults.ts';
import type { RegistrationRequest } from './contract.ts';
import { adminFaultRoutes, noQuery, serviceNameSchema } from './admin-fault-routes.ts';

export interface AdminOptions {
  /** Accept admin calls from any source (compose mode, where the driver is outside the container). */
  anySource?: boolean;
  store: EndpointsStore;
  hub: WatchHub;
  faults: ActiveFaults;
  namespace: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const ipv4 = { type: 'string', pattern: '^(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}$' } as const;
const replicaName = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?$' } as const;

const registrationSchema = (required: string[]) =>
  ({
    type: 'object',
    additionalProperties: false,
    required,
    properties: {
      namespace: serviceNameSchema,
      service: serviceNameSchema,
      replica: replicaName,
      ip: ipv4,
      port: { type: 'integer', minimum: 1, maximum: 65_535 },
    },
  }) as const;

const serviceBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['service'],
  properties: { namespace: serviceNameSchema, service: serviceNameSchema },
} as const;

export const adminRoutes: FastifyPluginAsync<AdminOptions> = async (app, opts) => {
  const { store, hub, faults, namespace: defaultNamespace } = opts;

  app.addHook('onRequest', async (request, reply) => {
    if (!opts.anySource && !LOOPBACK.has(request.socket.remoteAddress ?? '')) {
      return reply.code(403).send({ error: 'the admin API answers loopback clients only', code: 'FORBIDDEN', status: 403 });
    }
  });

  app.post<{ Body: RegistrationRequest & { port: number } }>(
    '/__admin/register',
    {
      schema: {
        summary: 'Register a replica (what an endpoints controller does)',
        description: 'Adds or replaces the replica\'s address (ip defaults to 127.0.0.1); replicas of a service may have different ports. Answers `{event: ADDED|MODIFIED|UNCHANGED, namespace, service, replica, resourceVersion}`.',
        body: registrationSchema(['service', 'replica', 'port']),
      },
    },
    async (request) => {
      const { service, replica, port } = request.body;
      const namespace = request.body.namespace ?? defaultNamespace;
      const event = store.register(namespace, service, { name: replica, ip: request.body.ip ?? '127.0.0.1', port });
      return { event, namespace, service, replica, resourceVersion: String(store.resourceVersion) };
    },
  );

  app.post<{ Body: RegistrationRequest }>(
    '/__admin/deregister',
    {
      schema: {
        summary: 'Deregister a replica',
        description: 'Removes the replica\'s address; the service stays (with `subsets: []` when it was the last). Answers `{removed, namespace, service, replica, resourceVersion}`.',
        body: registrationSchema(['service', 'replica']),
      },
    },
    async (request) => {
      const { service, replica } = request.body;
      const namespace = request.body.namespace ?? defaultNamespace;
      const removed = store.deregister(namespace, service, replica);
      return { removed, namespace, service, replica, resourceVersion: String(store.resourceVersion) };
    },
  );

  app.post<{ Body: { namespace?: string; service: string } }>(
    '/__admin/services',
    {
      schema: {
        summary: 'Create a service with no replicas (scaled to zero)',
        description: 'Answers 201 `{created: true, ...}`, or 200 `{created: false, ...}` when the service existed.',
        body: serviceBodySchema,
      },
    },
    async (request, reply) => {
    const namespace = request.body.namespace ?? defaultNamespace;
      const created = store.createService(namespace, request.body.service);
      void reply.code(created ? 201 : 200);
      return { created, namespace, service: request.body.service, resourceVersion: String(store.resourceVersion) };
    },
  );

  app.delete<{ Params: { namespace: string; name: string } }>(
    '/__admin/services/:namespace/:name',
    {
      schema: {
        summary: 'Delete a service',
        description: 'Removes the service and its replicas (a DELETED watch event); 404 when there is no such service.',
        params: { type: 'object', required: ['namespace', 'name'], properties: { namespace: serviceNameSchema, name: serviceNameSchema } },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params;
      if (!store.deleteService(namespace, name)) {
        return reply.code(404).send({ error: `no service ${namespace}/${name}`, code: 'NOT_FOUND', status: 404 });
      }
      return { deleted: true, namespace, service: name, resourceVersion: String(store.resourceVersion) };
    },
  );

  app.get(
    '/__admin/state',
    { schema: { summary: "The stub's state", description: 'Services with their replicas, the faults in force, and the open watches (and whether they are stalled).', ...noQuery } },
    async () => ({
    namespace: defaultNamespace,
    resourceVersion: String(store.resourceVersion),
    services: store.states(),
    faults: faults.list(),
      watches: { open: hub.count, stalled: hub.isStalled },
    }),
  );

  adminFaultRoutes(app, faults);
};
