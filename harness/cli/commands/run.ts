// `faultline run <scenario|file>`: load and check the scenario (exit 2 if bad), run it, print the summary
// and the run folder. Exit 0 passed, 1 a threshold/invariant/baseline failed, 3 the harness failed,
// 4 inconclusive (the machine shaped the numbers), 130 interrupted (what was measured is still written).
import path from 'node:path';
import { loadScenario } from '../../scenario/load.ts';
import { applyOverrides } from '../../scenario/overrides.ts';
import { onInterrupt } from '../signals.ts';
import { EXIT, exitCodeFor, UsageError } from '../exit-codes.ts';
import { printSummary } from '../print-summary.ts';
import { StartInterrupted } from '../../topology/errors.ts';
import { parseRunFlags } from '../run-flags.ts';
import { loadModel } from '../../traffic/load/registry.ts';
import { routerTuningText } from '../../../services/router/tuning-override.ts';
import { repeatRunCommand } from '../../runner/repeat-command.ts';

export async function runCommand(nameOrFile: string, o: Record<string, unknown>, out: (line: string) => void): Promise<number> {
  const { scenario: loaded } = await loadScenario(nameOrFile);
  // Every flag is parsed here, before anything starts; only typed values go down.
  const flags = parseRunFlags(o, loaded.replace);
  const scenario = applyOverrides(loaded, flags.overrides);
  if (flags.run.replay !== undefined && !loadModel(scenario.traffic.model).playsRecordings) {
    const from = flags.overrides.model !== undefined ? '--model' : 'the scenario';
    throw new UsageError(`--replay plays a recording on its own schedule, which the ${scenario.traffic.model} model (from ${from}) cannot: use --model open`);
  }
  const command = repeatRunCommand(scenario, { name: nameOrFile, flags: flags.repeat.flags, routerTuning: routerTuningText(flags.repeat.routerTuning ?? {}) });
  // The runner and the metrics server (undici, prom-client, the histograms, the checkers...) are loaded only now
  // that every flag and the scenario are known good: a usage error is answered without loading them.
  const [{ runScenario }, { startLiveMetrics }] = await Promise.all([import('../../runner/run.ts'), import('../live-metrics.ts')]);
  const live = await startLiveMetrics(flags.metrics, scenario, flags.run.mode);
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  try {
    const { summary, runDir } = await runScenario(scenario, {
      ...flags.run,
      command,
      signal: controller.signal,
      driverStall: stallFromEnv(process.env.FAULTLINE_TEST_DRIVER_STALL),
      metrics: live?.metrics,
    });
    live?.finish(summary);
    printSummary(summary, out);
    const rel = path.relative(process.cwd(), runDir) || runDir;
    out(`run folder: ${rel}${summary.files.report ? `  (report: ${path.join(rel, summary.files.report)})` : ''}`);
    await live?.linger(controller.signal);
    return exitCodeFor(summary);
  } catch (err) {
    // Ctrl-C before traffic: nothing was measured; every process the start had begun is stopped.
    if (err instanceof StartInterrupted) {
      process.stderr.write(`faultline: ${err.message}; nothing was measured\n`);
      return EXIT.interrupted;
    }
    throw err;
  } finally {
    await live?.close();
    release();
  }
}

/**
 * Test hook: FAULTLINE_TEST_DRIVER_STALL="<at seconds>:<ms>" blocks the driver's event loop once, so a test
 * can check that a stalled driver makes the run inconclusive without hoping the machine produces one.
 */
function stallFromEnv(raw: string | undefined): { at_s: number; ms: number } | undefined {
  if (!raw) return undefined;
  const m = /^(\d+(?:\.\d+)?):(\d+)$/.exec(raw);
  if (!m) throw new UsageError(`FAULTLINE_TEST_DRIVER_STALL must be "<at seconds>:<ms>", got "${raw}"`);
  return { at_s: Number(m[1]), ms: Number(m[2]) };
}
