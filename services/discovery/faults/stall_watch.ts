// A stalled watch: the Monzo etcd/gRPC bug. Watches stay open but deliver nothing more — no events,
// no bookmarks — so a client holds stale endpoints. A watch opened during the stall gets its initial
// state and then nothing. GET and list still answer fresh data. Healing delivers what was missed.
import type { DiscoveryFaultDefinition } from './types.ts';
import { emptyParamsSchema } from './types.ts';

export const stallWatch: DiscoveryFaultDefinition<Record<string, never>> = {
  kind: 'stall_watch',
  description: 'open watches get no more events or bookmarks; new watches stall after their initial state; GETs stay fresh',
  schema: emptyParamsSchema,
  scoped: false,
  create(_params, host) {
    return {
      order: 0,
      stallsWatches: true,
      start: () => host.watchesChanged(),
      stop: () => host.watchesChanged(),
    };
  },
};
