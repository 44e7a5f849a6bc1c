// faultline's exit codes: what CI and scripts branch on.
export const EXIT = {
  passed: 0,
  /** A threshold, an invariant or the baseline comparison failed. */
  failed: 1,
  /** Bad usage, a bad scenario, a bad replay file or threshold expression. */
  usage: 2,
  /** The harness itself failed (a service did not start, a port clash, an internal error). */
  harness: 3,
  /** The run's own health says the machine, not the pipeline, shaped the numbers: nothing was judged. */
  inconclusive: 4,
  /** Interrupted (Ctrl-C / SIGTERM): what was measured was checked and written, marked incomplete. */
  interrupted: 130,
} as const;

/** The exit code for a finished run's summary. */
export function exitCodeFor(summary: { verdict: 'passed' | 'failed' | 'inconclusive'; incomplete: boolean }): number {
  if (summary.verdict === 'failed') return EXIT.failed;
  if (summary.incomplete) return EXIT.interrupted;
  if (summary.verdict === 'inconclusive') return EXIT.inconclusive;
  return EXIT.passed;
}

export class UsageError extends Error {}
