// The defence × scenario table the README quotes: one row per run of the matrix, the control of each
// scenario first, with the verdict, what failed, and the numbers that moved against the control.
import type { DefenceName } from '../../services/router/defences.ts';
import type { Verdict } from '../../harness/summary/types.ts';

export interface CellResult {
  scenario: string;
  /** null: the control run (every defence on). */
  defence: DefenceName | null;
  expect: string;
  verdict: Verdict;
  incomplete: boolean;
  reasons: string[];
  issuer_success_rate: number;
  success_rate: number;
  retry_amplification: number;
  failed_unknown: number;
  total: number;
  /** The run folder, relative to the matrix folder. */
  run: string;
  /** The first run was inconclusive: this is the second. */
  reran: boolean;
  /** The baseline it was gated against, or null (thresholds only). */
  baseline: string | null;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '–');
const cellText = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** The reasons a run failed, shortened for a table cell: the first three, each cut at 140 characters. */
export function whatFailed(r: CellResult): string {
  if (r.verdict === 'passed') return 'nothing: passed';
  const reasons = r.reasons.filter((x) => x.length > 0);
  const shown = reasons.slice(0, 3).map((x) => (x.length > 140 ? `${x.slice(0, 139)}…` : x));
  return `${shown.join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}`;
}

function verdictText(r: CellResult, control: boolean): string {
  const word = r.verdict === 'failed' ? (control ? 'FAILED (false alarm)' : 'FAILED: caught') : r.verdict === 'passed' ? (control ? 'passed' : 'passed: NOT caught') : 'INCONCLUSIVE';
  return `${word}${r.reran ? ' (2nd run)' : ''}`;
}

export function matrixMarkdown(results: readonly CellResult[]): string {
  const lines = [
    '| defence off | scenario | verdict | what failed | issuer success | success | retries | failed + unknown |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const controls = new Map(results.filter((r) => r.defence === null).map((r) => [r.scenario, r]));
  for (const r of results) {
    const control = r.defence === null ? undefined : controls.get(r.scenario);
    const vs = (f: (x: CellResult) => string): string => (control ? `${f(control)} → ${f(r)}` : f(r));
    lines.push(
      `| ${r.defence ?? '(none: control)'} | ${r.scenario} | ${verdictText(r, r.defence === null)} | ${cellText(whatFailed(r))} | ${vs((x) => pct(x.issuer_success_rate))} | ${vs((x) => pct(x.success_rate))} | ${vs((x) => `x${x.retry_amplification}`)} | ${vs((x) => `${x.failed_unknown}/${x.total}`)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
