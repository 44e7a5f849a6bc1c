// After traffic: ask every card processor to flush its feed outbox, so the feed can be checked against
// the ledger. A processor that cannot be reached is reported, not fatal: the checker will say what it saw.
import { boundedJson } from '../http/bounded-body.ts';
import type { TopologyControl } from '../topology/types.ts';

export async function drainProcessors(topology: TopologyControl, deadlineMs: number, log: (line: string) => void): Promise<void> {
  await Promise.all(
    topology
      .replicas('card-processor')
      .filter((p) => p.running)
      .map(async (p) => {
        try {
          const res = await fetch(`${p.directUrl}/__admin/drain`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ deadline_ms: deadlineMs }),
            signal: AbortSignal.timeout(deadlineMs + 2000),
          });
          const body = (await boundedJson(res)) as { drained?: boolean; pending?: number; unsettled_writes?: number };
          if (!body.drained) {
            const writes = typeof body.unsettled_writes === 'number' ? body.unsettled_writes : 0;
            const events = typeof body.pending === 'number' ? body.pending - writes : '?';
            log(`${p.name}: still pending after drain: ${events} feed events, ${writes} ledger writes whose outcome it never learnt`);
          }
        } catch (err) {
          log(`${p.name}: drain failed: ${(err as Error).message}`);
        }
      }),
  );
}
