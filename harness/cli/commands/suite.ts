// `faultline suite <name>`: run each scenario of a suite in turn (each in its own run folder), then write
// one index page linking every run and a combined junit.xml. A run that comes out inconclusive (its own
// health says the machine shaped the numbers) is run once more, and the suite says so; only the second
// run counts. Exit 1 if any run failed, else 4 if any stayed inconclusive, 130 if interrupted.
// Only sound runs are written as baselines: never a failed, inconclusive, distorted or interrupted one.
import path from 'node:path';
import { createReadStream, existsSync } from 'node:fs';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { prepareOutputFolder } from '../../files/output-folder.ts';
import { loadSuites } from '../../runner/suites.ts';
import { loadScenario } from '../../scenario/load.ts';
import { applyOverrides } from '../../scenario/overrides.ts';
import { runScenario } from '../../runner/run.ts';
import { checkOfferedRate } from '../../traffic/load/registry.ts';
import { REPORTS_DIR, timestamp } from '../../runner/run-folder.ts';
import { writeSuiteIndex, type SuiteRun } from '../../report/suite-index.ts';
import { onInterrupt } from '../signals.ts';
import { StartInterrupted } from '../../topology/errors.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Summary } from '../../summary/types.ts';
import { loadBaselineSummary, unsoundBaselineReason } from '../../gate/baseline.ts';
import { repeatRunCommand } from '../../runner/repeat-command.ts';

export async function suiteCommand(name: string, o: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const suites = await loadSuites();
  const suite = suites[name];
  if (!suite) throw new UsageError(`no suite named "${name}"; known: ${Object.keys(suites).join(', ')}`);
  // Load every scenario first: a bad one is exit 2 before anything runs.
  const planned = [];
  for (const run of suite.runs) {
    const { scenario } = await loadScenario(run.scenario);
    const overridden = applyOverrides(scenario, { router: run.router, standin: run.standin, duration: run.duration, rate: run.rate });
    checkOfferedRate(overridden);
    planned.push({ label: run.label ?? run.scenario, scenario: overridden });
  }
  if (o.baselineDir && !existsSync(o.baselineDir)) throw new UsageError(`--baseline-dir ${o.baselineDir} does not exist`);
  // Every baseline is read and checked before the first run: against the summary schema, and for soundness
  // (an unsound one — failed, inconclusive, distorted, interrupted — is refused); exit 2 naming the file.
  // Every output folder is proven writable first too: nothing fails after an hour.
  if (o.baselineDir) {
    for (const { label } of planned) {
      const file = path.join(o.baselineDir, `${label}.json`);
      if (existsSync(file)) await loadBaselineSummary(file);
    }
  }
  const suiteDir = await prepareOutputFolder(o.out ?? path.join(REPORTS_DIR, 'suites', `${timestamp()}-${name}`), '--out');
  if (o.writeBaselines) await prepareOutputFolder(o.writeBaselines, '--write-baselines');
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  const runs: SuiteRun[] = [];
  const labels: string[] = [];
  const verdictLine = (summary: Summary, seconds: number): string =>
    `  ${summary.verdict === 'passed' ? 'passed' : summary.verdict.toUpperCase()} in ${seconds} s: success ${(summary.authorizations.success_rate * 100).toFixed(2)}%` +
    (summary.verdict === 'passed' ? '' : ` — ${summary.reasons.join('; ')}`);
  try {
    for (const { label, scenario } of planned) {
      if (controller.signal.aborted) break;
      const baselineFile = o.baselineDir ? path.join(o.baselineDir, `${label}.json`) : undefined;
      const runOnce = async (attempt: number): Promise<{ summary: Summary; runDir: string }> => {
        const started = Date.now();
        const result = await runScenario(scenario, {
          out: path.join(suiteDir, attempt === 1 ? label : `${label}-rerun`),
          baseline: baselineFile && existsSync(baselineFile) ? baselineFile : undefined,
          tolerances: o.tolerances,
          signal: controller.signal,
          progress: false,
          command: repeatRunCommand(scenario),
        });
        out(verdictLine(result.summary, Math.round((Date.now() - started) / 1000)));
        return result;
      };
      out(`suite ${name}: ${label}…`);
      let result: { summary: Summary; runDir: string };
      try {
        result = await runOnce(1);
      } catch (err) {
        if (!(err instanceof StartInterrupted)) throw err;
        out(`  ${label}: ${err.message}; not run`); // Ctrl-C before its traffic: the suite ends with what it has
        break;
      }
      if (result.summary.verdict === 'inconclusive' && !result.summary.incomplete && !controller.signal.aborted) {
        out(`  ${label} was inconclusive (${result.summary.validity.reasons[0] ?? 'run health'}): running it once more`);
        result = await runOnce(2).catch((err: unknown) => {
          if (err instanceof StartInterrupted) return result; // Ctrl-C before the rerun's traffic: the first run stands
          throw err;
        });
        if (result.summary.verdict === 'inconclusive') out(`  ${label} is inconclusive twice: this machine cannot give it a verdict now`);
      }
      runs.push(result);
      labels.push(label);
    }
  } finally {
    release();
  }
  const index = await writeSuiteIndex(suiteDir, runs, `faultline suite ${name}`);
  if (o.writeBaselines) {
    let written = 0;
    let refused = 0;
    for (const [i, run] of runs.entries()) {
      const label = labels[i] ?? run.summary.scenario;
      const target = path.join(o.writeBaselines, `${label}.json`);
      const unsound = unsoundBaselineReason(run.summary);
      if (unsound) {
        out(`  not written as a baseline: ${target}: ${unsound}${existsSync(target) ? ' (the file already there is kept)' : ''}`);
        refused++;
        continue;
      }
      // Replaced whole or not at all: a failed copy keeps the previous baseline.
      await writeFileAtomic(target, createReadStream(path.join(run.runDir, 'summary.json')));
      written++;
    }
    out(`wrote ${written} baselines to ${o.writeBaselines}${refused ? `; ${refused} run${refused === 1 ? ' was' : 's were'} not sound enough to be one` : ''}`);
  }
  const failed = runs.filter((r) => r.summary.verdict === 'failed').length;
  const inconclusive = runs.filter((r) => r.summary.verdict === 'inconclusive').length;
  const passed = runs.length - failed - inconclusive;
  out(
    `suite ${name}: ${passed}/${runs.length} passed${failed ? `, ${failed} failed` : ''}${inconclusive ? `, ${inconclusive} inconclusive` : ''} — ` +
      path.relative(process.cwd(), path.join(suiteDir, 'index.html')),
  );
  void index;
  if (failed > 0) return EXIT.failed;
  if (controller.signal.aborted || runs.length < planned.length) return EXIT.interrupted;
  return inconclusive > 0 ? EXIT.inconclusive : EXIT.passed;
}
