// A slow API server: every Kubernetes API call (GET, list, opening a watch) waits delay_ms first.
// Healing lets the calls still waiting through at once.
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
    const waiting = new Set<() => void>();
    let healed = false;
    return {
      order: 20,
      gate: async (request) => {
        if (healed) return undefined;
        await untilOrGone(
          request,
          new Promise<void>((resolve) => {
            const timer = setTimeout(done, params.delay_ms);
            function done(): void {
              clearTimeout(timer);
              waiting.delete(done);
              resolve();
            }
            waiting.add(done);
          }),
        );
        return undefined;
      },
      start: () => undefined,
      stop: () => {
        healed = true;
        for (const done of [...waiting]) done();
      },
    };
  },
};
