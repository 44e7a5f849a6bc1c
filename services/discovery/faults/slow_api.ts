// A slow API server: every Kubernetes API call (GET, list, opening a watch) waits delay_ms first.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DiscoveryFaultDefinition } from './types.ts';
import { untilOrGone } from './types.ts';

export interface SlowApiParams {
  delay_ms: number;
}

export const slowApi: DiscoveryFaultDefinition<SlowApiParams> = {
  kind: 'slow_api',
  description: 'delay every API call (GET, list, watch open) by delay_ms',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['delay_ms'],
    properties: { delay_ms: { type: 'integer', minimum: 0, maximum: 600_000 } },
  },
  scoped: false,
  create(params) {
    const controller = new AbortController();
    return {
      order: 20,
      gate: async (request) => {
        await untilOrGone(request, sleep(params.delay_ms, undefined, { signal: controller.signal }).catch(() => undefined));
        return undefined;
      },
      start: () => undefined,
      // Healing lets the waiting calls through at once.
      stop: () => controller.abort(),
    };
  },
};
