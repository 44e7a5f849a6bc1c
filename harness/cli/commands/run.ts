// `faultline run <scenario|file>`: load and check the scenario (exit 2 if bad), run it, print the summary
// and the run folder. Exit 0 passed, 1 a threshold/invariant/baseline failed, 3 the harness failed,
// 4 inconclusive (the machine shaped the numbers), 130 interrupted (what was measured is still written).
import path from 'node:path';
import { loadScenario } from '../../scenario/load.ts';
import { applyOverrides } from '../../scenario/overrides.ts';
import { runScenario } from '../../runner/run.ts';
import { onInterrupt } from '../signals.ts';
import { EXIT, exitCodeFor, UsageError } from '../exit-codes.ts';
import { durationFlag, positiveNumber, seedFlag } from '../flags.ts';
import { printSummary } from '../print-summary.ts';
import { StartInterrupted } from '../../topology/errors.ts';
import { replaceFlags } from '../replace-flags.ts';
import type { RouterPolicy } from '../../scenario/schema.ts';
import { startLiveMetrics } from '../live-metrics.ts';
import { routerTuningFlag } from '../router-tuning-flag.ts';
import { routerTuningText } from '../../../services/router/tuning-override.ts';
import { repeatRunCommand } from '../../runner/repeat-command.ts';

export async function runCommand(nameOrFile: string, o: Record<string, unknown>, out: (line: string) => void): Promise<number> {
  const { scenario: loaded } = await loadScenario(nameOrFile);
  if (o.replay === undefined && o.speed !== undefined) throw new UsageError('--speed applies to --replay only');
  const seed = seedFlag(o.seed);
  const { replace, replicas } = replaceFlags(o, loaded.replace);
  const routerTuning = routerTuningFlag(o.routerTuning);
  const scenario = applyOverrides(loaded, {
    duration: durationFlag('--duration', o.duration, { max: 3600 }),
    warmup: durationFlag('--warmup', o.warmup, { max: 600, allowZero: true }),
    rate: positiveNumber('--rate', o.rate, { max: 50_000 }),
    seed,
    router: o.router as RouterPolicy | undefined,
    standin: o.standin as boolean | undefined,
    model: o.model as 'open' | 'closed' | undefined,
    connections: positiveNumber('--connections', o.connections, { integer: true, max: 1000 }),
    replace,
    replicas,
    routerTuning,
  });
  const speed = speedFlag(o.speed);
  const live = await startLiveMetrics(o, scenario, (o.mode as 'embedded' | 'compose' | undefined) ?? 'embedded');
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  try {
    const { summary, runDir } = await runScenario(scenario, {
      out: o.out as string | undefined,
      replay: o.replay as string | undefined,
      speed,
      mode: (o.mode as 'embedded' | 'compose' | undefined) ?? 'embedded',
      baseline: o.baseline as string | undefined,
      tolerances: o.tolerances as string | undefined,
      report: o.report !== false,
      command: repeatRunCommand(scenario, { name: nameOrFile, flags: o, routerTuning: routerTuningText(routerTuning ?? {}) }),
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

/** --speed's range: 100× a recording's pace, or a hundredth of it (a 10 s recording then lasts 17 min). */
export const SPEED_RANGE = { min: 0.01, max: 100 } as const;

function speedFlag(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const speed = Number(raw);
  if (!Number.isFinite(speed) || speed < SPEED_RANGE.min || speed > SPEED_RANGE.max) {
    throw new UsageError(`--speed must be a number from ${SPEED_RANGE.min} to ${SPEED_RANGE.max} (1 = as recorded, 2 = twice as fast), got "${String(raw)}"`);
  }
  return speed;
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
