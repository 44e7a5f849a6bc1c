// The loopback admin API's discovery faults: one PUT route per registered fault kind (its body schema derived
// from the fault's zod declaration), the list of faults in force and of kinds, and DELETE to heal.
import type { FastifyInstance } from 'fastify';
import type { ActiveFaults } from './faults/active-faults.ts';
import { bodyJsonSchema, parseBody } from '../common/zod-body.ts';
import { DISCOVERY_FAULTS, DISCOVERY_FAULT_KINDS, faultBody, isDiscoveryFaultKind } from './faults/catalog.ts';
import { k8sName } from './faults/types.ts';

export const serviceNameSchema = bodyJsonSchema(k8sName);
export const noQuery = { querystring: { type: 'object', additionalProperties: false, properties: {} } } as const;

/** Registers the fault routes on the admin plugin (whose loopback guard covers them). */
export function adminFaultRoutes(app: FastifyInstance, faults: ActiveFaults): void {
  // One route per registered fault; its body schema is derived from the fault's zod declaration, and the
  // same schema parses the body (defaults filled). A fault whose params are all optional also takes no body.
  const kinds = [...DISCOVERY_FAULTS.values()].map((definition) => {
    const body = faultBody(definition);
    const jsonSchema = bodyJsonSchema(body.safeParse({}).success ? body.nullable() : body);
    app.put<{ Body: Record<string, unknown> | null }>(
      `/__admin/faults/${definition.kind}`,
      {
        schema: {
          summary: `Start the ${definition.kind} fault (discovery.${definition.kind})`,
          description: `${definition.description.charAt(0).toUpperCase()}${definition.description.slice(1)}. Replaces a fault of the same kind and target; DELETE heals it.`,
          body: jsonSchema,
        },
      },
      async (request) => faults.put(definition.kind, parseBody(body, request.body ?? {})),
    );
    return { kind: definition.kind, description: definition.description, scoped: definition.scope === 'service', params: bodyJsonSchema(body) };
  });

  app.get(
    '/__admin/faults',
    { schema: { summary: 'The discovery faults in force, and every kind', description: 'Answers `{faults, kinds}`: each kind with its description and params schema.', ...noQuery } },
    async () => ({ faults: faults.list(), kinds }),
  );

  app.put<{ Params: { kind: string } }>(
    '/__admin/faults/:kind',
    {
      schema: {
        summary: 'An unknown fault kind',
        description: 'Any kind not listed above: 404 naming the known kinds.',
        params: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request, reply) =>
      reply.code(404).send({ error: `unknown discovery fault "${request.params.kind}"; known: ${DISCOVERY_FAULT_KINDS.join(', ')}`, code: 'NOT_FOUND', status: 404 }),
  );

  app.delete<{ Params: { kind: string }; Querystring: { service?: string; namespace?: string } }>(
    '/__admin/faults/:kind',
    {
      schema: {
        summary: 'Heal one kind of discovery fault',
        description: 'Heals every fault of that kind, or only one service\'s with `service` (and `namespace`). Answers `{healed}`; 404 for an unknown kind.',
        params: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', maxLength: 64 } } },
        querystring: { type: 'object', additionalProperties: false, properties: { service: serviceNameSchema, namespace: serviceNameSchema } },
      },
    },
    async (request, reply) => {
      const kind = request.params.kind;
      if (!isDiscoveryFaultKind(kind)) {
        return reply.code(404).send({ error: `unknown discovery fault "${kind}"; known: ${DISCOVERY_FAULT_KINDS.join(', ')}`, code: 'NOT_FOUND', status: 404 });
      }
      return { healed: faults.remove(kind, request.query) };
    },
  );

  app.delete(
    '/__admin/faults',
    { schema: { summary: 'Heal every discovery fault', description: 'Answers `{healed}`.', ...noQuery } },
    async () => ({ healed: faults.clear() }),
  );
}
