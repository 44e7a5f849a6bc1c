// `faultline suite <name>`: run each scenario of a suite in turn (each in its own run folder), then write
// one index page linking every run and a combined junit.xml. Exit 1 if any run failed.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { loadSuites } from '../../runner/suites.ts';
import { loadScenario } from '../../scenario/load.ts';
import { applyOverrides } from '../../runner/overrides.ts';
import { runScenario } from '../../runner/run.ts';
import { REPORTS_DIR, timestamp } from '../../runner/run-folder.ts';
import { writeSuiteIndex, type SuiteRun } from '../../report/suite-index.ts';
import { onInterrupt } from '../signals.ts';
import { EXIT, UsageError } from '../exit-codes.ts';

export async function suiteCommand(name: string, o: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const suites = await loadSuites();
  const suite = suites[name];
  if (!suite) throw new UsageError(`no suite named "${name}"; known: ${Object.keys(suites).join(', ')}`);
  // Load every scenario first: a bad one is exit 2 before anything runs.
  const planned = [];
  for (const run of suite.runs) {
    const { scenario } = await loadScenario(run.scenario);
    planned.push({ label: run.label ?? run.scenario, scenario: applyOverrides(scenario, { router: run.router, standin: run.standin, duration: run.duration, rate: run.rate }) });
  }
  if (o.baselineDir && !existsSync(o.baselineDir)) throw new UsageError(`--baseline-dir ${o.baselineDir} does not exist`);
  const suiteDir = path.resolve(o.out ?? path.join(REPORTS_DIR, 'suites', `${timestamp()}-${name}`));
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  const runs: SuiteRun[] = [];
  try {
    for (const { label, scenario } of planned) {
      if (controller.signal.aborted) break;
      const baselineFile = o.baselineDir ? path.join(o.baselineDir, `${label}.json`) : undefined;
      out(`suite ${name}: ${label}…`);
      const started = Date.now();
      const { summary, runDir } = await runScenario(scenario, {
        out: path.join(suiteDir, label),
        baseline: baselineFile && existsSync(baselineFile) ? baselineFile : undefined,
        tolerances: o.tolerances,
        signal: controller.signal,
        progress: false,
        command: `npx faultline run ${scenario.name} --seed ${scenario.seed} --router ${scenario.topology.router} ${scenario.network.standin.enabled ? '--standin' : '--no-standin'}`,
      });
      runs.push({ runDir, summary });
      out(`  ${summary.passed ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s: success ${(summary.authorizations.success_rate * 100).toFixed(2)}%${summary.passed ? '' : ` — ${summary.verdict.join('; ')}`}`);
    }
  } finally {
    release();
  }
  const index = await writeSuiteIndex(suiteDir, runs, `faultline suite ${name}`);
  if (o.writeBaselines) {
    await mkdir(o.writeBaselines, { recursive: true });
    for (const [i, run] of runs.entries()) {
      const label = planned[i]?.label ?? run.summary.scenario;
      await copyFile(path.join(run.runDir, 'summary.json'), path.join(o.writeBaselines, `${label}.json`));
    }
    out(`wrote ${runs.length} baselines to ${o.writeBaselines}`);
  }
  const failed = runs.filter((r) => !r.summary.passed).length;
  out(`suite ${name}: ${runs.length - failed}/${runs.length} passed — ${path.relative(process.cwd(), path.join(suiteDir, 'index.html'))}`);
  void index;
  return failed === 0 && runs.length === planned.length ? EXIT.passed : EXIT.failed;
}
