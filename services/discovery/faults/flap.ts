// Flapping endpoints: the service's endpoints alternate between present and absent (`subsets: []`),
// each phase lasting period_ms / 2, starting absent. Every flip is a MODIFIED watch event.
import type { DiscoveryFaultDefinition, ServiceScope } from './types.ts';
import { scopedSchema } from './types.ts';

export interface FlapParams extends ServiceScope {
  period_ms: number;
}

export const flap: DiscoveryFaultDefinition<FlapParams> = {
  kind: 'flap',
  description: "the service's endpoints alternate present/absent; a full cycle is period_ms, starting absent",
  schema: scopedSchema({ period_ms: { type: 'integer', minimum: 20, maximum: 600_000 } }, ['period_ms']),
  scoped: true,
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
};
