// A hung API server (the control-plane timeout story): API calls get no answer at all until the fault
// is healed, then they are answered normally. Watches already open are not affected (see stall_watch).
import { z } from 'zod';
import { defineDiscoveryFault, untilOrGone } from './types.ts';

export const hangApi = defineDiscoveryFault({
  kind: 'hang_api',
  description: 'API calls (GET, list, watch open) never answer until healed (a control-plane timeout)',
  scope: 'api',
  params: z.strictObject({}),
  create() {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    return {
      order: 10,
      gate: async (request) => {
        await untilOrGone(request, released);
        return undefined;
      },
      start: () => undefined,
      stop: () => release(),
    };
  },
});
