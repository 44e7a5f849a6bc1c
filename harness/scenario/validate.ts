// Turns raw scenario input into a checked Scenario: the schema (unknown fields are errors), then the
// semantics the schema cannot say — fault kinds and their params, targets, windows, thresholds.
import type { z } from 'zod';
import { REPLACEABLE_SERVICES, scenarioSchema, type Scenario } from './schema.ts';
import { ScenarioError } from './errors.ts';
import { allowedTargets } from './targets.ts';
import { isScaled, replacementEntries, replacementFaultProblem, scaledField, settleReplicaCounts } from './replacements.ts';
import { faultKind, FAULT_KINDS } from '../faults/registry.ts'; // down a layer: faults/ imports nothing from scenario/
import { validateThresholds } from '../gate/thresholds.ts';
import { routerTuningProblem } from './router-tuning.ts';

export type LineOf = (path: Array<string | number>) => number | undefined;

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys' && issue.path.length === 1 && issue.path[0] === 'replace') {
    return `"${issue.keys[0]}" is not a service faultline can replace; replace one of ${REPLACEABLE_SERVICES.join(', ')}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

export function validateScenario(input: unknown, file: string, lineOf: LineOf = () => undefined): Scenario {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] as string] : issue.path;
    const cleanPath = path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
    throw new ScenarioError(file, fieldPath(issue.path), describeIssue(issue), lineOf(cleanPath));
  }
  const scenario = parsed.data;
  settleReplicaCounts(scenario.topology, scenario.replace);
  const tuningProblem = routerTuningProblem(scenario);
  if (tuningProblem) throw new ScenarioError(file, 'topology.router_tuning', tuningProblem, lineOf(['topology', 'router_tuning']));
  const duration = scenario.traffic.duration_s;
  const names = new Set<string>();
  scenario.faults.forEach((f, i) => {
    const at = (field: string): [string, number | undefined] => [`faults[${i}].${field}`, lineOf(['faults', i, field])];
    const fail = (field: string, problem: string): never => {
      const [name, line] = at(field);
      throw new ScenarioError(file, name, problem, line);
    };
    if (names.has(f.name)) fail('name', `duplicate fault name "${f.name}"`);
    names.add(f.name);
    const kind = faultKind(f.fault);
    if (!kind) fail('fault', `unknown fault kind "${f.fault}"; known: ${[...FAULT_KINDS.keys()].join(', ')}`);
    const k = kind as NonNullable<typeof kind>;
    const refused = replacementFaultProblem(f, scenario.replace);
    if (refused) fail('target', refused);
    const allowed = allowedTargets(k, scenario.topology);
    if (!allowed.includes(f.target)) fail('target', `"${f.target}" is not a target of ${f.fault}; expected one of ${allowed.join(', ')}`);
    if (f.end_s <= f.start_s) fail('end_s', `the window must end after it starts (start_s ${f.start_s}, end_s ${f.end_s})`);
    if (f.end_s > duration) fail('end_s', `the window ends at ${f.end_s} s, after the traffic ends (duration_s ${duration})`);
    const params = k.params.safeParse(f.params);
    if (!params.success) {
      const issue = params.error.issues[0] as z.core.$ZodIssue;
      const sub = issue.code === 'unrecognized_keys' ? `unknown param${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue.message;
      const [name, line] = at(`params${issue.path.length ? '.' + fieldPath(issue.path) : ''}`);
      throw new ScenarioError(file, name, sub, line ?? lineOf(['faults', i]));
    }
  });
  // The same kind of fault on the same target twice at once makes no sense to heal: refuse overlaps.
  for (let i = 0; i < scenario.faults.length; i++) {
    for (let j = i + 1; j < scenario.faults.length; j++) {
      const a = scenario.faults[i] as Scenario['faults'][number];
      const b = scenario.faults[j] as Scenario['faults'][number];
      if (a.fault === b.fault && a.target === b.target && a.start_s < b.end_s && b.start_s < a.end_s) {
        throw new ScenarioError(file, `faults[${j}]`, `overlaps "${a.name}": the same fault (${a.fault}) on the same target (${a.target})`, lineOf(['faults', j]));
      }
    }
  }
  try {
    validateThresholds(scenario.thresholds, { faults: scenario.faults.map((f) => f.name) });
  } catch (err) {
    throw new ScenarioError(file, 'thresholds', (err as Error).message, lineOf(['thresholds']));
  }
  // Recovery is measured after a window ends: a window that lasts to the end of traffic has none.
  for (const key of Object.keys(scenario.thresholds)) {
    const m = /^recovery_seconds\{fault:([^,}]+)\}$/.exec(key);
    const fault = m ? scenario.faults.find((f) => f.name === m[1]) : undefined;
    if (fault && fault.end_s >= duration) {
      throw new ScenarioError(file, `thresholds.${key}`, `fault ${fault.name} lasts to the end of traffic (end_s ${fault.end_s}): there is no after phase to recover in`, lineOf(['thresholds', key]));
    }
  }
  return scenario;
}

/**
 * The checks replacements and replica counts need once every override is applied (--replace, --replace-url
 * and --replicas come after the file was validated): replacements in embedded mode only, no process fault
 * on a URL replacement, and every fault target still a replica of the topology. Throws a ScenarioError (exit 2).
 */
export function checkReplacements(scenario: Scenario, mode: 'embedded' | 'compose' = 'embedded'): void {
  const file = scenario.name;
  const replaced = replacementEntries(scenario.replace);
  if (mode === 'compose' && replaced.length > 0) {
    throw new ScenarioError(file, 'replace', `replacing ${replaced.map(([s]) => s).join(', ')} works in embedded mode; in compose mode replace a service in compose/docker-compose.override.yml`);
  }
  for (const [service, r] of replaced) {
    const count = isScaled(service) ? scenario.topology[scaledField(service)] : 1;
    if (r.url !== undefined && count !== 1) throw new ScenarioError(file, `replace.${service}`, `a URL is one replica, but the topology has ${count} ${service} replicas`);
  }
  scenario.faults.forEach((f, i) => {
    const refused = replacementFaultProblem(f, scenario.replace);
    if (refused) throw new ScenarioError(file, `faults[${i}].target`, `fault "${f.name}": ${refused}`);
    const kind = faultKind(f.fault);
    const allowed = kind ? allowedTargets(kind, scenario.topology) : [];
    if (kind && !allowed.includes(f.target)) {
      throw new ScenarioError(file, `faults[${i}].target`, `"${f.target}" is not a target of ${f.fault} with these replicas; expected one of ${allowed.join(', ')}`);
    }
  });
}
