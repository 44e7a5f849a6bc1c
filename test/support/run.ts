// Runs a catalog scenario, shortened for tests, into a temporary run folder.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadScenario } from '../../harness/scenario/load.ts';
import { applyOverrides, type ScenarioOverrides } from '../../harness/scenario/overrides.ts';
import { runScenario, type RunOptions, type RunResult } from '../../harness/runner/run.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { RELAXED_VALIDITY } from './validity.ts';

export async function runShort(
  name: string,
  overrides: ScenarioOverrides,
  options: RunOptions = {},
  edit?: (s: Scenario) => Scenario,
): Promise<RunResult> {
  const { scenario } = await loadScenario(name);
  // Tests keep the warm-up short (1 s) unless they say otherwise: it is a test of the run, not of the machine.
  let s = applyOverrides(scenario, { warmup: 1, ...overrides });
  // A test checks behaviour, not the machine (see validity.ts): unless the test sets its own limits.
  s = { ...s, validity: { ...RELAXED_VALIDITY, ...s.validity } };
  if (edit) s = edit(s);
  const out = await mkdtemp(path.join(os.tmpdir(), `faultline-${name}-`));
  return runScenario(s, { out, progress: false, log: () => {}, ...options });
}

export function invariant(result: RunResult, name: string): { ok: boolean; offending: string[]; detail: string } {
  const found = result.summary.invariants.find((i) => i.name === name);
  if (!found) throw new Error(`no invariant named ${name}; have ${result.summary.invariants.map((i) => i.name).join(', ')}`);
  return found;
}

/**
 * Runs until the named invariant is judged (valid or invalid), at most `attempts` times. An invariant is
 * `unknown` when the run produced no evidence either way (e.g. no conflicting retry got an answer because a
 * loaded CI machine made every one time out): an honest verdict for the product, but no claim for a test.
 * Each attempt is a whole new run; the last run is returned whatever it said, so the test's own assertion
 * names what went wrong.
 */
export async function runUntilJudged(
  invariantName: string,
  attempts: number,
  run: () => Promise<RunResult>,
): Promise<RunResult> {
  let result = await run();
  for (let i = 1; i < attempts && result.summary.invariants.find((x) => x.name === invariantName)?.validity === 'unknown'; i++) {
    result = await run();
  }
  return result;
}
