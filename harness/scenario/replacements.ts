// What a scenario's `replace:` block means for the rest of the run: how many replicas each service has
// (a replacement's `replicas` sets the topology's count; a URL is one replica), which fault windows
// cannot act on a replacement (a process fault on a service faultline did not start), and how a
// replacement is named in messages, the summary and the report.
import { faultKind } from '../faults/registry.ts';
import type { ReplacedService } from '../summary/types.ts';
import { isReplaceable, isScaled, isService, REPLACEABLE_SERVICES, SCALED_SERVICES, scaledField, type ScaledService } from '../../services/catalogue.ts';
import type { Replacement, Replacements, ReplaceableService, Scenario, TopologySpec } from './schema.ts';

/** The services that scale (services/catalogue.ts), and the topology field holding their replica count (scaledField). */
export { isReplaceable, isScaled, SCALED_SERVICES, scaledField, type ScaledService };

/** The replacements present, in a stable order. */
export function replacementEntries(replace: Replacements): Array<[ReplaceableService, Replacement]> {
  return REPLACEABLE_SERVICES.flatMap((service) => {
    const r = replace[service];
    return r ? [[service, r] as [ReplaceableService, Replacement]] : [];
  });
}

/**
 * Settles replica counts in place: `counts` (from --replicas) first, then a replacement's own `replicas`;
 * a URL replacement is one replica, and a command replacement records the count it will be started with.
 */
export function settleReplicaCounts(topology: TopologySpec, replace: Replacements, counts: Partial<Record<ScaledService, number>> = {}): void {
  for (const service of SCALED_SERVICES) {
    const field = scaledField(service);
    const r = replace[service];
    const wanted = counts[service] ?? r?.replicas;
    if (wanted !== undefined) topology[field] = wanted;
    if (r?.url !== undefined) topology[field] = 1;
    if (r) r.replicas = topology[field];
  }
  for (const [service, r] of replacementEntries(replace)) if (!isScaled(service)) r.replicas = 1;
}

/** `command "node my-ledger.js"` or `the URL http://127.0.0.1:9000`. */
export function describeReplacement(r: Replacement): string {
  return r.url !== undefined ? `the URL ${r.url}` : `command "${r.command ?? ''}"`;
}

/** The service a fault target belongs to: `ledger-2` -> `ledger`, `ledger-store` -> `ledger-store`. */
export function serviceOfTarget(target: string): string {
  if (isService(target)) return target;
  const m = /^(.*)-\d+$/.exec(target);
  return m ? (m[1] as string) : target;
}

/** Why a fault window cannot run against the scenario's replacements (before anything starts), or null. */
export function replacementFaultProblem(window: { fault: string; target: string }, replace: Replacements): string | null {
  const service = serviceOfTarget(window.target);
  const r = isReplaceable(service) ? replace[service] : undefined;
  if (!r || r.url === undefined) return null;
  // Only a kind that acts on a replica's process (its declared needs) is refused: a URL gives faultline none.
  if (!faultKind(window.fault)?.needs.processControl) return null;
  return (
    `${window.fault} on ${window.target} is refused: ${service} is replaced by ${describeReplacement(r)}, a service faultline did not start, ` +
    `so it has no process to signal or restart (replace it by a command to use process faults)`
  );
}

/** summary.replaced: which services were replaced, by what, and how many replicas ran. */
export function replacedServices(scenario: Pick<Scenario, 'replace' | 'topology'>): ReplacedService[] {
  return replacementEntries(scenario.replace).map(([service, r]) => ({
    service,
    by: r.url !== undefined ? 'url' : 'command',
    what: r.url ?? r.command ?? '',
    replicas: isScaled(service) ? scenario.topology[scaledField(service)] : 1,
  }));
}
