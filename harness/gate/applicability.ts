// Whether a run could produce a threshold's metric at all. A threshold on a metric the run cannot produce
// is "n/a" with the reason (shown in the terminal, the report and JUnit), neither failed nor silently
// passed: an app-read rate in a run that sends no app reads (the closed model sends authorizations only; a
// mix or replay without balance and feed reads), a target-rate error without a target rate, a recovery
// time of a window that lasts to the end, a phase the schedule does not have. A metric the run SHOULD
// have produced but did not (no authorizations at all, a phase with no traffic) is not n/a: it fails.
import type { Summary } from '../summary/types.ts';
import type { MetricTags } from './metrics.ts';

/** The request kinds that are app reads. */
const APP_READS = ['balance', 'feed'];

/** Why this run sends no app reads, or null when it does (or may: an older summary that did not say). */
function noAppReads(summary: Summary): string | null {
  if (summary.load.model === 'closed') return 'the closed model sends authorizations only: this run makes no app reads';
  const kinds = summary.load.request_kinds;
  if (kinds && !kinds.some((k) => APP_READS.includes(k))) return `this run's traffic has no app reads (it sends ${kinds.join(', ') || 'nothing'})`;
  return null;
}

/**
 * Why the schedule cannot have this phase: a `before` phase of windows that start at 0 s, an `after` phase
 * of windows that last to the end of traffic. Any other missing phase (a `during`, or phases lost from a
 * summary) is data the run should have produced: null, and the threshold fails on no data.
 */
function impossiblePhase(summary: Summary, tags: MetricTags): string | null {
  const phase = tags.phase;
  if (phase !== 'before' && phase !== 'after') return null;
  if (summary.phases.some((p) => p.name === phase && (tags.fault === undefined || p.fault === tags.fault))) return null;
  const faults = summary.faults.filter((f) => tags.fault === undefined || f.name === tags.fault);
  if (faults.length === 0) return null;
  const names = faults.map((f) => f.name).join(', ');
  if (phase === 'before' && faults.every((f) => f.scheduled_s <= 0)) return `the run's schedule has no before phase of ${names}: ${faults.length === 1 ? 'its window starts' : 'their windows start'} at 0 s`;
  if (phase === 'after' && faults.every((f) => f.recovery_applicable === false || f.scheduled_end_s >= summary.duration_s)) {
    return `the run's schedule has no after phase of ${names}: ${faults.length === 1 ? 'its window lasts' : 'their windows last'} to the end of traffic`;
  }
  return null;
}

/** The reason a run cannot produce `metric{tags}`, or null when it can. */
export function notApplicable(metric: string, tags: MetricTags, summary: Summary): string | null {
  if (metric === 'app_success_rate') {
    const none = noAppReads(summary);
    if (none) return none;
  }
  if (metric === 'load_error_pct' && !(summary.load.target_rate > 0)) {
    return summary.load.model === 'closed' ? 'the closed model has no target arrival rate to miss' : 'the run has no target arrival rate';
  }
  if (metric === 'recovery_seconds') {
    const faults = summary.faults.filter((f) => tags.fault === undefined || f.name === tags.fault);
    if (faults.length > 0 && faults.every((f) => f.recovery_applicable === false)) {
      return `${faults.map((f) => f.name).join(', ')} ${faults.length === 1 ? 'lasts' : 'last'} to the end of traffic: no after phase to recover in`;
    }
    return null;
  }
  return impossiblePhase(summary, tags);
}
