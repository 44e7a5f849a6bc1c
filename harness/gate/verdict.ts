// The verdict of a run: passed, failed or inconclusive, and one line per reason. Like Jepsen's composed
// checker, the run is as bad as its worst check: invariants, thresholds, the baseline, faults that never
// applied. Two things make a run inconclusive rather than failed, and an inconclusive run is never compared
// with a baseline:
// - the machine's health broke a validity limit (the driver starved, faults applied late, other processes
//   took the CPU, the driver never delivered what it owed), unless it lost or double-counted money or a hop
//   answered outside its contract (bad_answer): those are failures whatever the machine did. The pipeline's
//   own slowness or ill health on a healthy machine is never a reason to be inconclusive: thresholds and the baseline judge it;
// - it was interrupted (Ctrl-C): it covers only part of the schedule, and what it could not settle is unknown.
import type { BaselineDelta, ProcessEvent, Summary, ThresholdResult, Verdict } from '../summary/types.ts';
import { compareBaseline, type BaselineTolerances } from './baseline.ts';
import { evaluateThresholds, type Thresholds } from './thresholds.ts';
import { badAnswerLines, issuerSilentLine } from './bad-answers.ts';
import { baselineLine, thresholdLine } from '../summary/lines.ts';

export interface BaselineInput {
  summary: Summary;
  /** Where the baseline came from, shown in the report. */
  file: string;
  tolerances?: BaselineTolerances;
}

export interface Decision {
  verdict: Verdict;
  passed: boolean;
  /** One line per reason the run failed or is inconclusive, or a single "all checks passed" line. */
  reasons: string[];
  /** Store into summary.thresholds. */
  thresholds: ThresholdResult[];
  /** Store into summary.baseline (absent without a baseline). */
  baseline?: { file: string; deltas: BaselineDelta[]; ok: boolean };
}

/** `ledger-store (replaced by command "node store.js", pid 412) died on its own at 2.4 s: killed by SIGKILL` */
export function processExitLine(e: ProcessEvent): string {
  const how = e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`;
  const what = e.replaced_by ? `replaced by ${e.replaced_by}, pid ${e.pid}` : `pid ${e.pid}`;
  return `${e.replica} (${what}) died on its own at ${e.at_s.toFixed(1)} s: ${how}; no fault stopped it`;
}

export function decide(summary: Summary, thresholds: Thresholds, baseline?: BaselineInput): Decision {
  const failures: string[] = [];
  const moneyLost: string[] = [];

  for (const fault of summary.faults) {
    if (fault.applied_s === null && !summary.incomplete && !fault.applied_elsewhere) {
      failures.push(`fault ${fault.name} (${fault.fault} on ${fault.target}) never took effect${fault.error ? `: ${fault.error}` : ''}`);
    }
  }

  const unjudged: string[] = [];
  // A replica that died on its own is what happened first: it names the process and how it ended.
  for (const e of summary.process_events ?? []) if (!e.expected) failures.push(processExitLine(e));

  for (const inv of summary.invariants) {
    if (inv.ok) continue;
    // Not judged (the load did not exercise it): neither a pass nor a failure, said in the reasons.
    if (inv.validity === 'unknown' && inv.not_judged) {
      unjudged.push(`invariant ${inv.name} not judged: ${inv.not_judged}`);
      continue;
    }
    const examples = inv.offending.slice(0, 3);
    const more = examples.length ? `; e.g. ${examples.join(', ')}` : '';
    const line = `invariant ${inv.name} failed (${inv.validity}): ${inv.detail} (${inv.count} offending${more})`;
    if (inv.validity === 'invalid') moneyLost.push(line);
    else if (!summary.incomplete) failures.push(line);
  }

  // Answers outside a contract fail the run whatever the machine did (bad-answers.ts); an issuer that
  // answered nothing fails it like a threshold.
  const contractBroken = badAnswerLines(summary);
  const silent = issuerSilentLine(summary);
  if (silent) failures.push(silent);

  const thresholdResults = evaluateThresholds(thresholds, summary);
  const thresholdLines = thresholdResults.filter((t) => !t.ok).map(thresholdLine);

  const validityOk = summary.validity?.ok ?? true;
  const inconclusiveWhy: string[] = [];
  if (summary.incomplete) inconclusiveWhy.push('run incomplete: it was interrupted, so the checks cover only what was measured and what it could not settle is unknown');
  if (!validityOk) for (const r of summary.validity.reasons) inconclusiveWhy.push(`run inconclusive: ${r}`);

  // Money lost, or a broken contract, is a failure whatever else happened.
  if (moneyLost.length > 0 || contractBroken.length > 0) {
    const reasons = [...moneyLost, ...contractBroken, ...failures, ...thresholdLines, ...inconclusiveWhy, ...unjudged];
    return { verdict: 'failed', passed: false, reasons, thresholds: thresholdResults };
  }
  if (inconclusiveWhy.length > 0) {
    const notJudged = thresholdLines.length ? [`not judged on an inconclusive run: ${thresholdLines.length} threshold${thresholdLines.length === 1 ? '' : 's'} missed`] : [];
    const baselineNote = baseline ? ['not compared with the baseline: an inconclusive run is never compared'] : [];
    return { verdict: 'inconclusive', passed: false, reasons: [...inconclusiveWhy, ...failures, ...notJudged, ...baselineNote, ...unjudged], thresholds: thresholdResults };
  }

  const lines = [...failures, ...thresholdLines];
  let baselineResult: Decision['baseline'];
  if (baseline) {
    const comparison = compareBaseline(summary, baseline.summary, baseline.tolerances);
    baselineResult = { file: baseline.file, deltas: comparison.deltas, ok: comparison.ok };
    for (const d of comparison.deltas) if (!d.ok) lines.push(baselineLine(d));
  }

  const passed = lines.length === 0;
  if (passed) {
    const na = thresholdResults.filter((t) => t.not_applicable !== undefined).length;
    const judgedThresholds = thresholdResults.length - na;
    const parts = [
      `${summary.invariants.length - unjudged.length} invariant${summary.invariants.length - unjudged.length === 1 ? '' : 's'}`,
      `${judgedThresholds} threshold${judgedThresholds === 1 ? '' : 's'}${na > 0 ? ` (${na} more n/a: this run cannot produce ${na === 1 ? 'its metric' : 'their metrics'})` : ''}`,
    ];
    if (baselineResult) parts.push(`${baselineResult.deltas.length} baseline metrics`);
    lines.push(`all checks passed: ${parts.join(', ')}`);
  }
  lines.push(...unjudged);
  const decision: Decision = { verdict: passed ? 'passed' : 'failed', passed, reasons: lines, thresholds: thresholdResults };
  if (baselineResult) decision.baseline = baselineResult;
  return decision;
}

/** The summary with a decision applied (thresholds, baseline, passed, verdict). */
export function applyDecision(summary: Summary, decision: Decision): Summary {
  const next: Summary = { ...summary, verdict: decision.verdict, passed: decision.passed, reasons: decision.reasons, thresholds: decision.thresholds };
  if (decision.baseline) next.baseline = decision.baseline;
  else delete next.baseline;
  return next;
}
