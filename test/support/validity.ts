// Tests run two test files at once on a 2-core machine, each with its own pipeline of processes: a run in
// a test is on a busy machine by design. Tests that check behaviour (not the machine) relax the run-health
// limits so their verdict is about what they test; the validity check itself is tested with a driver
// stall injected on purpose (test/e2e/run-validity.test.ts) and unit tests of each limit.
export const RELAXED_VALIDITY = {
  event_loop_delay_p99_ms: 60_000,
  event_loop_delay_max_ms: 60_000,
  send_lateness_p99_ms: 60_000,
  late_share: 1,
  fault_activation_late_ms: 60_000,
  // The other test file running beside this one is foreign load by design.
  foreign_cpu_share: 1,
} as const;

/** The same, as a YAML block for a scenario file. */
export const RELAXED_VALIDITY_YAML = `validity: ${JSON.stringify(RELAXED_VALIDITY)}\n`;
