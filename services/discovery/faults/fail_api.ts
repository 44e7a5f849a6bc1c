// A failing API server: a seeded percentage of API calls get an error status with a Kubernetes Status body.
import { z } from 'zod';
import { defineDiscoveryFault } from './types.ts';

export const failApi = defineDiscoveryFault({
  kind: 'fail_api',
  description: 'answer percent% of API calls (GET, list, watch open) with the given error status',
  scope: 'api',
  params: z.strictObject({
    status: z.int().min(400).max(599).default(503).describe('the error status answered'),
    percent: z.number().min(0).max(100).default(100).describe('share of API calls that fail, in %'),
  }),
  create(params, host) {
    const p = params.percent / 100;
    return {
      order: 30,
      gate: () => (host.rng.chance(p) ? { status: params.status, message: `injected failure (fail_api ${params.percent}%)` } : undefined),
      start: () => undefined,
      stop: () => undefined,
    };
  },
});
