// After traffic, with the faults healed: the card network forwards its stored advices and timeout
// reversals, the processors flush their feed outboxes, and what could not be delivered is listed. The
// drain goes on while the issuer keeps accepting (a starved machine drains slowly, not partly), until
// the issuer accepted nothing for drain_s, or 4 × drain_s in all. An interrupted run drains for a short,
// fixed time.
import type { CardNetwork, ForwardReport } from '../traffic/card-network/card-network.ts';
import type { RunningTopology } from '../topology/types.ts';
import { drainProcessors } from './drain.ts';

export interface Settled {
  forward: ForwardReport;
  /** Advice ids the network still held at the end. */
  pendingAdvices: string[];
  /** Of those, the ones that never reached the issuer: the harness never delivered them (unknown, not failed). */
  undeliveredAdvices: string[];
}

export async function settle(
  network: CardNetwork,
  topology: RunningTopology,
  drainMs: number,
  log: (line: string) => void,
  opts: { extend: boolean } = { extend: true },
): Promise<Settled> {
  const forward = await network.deliverAdvices({ deadlineMs: drainMs, ...(opts.extend ? { extendUpToMs: 4 * drainMs } : {}) });
  network.finalize();
  await drainProcessors(topology, Math.min(drainMs, 10_000), log);
  await network.close();
  const pendingAdvices = network
    .pendingForwards()
    .filter((m) => m.kind === 'advice')
    .map((m) => m.id);
  const undeliveredAdvices = network
    .undeliveredForwards()
    .filter((m) => m.kind === 'advice')
    .map((m) => m.id);
  return { forward, pendingAdvices, undeliveredAdvices };
}
