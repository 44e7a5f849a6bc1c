// The runner: checks every input, makes the run folder, boots the topology, drives the run (drive.ts),
// and stops every process whatever happened. Ctrl-C (the signal) interrupts the traffic; the run still
// heals, checks and writes what it measured.
import path from 'node:path';
import type { Scenario } from '../scenario/schema.ts';
import type { RunningTopology } from '../topology/types.ts';
import { startEmbeddedTopology } from '../topology/embedded.ts';
import { preflightReplacements } from '../topology/replacement-preflight.ts';
import { checkReplacements } from '../scenario/validate.ts';
import { checkRouterTuning } from '../scenario/router-tuning.ts';
import { routerTuningText } from '../../services/router/tuning-override.ts';
import { loadBaselineSummary, loadTolerances, mergeTolerances } from '../gate/baseline.ts';
import type { BaselineInput } from '../gate/verdict.ts';
import { readReplay } from '../traffic/requests/replay.ts';
import { makeRunFolder } from './run-folder.ts';
import { checkOfferedRate } from '../traffic/load/registry.ts';
import { drive } from './drive.ts';
import type { RunContext, RunOptions, RunResult } from './context.ts';

export type { RunOptions, RunResult } from './context.ts';
export { HarnessError } from './context.ts';

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Everything that can be wrong with the input is checked before anything starts.
  checkReplacements(scenario, options.mode);
  checkRouterTuning(scenario, options.mode);
  const replayPlan = options.replay ? await readReplay(options.replay, { speed: options.speed ?? 1, shiftMs: -scenario.warmup_s * 1000, signal: options.signal, log }) : null;
  if (replayPlan) log(replayCoverage(replayPlan.duration_ms / 1000 - scenario.warmup_s, scenario.traffic.duration_s, replayPlan.speed));
  checkOfferedRate(scenario, replayPlan); // a rate this machine cannot drive: refused, not silently capped
  const baseline = await loadBaseline(scenario, options);

  const runDir = await makeRunFolder(scenario.name, scenario.topology.router, options.out);
  const startedAt = new Date().toISOString();
  log(
    `faultline: ${scenario.name} (router ${scenario.topology.router}${tuningNote(scenario)}, stand-in ${scenario.network.standin.enabled ? 'on' : 'off'}, seed ${scenario.seed}, ` +
      `warm-up ${scenario.warmup_s} s) -> ${path.relative(process.cwd(), runDir) || runDir}`,
  );

  let topology: RunningTopology | null = null;
  try {
    topology = await startTopology(scenario, options, log);
    log(`topology up in ${Math.round(topology.startupMs)} ms`);
    await preflightReplacements(scenario, topology); // faults a replacement cannot take: refused before traffic
    const ctx: RunContext = { scenario, options, log, runDir, startedAt, topology, baseline, replayPlan };
    const summary = await drive(ctx);
    return { summary, runDir };
  } finally {
    if (topology) await topology.stop();
  }
}

/** What part of a replay the run sends: it is cut at the run's duration, and a shorter one leaves a quiet end. */
export function replayCoverage(lastRequestS: number, durationS: number, speed: number): string {
  const at = speed === 1 ? '' : ` at --speed ${speed}`;
  const last = Math.round(lastRequestS * 1000) / 1000;
  if (last >= durationS) return `faultline: replay${at}: its requests after ${durationS} s of the measured part are not sent (the run lasts ${durationS} s; --duration sets it)`;
  return `faultline: replay${at}: its last request is at ${last} s, before the run ends at ${durationS} s: the rest of the run has no traffic (--duration ${Math.max(1, Math.ceil(last))}s ends it there)`;
}

async function loadBaseline(scenario: Scenario, options: RunOptions): Promise<BaselineInput | undefined> {
  if (!options.baseline) return undefined;
  return {
    summary: await loadBaselineSummary(options.baseline),
    file: options.baseline,
    tolerances: mergeTolerances(scenario.baseline_tolerances, options.tolerances ? await loadTolerances(options.tolerances) : {}),
  };
}

async function startTopology(scenario: Scenario, options: RunOptions, log: (line: string) => void): Promise<RunningTopology> {
  const opts = {
    seed: scenario.seed,
    defects: options.defects,
    replace: scenario.replace,
    log: process.env.FAULTLINE_DEBUG ? log : undefined,
    signal: options.signal,
  };
  if (options.mode === 'compose') {
    const { startComposeTopology } = await import('../topology/compose.ts');
    return startComposeTopology(scenario, opts);
  }
  return startEmbeddedTopology(scenario.topology, opts);
}

/** `, tuned ejection=off` when the router has a tuning override. */
function tuningNote(scenario: Scenario): string {
  const text = routerTuningText(scenario.topology.router_tuning);
  return text ? ` tuned ${text}` : '';
}
