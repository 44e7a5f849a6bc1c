// A slow API server: every Kubernetes API call (GET, list, opening a watch) waits delay_ms first.
// Healing lets the calls still waiting through at once.
import { z } from 'zod';
import { defineDiscoveryFault, untilOrGone } from './types.ts';

export const slowApi = defineDiscoveryFault({
  kind: 'slow_api',
  description: 'delay every API call (GET, list, watch open) by delay_ms',
  scope: 'api',
  params: z.strictObject({
    delay_ms: z.int().min(0).max(600_000).default(500).describe('milliseconds each API call waits'),
  }),
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
});
