// Right after the topology is up and before any traffic: can every fault window that targets a
// replacement act on it? (A process fault on a URL replacement is refused earlier, from the scenario
// alone: checkReplacements in harness/scenario/validate.ts.) An HTTP fault (http.*, Envoy-style) is set through faultline's HTTP-fault admin route on the replica itself, and a
// mesh restart (router.*) through the processor's router admin route: a replacement that answers 404
// there does not implement it, and the run is refused naming the fault and the replacement.
import { HTTP_FAULTS_PATH } from '../../services/common/http-faults.ts';
import { ScenarioError } from '../scenario/errors.ts';
import { describeReplacement, isReplaceable } from '../scenario/replacements.ts';
import type { Scenario } from '../scenario/schema.ts';
import { httpStatus } from './health.ts';
import type { ReplicaInfo, TopologyControl } from './types.ts';

/** The admin route a fault family needs on the replica, and where it is documented. */
const ADMIN_ROUTES: Record<string, { path: string; what: string }> = {
  http: { path: HTTP_FAULTS_PATH, what: "faultline's HTTP-fault admin route (services/common/http-faults.ts)" },
  router: { path: '/__admin/router', what: "the router admin route a mesh restart posts to (/__admin/router/restart)" },
};

export async function preflightReplacements(scenario: Pick<Scenario, 'name' | 'faults' | 'replace'>, topology: TopologyControl): Promise<void> {
  for (const [i, window] of scenario.faults.entries()) {
    const route = ADMIN_ROUTES[window.fault.split('.')[0] ?? ''];
    if (!route) continue; // network, discovery and process faults act from outside the replica
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

async function adminRouteProblem(replica: ReplicaInfo, route: { path: string; what: string }): Promise<string | null> {
  const url = `${replica.directUrl}${route.path}`;
  try {
    const status = await httpStatus(url, 3000);
    if (status === 404) return `answers 404 to GET ${route.path}: this fault needs ${route.what}, which it does not implement`;
    if (status >= 400) return `answers ${status} to GET ${route.path}: this fault needs ${route.what}`;
    return null;
  } catch (err) {
    return `did not answer GET ${url} (${(err as Error).message}): this fault needs ${route.what}`;
  }
}
