// A scenario's `topology.router_tuning` (and `--router-tuning`): switch a defence of the hardened router off
// or set one of its knobs, without a code edit (services/router/tuning-override.ts has the format and
// defences.ts what "off" means per defence). Checked when the scenario loads (a bad key or value names
// the field) and again once the command line's overrides are applied (a naive router has none of these
// defences; compose mode does not pass it yet).
import { z } from 'zod';
import { parseRouterTuning, RouterTuningError, type RouterTuning } from '../../services/router/tuning-override.ts';
import { ScenarioError } from './errors.ts';
import type { Scenario } from './schema.ts';

export const routerTuningSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .transform((value, ctx): RouterTuning => {
    try {
      return parseRouterTuning(value);
    } catch (err) {
      if (!(err instanceof RouterTuningError)) throw err;
      ctx.addIssue({ code: 'custom', path: err.key ? [err.key] : [], message: err.problem });
      return z.NEVER;
    }
  });

/** Why the scenario's router tuning cannot run as asked, or null. */
export function routerTuningProblem(scenario: Pick<Scenario, 'topology'>, mode: 'embedded' | 'compose' = 'embedded'): string | null {
  const keys = Object.keys(scenario.topology.router_tuning);
  if (keys.length === 0) return null;
  if (scenario.topology.router !== 'hardened') return `tunes the hardened router (${keys.join(', ')}); this run's router is ${scenario.topology.router}, which has none of these defences`;
  if (mode === 'compose') return 'works in embedded mode; compose/docker-compose.yml does not pass it to the processors';
  return null;
}

/** Throws a ScenarioError (exit 2) when the tuning cannot run as asked. */
export function checkRouterTuning(scenario: Scenario, mode: 'embedded' | 'compose' = 'embedded'): void {
  const problem = routerTuningProblem(scenario, mode);
  if (problem) throw new ScenarioError(scenario.name, 'topology.router_tuning', problem);
}
