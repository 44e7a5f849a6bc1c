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
 * Runs again while `again(result)` names a reason, at most `attempts` runs in all. For runs whose evidence a
 * loaded machine can take away (see runUntilJudged, runWithIssuerAnswers); each attempt is a whole new run, and
 * the last one is returned whatever it said, so the test's own assertion names what went wrong.
 */
export async function runWhile<R>(again: (result: R) => string | false, attempts: number, run: () => Promise<R>): Promise<R> {
  let result = await run();
  for (let i = 1; i < attempts; i++) {
    const reason = again(result);
    if (reason === false) break;
    console.log(`run ${i} of at most ${attempts} is repeated: ${reason}`);
    result = await run();
  }
  return result;
}

/**
 * Runs until the named invariant is judged (valid or invalid), at most `attempts` times. An invariant is
 * `unknown` when the run produced no evidence either way (e.g. no conflicting retry got an answer because a
 * loaded CI machine made every one time out): an honest verdict for the product, but no claim for a test.
 */
export function runUntilJudged(invariantName: string, attempts: number, run: () => Promise<RunResult>): Promise<RunResult> {
  return runWhile(
    (r) => r.summary.invariants.find((x) => x.name === invariantName)?.validity === 'unknown' && `${invariantName} was not judged`,
    attempts,
    run,
  );
}

/**
 * Runs until the issuer itself answered every authorization, at most `attempts` times. A run in which the card
 * network stood in (the issuer missed its deadline) on a fault-free scenario shows a machine too busy for the
 * pipeline to answer in time, not the pipeline's decisions: a test of those decisions runs it again.
 */
export function runWithIssuerAnswers(attempts: number, run: () => Promise<RunResult>): Promise<RunResult> {
  return runWhile(
    (r) => {
      const a = r.summary.authorizations;
      const stoodIn = a.standin_approved + a.standin_declined;
      return stoodIn > 0 && `the card network stood in for ${stoodIn} of ${a.total} authorizations (the issuer missed its deadline)`;
    },
    attempts,
    run,
  );
}
