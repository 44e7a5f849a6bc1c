// A failing API server: a seeded percentage of API calls get an error status with a Kubernetes Status body.
import type { DiscoveryFaultDefinition } from './types.ts';

export interface FailApiParams {
  status: number;
  percent: number;
}

export const failApi: DiscoveryFaultDefinition<FailApiParams> = {
  kind: 'fail_api',
  description: 'answer percent% of API calls (GET, list, watch open) with the given error status',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'percent'],
    properties: {
      status: { type: 'integer', minimum: 400, maximum: 599 },
      percent: { type: 'number', minimum: 0, maximum: 100 },
    },
  },
  scoped: false,
  create(params, host) {
    const p = params.percent / 100;
    return {
      order: 30,
      gate: () => (host.rng.chance(p) ? { status: params.status, message: `injected failure (fail_api ${params.percent}%)` } : undefined),
      start: () => undefined,
      stop: () => undefined,
    };
  },
};
