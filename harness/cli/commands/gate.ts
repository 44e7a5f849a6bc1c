// `faultline gate <run> [--baseline <summary.json>]`: re-evaluate a finished run's thresholds and compare it
// with a baseline, without running traffic again. Exit 1 when anything fails; the report and junit.xml
// are rewritten so they show the gate's deltas.
import path from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { existsSync } from 'node:fs';
import type { Summary } from '../../summary/types.ts';
import { decide, applyDecision } from '../../gate/verdict.ts';
import { loadBaselineSummary, loadTolerances, mergeTolerances } from '../../gate/baseline.ts';
import { thresholdsOf, validateThresholds } from '../../gate/thresholds.ts';
import { writeSummaryReport } from '../../report/report.ts';
import { exitCodeFor, UsageError } from '../exit-codes.ts';
import { readSummaryAt } from '../../report/load.ts';
import { prepareOutputFolder } from '../../files/output-folder.ts';
import { stringifyMasked } from '../../../services/common/pan.ts';

export async function gateCommand(runDir: string, options: { baseline?: string; tolerances?: string }, out: (line: string) => void): Promise<number> {
  const file = path.join(runDir, 'summary.json');
  if (!existsSync(file)) throw new UsageError(`${runDir} is not a run folder: it has no summary.json`);
  // Checked against the summary schema like every reader's (exit 2 naming the file and the field).
  const summary: Summary = await readSummaryAt(file);
  await prepareOutputFolder(runDir, 'the run folder'); // it is rewritten in place: writable before any work
  const thresholds = thresholdsOf(summary);
  validateThresholds(thresholds, { faults: summary.faults.map((f) => f.name) });
  const baseline = options.baseline
    ? {
        summary: await loadBaselineSummary(options.baseline),
        file: options.baseline,
        tolerances: mergeTolerances(summary.baseline_tolerances ?? {}, options.tolerances ? await loadTolerances(options.tolerances) : {}),
      }
    : undefined;
  const gated = applyDecision(summary, decide(summary, thresholds, baseline));
  await writeFileAtomic(file, stringifyMasked(gated, 2) + '\n');
  // The report shows the gated summary held here, not summary.json read back.
  if (existsSync(path.join(runDir, 'index.html')) || gated.files.report) await writeSummaryReport(runDir, gated);
  for (const t of gated.thresholds) {
    if (t.not_applicable !== undefined) out(`n/a  ${t.metric} ${t.expression} (${t.not_applicable})`);
    else out(`${t.ok ? 'ok  ' : 'FAIL'} ${t.metric} ${t.expression} (actual ${t.actual ?? 'no data'})`);
  }
  for (const d of gated.baseline?.deltas ?? []) out(`${d.ok ? 'ok  ' : 'FAIL'} baseline ${d.metric}: ${d.baseline} -> ${d.actual} (tolerance ${d.tolerance})`);
  out(`${gated.verdict.toUpperCase()}: ${gated.reasons.join('; ')}`);
  // The gate was not interrupted: a stored interrupted run is inconclusive here (4), unless it lost money (1).
  return exitCodeFor({ verdict: gated.verdict, incomplete: false });
}
