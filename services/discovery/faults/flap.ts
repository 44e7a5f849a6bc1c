// Flapping endpoints: the service's endpoints alternate between present and absent (`subsets: []`),
// each phase lasting period_ms / 2, starting absent. Every flip is a MODIFIED watch event.
import { z } from 'zod';
import { defineDiscoveryFault } from './types.ts';

export const flap = defineDiscoveryFault({
  kind: 'flap',
  description: "the service's endpoints alternate absent/present, each for period_ms / 2, starting absent",
  scope: 'service',
  params: z.strictObject({
    period_ms: z.int().min(20).max(600_000).default(1000).describe('one full absent + present cycle, in ms'),
  }),
  create(params, host, namespace) {
    let present = false;
    let flips = 0;
    let timer: NodeJS.Timeout | undefined;
    return {
      order: 20,
      subsets: (subsets) => (present ? subsets : []),
      start: () => {
        host.touch(namespace, params.service);
        timer = setInterval(() => {
          present = !present;
          flips++;
          host.touch(namespace, params.service);
        }, Math.max(10, Math.floor(params.period_ms / 2)));
        timer.unref();
      },
      stop: () => {
        if (timer) clearInterval(timer);
        present = true;
        host.touch(namespace, params.service);
      },
      describe: () => ({ present, flips }),
    };
  },
});
