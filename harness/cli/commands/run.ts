// `faultline run <scenario|file>`: load and check the scenario (exit 2 if bad), run it, print the summary
// and the run folder. Exit 0 passed, 1 a threshold/invariant/baseline failed, 3 the harness failed.
import path from 'node:path';
import { loadScenario } from '../../scenario/load.ts';
import { applyOverrides, positiveNumber } from '../../runner/overrides.ts';
import { runScenario } from '../../runner/run.ts';
import { onInterrupt } from '../signals.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { printSummary } from '../print-summary.ts';
import type { RouterPolicy } from '../../scenario/schema.ts';

export async function runCommand(nameOrFile: string, o: Record<string, unknown>, out: (line: string) => void): Promise<number> {
  const { scenario: loaded } = await loadScenario(nameOrFile);
  if (o.replay === undefined && o.speed !== undefined) throw new UsageError('--speed applies to --replay only');
  const seed = o.seed === undefined ? undefined : Number(o.seed);
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new UsageError(`--seed must be a non-negative integer, got "${String(o.seed)}"`);
  const scenario = applyOverrides(loaded, {
    duration: positiveNumber('--duration', o.duration, { max: 3600 }),
    rate: positiveNumber('--rate', o.rate, { max: 50_000 }),
    seed,
    router: o.router as RouterPolicy | undefined,
    standin: o.standin as boolean | undefined,
    model: o.model as 'open' | 'closed' | undefined,
    connections: positiveNumber('--connections', o.connections, { integer: true, max: 1000 }),
  });
  const speed = positiveNumber('--speed', o.speed, { max: 1000 });
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
      command: repeatCommand(nameOrFile, scenario.seed, scenario.topology.router, scenario.network.standin.enabled, o),
      signal: controller.signal,
    });
    printSummary(summary, out);
    const rel = path.relative(process.cwd(), runDir) || runDir;
    out(`run folder: ${rel}${summary.files.report ? `  (report: ${path.join(rel, summary.files.report)})` : ''}`);
    return summary.passed ? EXIT.passed : EXIT.failed;
  } finally {
    release();
  }
}

function repeatCommand(name: string, seed: number, router: string, standin: boolean, o: Record<string, unknown>): string {
  const parts = ['npx faultline run', name, `--seed ${seed}`, `--router ${router}`, standin ? '--standin' : '--no-standin'];
  for (const flag of ['duration', 'rate', 'replay', 'speed', 'model', 'connections', 'mode', 'baseline'] as const) {
    if (o[flag] !== undefined && !(flag === 'mode' && o[flag] === 'embedded')) parts.push(`--${flag} ${String(o[flag])}`);
  }
  return parts.join(' ');
}
