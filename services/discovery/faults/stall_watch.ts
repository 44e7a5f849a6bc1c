// A stalled watch: the Monzo etcd/gRPC bug. Watches stay open but deliver nothing more — no events,
// no bookmarks — so a client holds stale endpoints. A watch opened during the stall gets its initial
// state and then nothing. GET and list still answer fresh data. Healing delivers what was missed.
import { z } from 'zod';
import { defineDiscoveryFault } from './types.ts';

export const stallWatch = defineDiscoveryFault({
  kind: 'stall_watch',
  description: 'open watches get no more events or bookmarks (stale endpoints); new watches stall after their initial state; GETs stay fresh',
  scope: 'api',
  params: z.strictObject({}),
  create(_params, host) {
    return {
      order: 0,
      stallsWatches: true,
      start: () => host.watchesChanged(),
      stop: () => host.watchesChanged(),
    };
  },
});
