// Right after the topology is up and before any traffic: can every fault window that targets a
// replacement act on it? (A process fault on a URL replacement is refused earlier, from the scenario
// alone: checkReplacements in harness/scenario/validate.ts.) A kind that declares an admin route it needs
// (faults/types.ts's FaultNeeds: an HTTP fault's /__admin/http-faults, a mesh restart's /__admin/router) is
// set through that route on the replica itself: a replacement that answers 404 there does not implement
// it, and the run is refused naming the fault and the replacement.
import { faultKind } from '../faults/registry.ts';
import { ScenarioError } from '../scenario/errors.ts';
import { describeReplacement, isReplaceable } from '../scenario/replacements.ts';
import type { Scenario } from '../scenario/schema.ts';
import { httpStatus } from './health.ts';
import type { ReplicaInfo, TopologyControl } from './types.ts';

export async function preflightReplacements(scenario: Pick<Scenario, 'name' | 'faults' | 'replace'>, topology: TopologyControl): Promise<void> {
  for (const [i, window] of scenario.faults.entries()) {
    const route = faultKind(window.fault)?.needs.adminRoute;
    if (route === undefined) continue; // the kind acts from outside the replica (proxy, discovery, process)
    for (const replica of topology.resolveTarget(window.target)) {
      const r = isReplaceable(replica.service) ? scenario.replace[replica.service] : undefined;
      if (!r) continue;
      const problem = await adminRouteProblem(replica, route);
      if (problem) {
        const what = `${replica.name} (${replica.service} replaced by ${describeReplacement(r)})`;
        throw new ScenarioError(scenario.name, `faults[${i}]`, `fault "${window.name}" (${window.fault} on ${window.target}) is refused before traffic: ${what} ${problem}`);
      }
    }
  }
}

async function adminRouteProblem(replica: ReplicaInfo, route: string): Promise<string | null> {
  const url = `${replica.directUrl}${route}`;
  const what = `faultline's admin route ${route} (its contract's x-faultline-needed-for names the fault kinds that need it)`;
  try {
    const status = await httpStatus(url, 3000);
    if (status === 404) return `answers 404 to GET ${route}: this fault needs ${what}, which it does not implement`;
    if (status >= 400) return `answers ${status} to GET ${route}: this fault needs ${what}`;
    return null;
  } catch (err) {
    return `did not answer GET ${url} (${(err as Error).message}): this fault needs ${what}`;
  }
}
