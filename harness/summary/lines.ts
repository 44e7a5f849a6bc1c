// How a summary's results read as one line: a threshold, a baseline delta, a figure. The same words in the
// verdict's reasons (gate/verdict.ts), the report and junit.xml (report/), and the terminal (cli/): each of
// them formats a summary it holds from here, and none formats through another.
import type { BaselineDelta, ThresholdResult } from './types.ts';

/** A number as a reader wants it in a verdict line. */
export function formatMetricValue(metric: string, value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'no data';
  if (!Number.isFinite(value)) return metric.startsWith('recovery_seconds') ? 'never recovered' : String(value);
  if (/success_rate|approval_rate|retry_amplification/.test(metric)) return value.toFixed(4);
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) >= 100 ? 0 : 2);
}

function signed(metric: string, value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '−∞';
  const text = formatMetricValue(metric, Math.abs(value));
  return value < 0 ? `−${text}` : `+${text}`;
}

/** "threshold app_success_rate rate>0.999 n/a: the closed model sends…", for a threshold a run cannot produce. */
export function notApplicableLine(t: ThresholdResult): string {
  return `threshold ${t.metric} ${t.expression} n/a: ${t.not_applicable ?? 'the run cannot produce this metric'}`;
}

export function thresholdLine(t: ThresholdResult): string {
  if (t.not_applicable !== undefined) return notApplicableLine(t);
  const actual = t.actual === null && t.metric.startsWith('recovery_seconds') ? 'never recovered' : formatMetricValue(t.metric, t.actual);
  return `threshold ${t.metric} ${t.expression} failed: actual ${actual}`;
}

export function baselineLine(d: BaselineDelta): string {
  return (
    `baseline ${d.metric} regressed: ${formatMetricValue(d.metric, d.baseline)} → ${formatMetricValue(d.metric, d.actual)} ` +
    `(${signed(d.metric, d.delta)}, tolerance ${formatMetricValue(d.metric, d.tolerance)})` +
    (d.metric === 'retry_amplification' && d.baseline <= 1 && d.tolerance === 0 ? ': retries appeared where the baseline had none' : '')
  );
}
