// faultline thresholds → k6 `options.thresholds`. faultline already writes thresholds in k6's syntax
// (`metric{tag:value}: ['aggregation op number']`), and the exported script records the whole-run
// metrics under the same names, so a whole-run rate, p(N) or count threshold carries over verbatim.
// What does not carry over is anything that needs the fault timeline or the run's history: phases and
// fault windows (the timeline runs in `faultline faults`, not in k6), recovery time, unknown outcomes
// (resolved against the ledger after the run), the load error and retry amplification. Each of those is
// listed with its reason, in the script's header and in the README.
import { parseThresholds, type ParsedThreshold, type Thresholds } from '../../gate/thresholds.ts';

/** The k6 metric the exported script records for a faultline metric, when there is one. */
export type K6MetricType = 'Rate' | 'Trend' | 'Counter';

export interface K6Metric {
  type: K6MetricType;
  /** What the script adds to it, and how that differs from faultline's value. */
  meaning: string;
}

/** faultline metrics the script records under the same name (whole run, no tags). */
export const K6_METRICS: Readonly<Record<string, K6Metric>> = {
  authorization_success_rate: {
    type: 'Rate',
    meaning: '(approved + declined) / authorizations. No stand-in in k6, so this is faultline\'s issuer_success_rate: under faults it reads lower than faultline\'s, which counts stand-in answers',
  },
  issuer_success_rate: { type: 'Rate', meaning: '(approved + declined) / authorizations: what the issuer answered' },
  approval_rate: {
    type: 'Rate',
    meaning:
      "approved / (approved + declined): one sample per issuer decision, none for a failure. With no decision at all faultline has no data and fails the threshold, where k6 has no sample",
  },
  authorization_latency: {
    type: 'Trend',
    meaning: 'ms from sending an authorization to its answer or the deadline; k6 starts each iteration on schedule (or counts it in dropped_iterations), so it is measured from the intended send time as in faultline',
  },
  app_success_rate: { type: 'Rate', meaning: '2xx balance and feed reads / app reads' },
  authorizations_failed: {
    type: 'Counter',
    meaning: "authorizations with no usable answer. Without stand-in and without the ledger check after the run, this also holds what faultline would count as stand-in or unknown",
  },
};

export interface UntranslatedThreshold {
  metric: string;
  expression: string;
  reason: string;
}

export interface TranslatedThresholds {
  /** For k6's `options.thresholds`: metric → expressions, in the scenario's order. */
  k6: Record<string, string[]>;
  untranslated: UntranslatedThreshold[];
}

const REASONS: Readonly<Record<string, string>> = {
  phase:
    "a phase (before/during/after a fault window) is known only to the fault timeline, which runs in `faultline faults`, not in k6: the script cannot tag a request with the phase it fell in (the two start together by hand, with no shared clock), and faultline judges the worst of the matching phases, which no k6 sub-metric expresses",
  fault:
    "a fault window's requests are known only to the fault timeline, which runs in `faultline faults`, not in k6: the script cannot tag a request with the window it fell in (the two start together by hand, with no shared clock)",
  recovery_seconds:
    "recovery time is computed after the run from faultline's per-second history (from a fault's end until the success rate is back within threshold); k6 thresholds aggregate samples and cannot measure a time to recover",
  authorizations_unknown:
    'an unknown outcome is a timeout resolved against the ledger after the run; the k6 script cannot ask the ledger, and counts a timeout as failed',
  load_error_pct:
    "faultline compares the achieved arrival rate with the target; k6 counts the arrivals it could not start in `dropped_iterations` instead (add `dropped_iterations: ['count==0']` by hand to fail on them)",
  retry_amplification:
    "faultline averages the ledger attempts the processor reports for every authorization, failures included, from its history; the k6 script does not record them",
};

/** Why a threshold cannot be a k6 threshold, or null when it can: the metric first, then its tags. */
function reasonFor(t: ParsedThreshold): string | null {
  if (!K6_METRICS[t.spec.name]) return REASONS[t.spec.name] ?? `the k6 script records no metric for ${t.spec.name}`;
  if (t.tags.phase !== undefined) return REASONS.phase as string;
  if (t.tags.fault !== undefined) return REASONS.fault as string;
  return null;
}

/** Splits a scenario's thresholds into k6 thresholds (same metric, same expression) and the rest, with why. */
export function translateThresholds(thresholds: Thresholds): TranslatedThresholds {
  const k6: Record<string, string[]> = {};
  const untranslated: UntranslatedThreshold[] = [];
  for (const t of parseThresholds(thresholds)) {
    const reason = reasonFor(t);
    if (reason === null) (k6[t.key] ??= []).push(t.expression);
    else untranslated.push({ metric: t.key, expression: t.expression, reason });
  }
  return { k6, untranslated };
}
