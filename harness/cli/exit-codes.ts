// faultline's exit codes: what CI and scripts branch on.
export const EXIT = {
  passed: 0,
  /** A threshold, an invariant or the baseline comparison failed. */
  failed: 1,
  /** Bad usage, a bad scenario, a bad replay file or threshold expression. */
  usage: 2,
  /** The harness itself failed (a service did not start, a port clash, an internal error). */
  harness: 3,
} as const;

export class UsageError extends Error {}
