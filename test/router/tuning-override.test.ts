// The router tuning override: parsed and checked key by key, merged flag over scenario defence by defence,
// turned into what the router reads, and passed to every processor (and to a replacement) in FAULTLINE_CONFIG.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFENCES,
  DEFENCE_SPECS,
  RouterTuningError,
  hardenedTuning,
  hardenedTuningInput,
  mergeRouterTuning,
  parseRouterTuning,
  parseRouterTuningText,
  routerTuningText,
} from '../../services/router/index.ts';
import { scenarioSchema } from '../../harness/scenario/schema.ts';
import { validateScenario } from '../../harness/scenario/validate.ts';
import { applyOverrides } from '../../harness/scenario/overrides.ts';
import { checkRouterTuning } from '../../harness/scenario/router-tuning.ts';
import { servicePlan } from '../../harness/topology/embedded-plan.ts';
import { ScenarioError } from '../../harness/scenario/errors.ts';

function problem(input: unknown): string {
  try {
    parseRouterTuning(input);
  } catch (err) {
    assert.ok(err instanceof RouterTuningError, String(err));
    return err.message;
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

describe('router tuning override', () => {
  it('names seven defences, each with what off means', () => {
    assert.deepEqual([...DEFENCES], ['ejection', 'last_known_good', 'retry_budget', 'attempt_timeout', 'watch_idle_timeout', 'retries', 'lenient_parsing']);
    for (const d of DEFENCES) assert.ok(DEFENCE_SPECS[d].off.length > 20, d);
  });

  it('reads defences as off/on (or false/true) and knobs as numbers or names, in one spelling', () => {
    const t = parseRouterTuning({ attempt_timeout_ms: '300', retries: false, ejection: 'off', balancer: 'round_robin', lenient_parsing: 'on', retry_budget_ratio: 0.5 });
    assert.deepEqual(Object.entries(t), [
      ['ejection', 'off'],
      ['retries', 'off'],
      ['lenient_parsing', 'on'],
      ['balancer', 'round_robin'],
      ['retry_budget_ratio', 0.5],
      ['attempt_timeout_ms', 300],
    ]);
    assert.equal(routerTuningText(t), 'ejection=off,retries=off,lenient_parsing=on,balancer=round_robin,retry_budget_ratio=0.5,attempt_timeout_ms=300');
    assert.deepEqual(parseRouterTuning(undefined), {});
    assert.deepEqual(parseRouterTuning(null), {});
  });

  it('refuses an unknown key, a bad value, and a knob of a defence switched off, naming the key', () => {
    assert.match(problem({ ejections: 'off' }), /^ejections: not a defence nor a knob.*defences: ejection, last_known_good/);
    assert.match(problem({ ejection: 'maybe' }), /^ejection: a defence is "off" or "on"/);
    assert.match(problem({ ejection: 0 }), /^ejection: a defence is "off" or "on"/);
    assert.match(problem({ attempt_timeout_ms: 0 }), /^attempt_timeout_ms: must be an integer from 1 to 600000, got 0/);
    assert.match(problem({ attempt_timeout_ms: 2.5 }), /^attempt_timeout_ms: must be an integer/);
    assert.match(problem({ max_attempts: 11 }), /^max_attempts: must be an integer from 1 to 10/);
    assert.match(problem({ retry_budget_ratio: -1 }), /^retry_budget_ratio: must be a number from 0 to 10/);
    assert.match(problem({ balancer: 'random' }), /^balancer: must be one of round_robin, least_loaded/);
    assert.match(problem({ retries: 'off', max_attempts: 3 }), /^max_attempts: retries is off, so max_attempts would have no effect/);
    assert.match(problem({ relist_backoff_ms: 500, relist_backoff_max_ms: 100 }), /^relist_backoff_max_ms: must be at least relist_backoff_ms/);
    assert.match(problem(['ejection']), /must be an object/);
  });

  it('reads flag text: comma-separated pairs over repeated flags; a bare word or a key given twice differently is refused', () => {
    assert.deepEqual(parseRouterTuningText(['ejection=off, retries=off', 'attempt_timeout_ms=300']), { ejection: 'off', retries: 'off', attempt_timeout_ms: '300' });
    assert.throws(() => parseRouterTuningText(['ejection']), /"ejection" is not key=value/);
    assert.throws(() => parseRouterTuningText(['ejection=off', 'ejection=on']), /ejection: given twice/);
  });

  it('merges the flag over the scenario defence by defence: switching a defence drops its knobs, a knob drops its switch', () => {
    const scenario = parseRouterTuning({ eject_after_failures: 3, ejection_ms: 1000, retries: 'off', balancer: 'round_robin' });
    assert.deepEqual(mergeRouterTuning(scenario, parseRouterTuning({ ejection: 'off' })), { ejection: 'off', retries: 'off', balancer: 'round_robin' });
    assert.deepEqual(mergeRouterTuning(scenario, parseRouterTuning({ max_attempts: 2 })), { balancer: 'round_robin', eject_after_failures: 3, ejection_ms: 1000, max_attempts: 2 });
  });

  it('becomes the router tuning: knobs by field, the defences switched, the rest at the defaults', () => {
    const tuning = hardenedTuning(hardenedTuningInput(parseRouterTuning({ last_known_good: 'off', attempt_timeout_ms: 250, discovery_api: 'endpoints' })));
    assert.equal(tuning.attemptTimeoutMs, 250);
    assert.equal(tuning.discoveryApi, 'endpoints');
    assert.equal(tuning.defences.last_known_good, false);
    for (const d of DEFENCES.filter((x) => x !== 'last_known_good')) assert.equal(tuning.defences[d], true, d);
    assert.equal(tuning.ejectAfterFailures, 2);
    assert.deepEqual(hardenedTuning().defences, Object.fromEntries(DEFENCES.map((d) => [d, true])));
  });
});

describe('router tuning in a scenario', () => {
  const base = { name: 'tuned', description: 'x', traffic: { duration_s: 10 } };

  it('topology.router_tuning is checked when the scenario loads, naming the field', () => {
    const ok = validateScenario({ ...base, topology: { router_tuning: { ejection: false } } }, 'tuned.yaml');
    assert.deepEqual(ok.topology.router_tuning, { ejection: 'off' });
    assert.deepEqual(validateScenario(base, 'plain.yaml').topology.router_tuning, {});
    assert.throws(
      () => validateScenario({ ...base, topology: { router_tuning: { retries: 'sometimes' } } }, 'bad.yaml'),
      (err: unknown) => err instanceof ScenarioError && /bad\.yaml: topology\.router_tuning\.retries: a defence is "off" or "on"/.test(err.message),
    );
    assert.throws(
      () => validateScenario({ ...base, topology: { router_tuning: { ejecton: 'off' } } }, 'typo.yaml'),
      (err: unknown) => err instanceof ScenarioError && /typo\.yaml: topology\.router_tuning\.ejecton: not a defence nor a knob/.test(err.message),
    );
    assert.throws(
      () => validateScenario({ ...base, topology: { router: 'naive', router_tuning: { ejection: 'off' } } }, 'naive.yaml'),
      (err: unknown) => err instanceof ScenarioError && /naive\.yaml: topology\.router_tuning: tunes the hardened router \(ejection\); this run's router is naive/.test(err.message),
    );
  });

  it('--router-tuning merges over it, and a naive router or compose mode is refused before anything starts', () => {
    const scenario = validateScenario({ ...base, topology: { router_tuning: { eject_after_failures: 5 } } }, 'tuned.yaml');
    const tuned = applyOverrides(scenario, { routerTuning: parseRouterTuning({ ejection: 'off' }) });
    assert.deepEqual(tuned.topology.router_tuning, { ejection: 'off' });
    assert.deepEqual(scenario.topology.router_tuning, { eject_after_failures: 5 }, 'the loaded scenario is left as it was');
    checkRouterTuning(tuned);
    assert.throws(() => checkRouterTuning(applyOverrides(tuned, { router: 'naive' })), /topology\.router_tuning: tunes the hardened router/);
    assert.throws(() => checkRouterTuning(tuned, 'compose'), /works in embedded mode/);
    checkRouterTuning(applyOverrides(scenario, { router: 'hardened' }), 'embedded');
  });

  it('every processor gets it in FAULTLINE_CONFIG, a command replacing the processor too; other services do not', () => {
    const spec = scenarioSchema.parse({ ...base, topology: { processors: 2, router_tuning: { lenient_parsing: 'off' } } }).topology;
    const plans = servicePlan(spec, { seed: 1, replace: { 'card-processor': { command: 'node my-processor.js', health: '/health', ready_timeout: 20, env: {} } } }, { discoveryUrl: 'http://127.0.0.1:1', storeUrl: 'http://127.0.0.1:2' });
    const processors = plans.filter((p) => p.service === 'card-processor');
    assert.equal(processors.length, 2);
    for (const p of processors) {
      assert.deepEqual(p.config.router_tuning, { lenient_parsing: 'off' });
      assert.ok(p.replacement, 'replaced by a command');
      assert.deepEqual((JSON.parse(p.env.FAULTLINE_CONFIG ?? '{}') as { router_tuning?: unknown }).router_tuning, { lenient_parsing: 'off' });
    }
    for (const p of plans.filter((x) => x.service !== 'card-processor')) assert.equal(p.config.router_tuning, undefined, p.name);
  });
});
