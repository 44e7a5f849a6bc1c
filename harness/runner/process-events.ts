// What the run says about its replicas' processes and addresses: every end of a replica's process during
// the run (process_events in summary.json; one that no fault caused fails the run, gate/verdict.ts), and a
// replica's name put on an address, so a failed read says which service it was ("feed-1, replaced by
// command "node feed.js"") rather than only a port.
import { describeReplacement, isReplaceable } from '../scenario/replacements.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ProcessEvent } from '../summary/types.ts';
import type { TopologyControl } from '../topology/types.ts';

/** Every end of a replica's process so far, timed from the start of the measured part (t0, performance.now()). */
export function processEvents(topology: TopologyControl, scenario: Pick<Scenario, 'replace'>, t0: number): ProcessEvent[] {
  return (topology.processExits?.() ?? []).map((e) => {
    const event: ProcessEvent = {
      replica: e.replica,
      service: e.service,
      pid: e.pid,
      at_s: Math.round(e.atMs - t0) / 1000,
      code: e.code,
      signal: e.signal,
      expected: e.expected,
    };
    const r = isReplaceable(e.service) ? scenario.replace[e.service] : undefined;
    if (r) event.replaced_by = describeReplacement(r);
    return event;
  });
}

/** `text` with the first replica address it mentions named: `… (feed-1, feed replaced by command "x")`. */
export function nameAddresses(text: string, topology: Pick<TopologyControl, 'replicas'>, scenario: Pick<Scenario, 'replace'>): string {
  for (const r of topology.replicas()) {
    const origins = [r.directUrl, r.url].filter((u) => u !== '').map((u) => new URL(u).origin);
    if (!origins.some((o) => text.includes(o))) continue;
    const replacement = isReplaceable(r.service) ? scenario.replace[r.service] : undefined;
    return `${r.name}${replacement ? ` (${r.service} replaced by ${describeReplacement(replacement)})` : ''}: ${text}`;
  }
  return text;
}
