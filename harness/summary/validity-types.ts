// summary.json's `validity`: what a run measured of the machine it ran on, the limits it is held to, and
// whether it kept them (gate/validity.ts judges them). Part of summary.json's public contract, as types.ts;
// imports nothing.

/** How late one fault took effect after its scheduled time. */
export interface FaultActivation {
  fault: string;
  scheduled_s: number;
  /** Milliseconds from the scheduled start until the fault had taken effect; null if it never did. */
  late_ms: number | null;
}

/**
 * CPU taken during the measured part by processes outside the run's own process tree (the driver, every
 * process it started, their descendants and the members of their sessions), from /proc/stat and
 * /proc/<pid>/stat sampled every second, as shares of the whole machine's CPU (every core; time stolen
 * by a hypervisor counts as busy, and as foreign; interrupt time as neither). Shares are 0..1.
 */
export interface ForeignCpuFigures {
  /** Foreign CPU / all the machine's CPU over the measured part: what validity judges. */
  share: number;
  /** The highest one-second foreign share. */
  max_second_share: number;
  /** The run's own processes' CPU / all the machine's CPU. */
  run_share: number;
  /** Busy (processes' user and system time, and steal) / all the machine's CPU. */
  busy_share: number;
  /** Cores the machine has (the CPU lines of /proc/stat). */
  cpus: number;
  /** One-second intervals measured. */
  samples: number;
  /** The run's processes at the last sample. */
  run_processes: number;
  /**
   * /proc/pressure/cpu `some` over the measured part: the share of wall time in which at least one task
   * (the run's own included) waited for a CPU. Information, not judged; null where the kernel has no PSI.
   */
  pressure_some: number | null;
}

/** What the run measured of the machine it ran on: the driver, the fault plane, the CPU others took. */
export interface ValidityFigures {
  /** The driver's event-loop delay over the measured part, in ms (perf_hooks.monitorEventLoopDelay). */
  event_loop_delay_ms: { p50: number; p99: number; max: number };
  /** actual - intended send time over the measured part, in ms, and the share of sends more than 10 ms late. */
  send_lateness_ms: { p50: number; p99: number; max: number; late_share: number; sends: number };
  fault_activation: FaultActivation[];
  /**
   * CPU taken by processes outside the run; null when it could not be measured (no /proc, or compose
   * mode, whose containers run outside the run's process tree). Absent in summaries older than this field.
   */
  foreign_cpu?: ForeignCpuFigures | null;
  /**
   * Stand-in advices still in faultline's own store-and-forward queue at the end that never reached the
   * issuer (never attempted, or every attempt gave up inside the driver before the request was written):
   * whether the pipeline would post them is unknown. Absent in summaries older than this field.
   */
  undelivered_advices?: number;
  /**
   * The pipeline before the first fault (measured part, [0, first start)), for information: its own
   * slowness or ill health is compared (thresholds, baseline) and fails; it never makes a run
   * inconclusive. null for a run without faults, or whose first fault starts at 0.
   */
  pre_fault: {
    start_s: number;
    end_s: number;
    authorizations: number;
    issuer_success_rate: number | null;
    latency_p50_ms: number | null;
  } | null;
}

/** The limits a run's health is held to; a scenario may set its own (`validity:` in the scenario file). */
export interface ValidityLimits {
  event_loop_delay_p99_ms: number;
  event_loop_delay_max_ms: number;
  send_lateness_p99_ms: number;
  /** Largest share of sends more than 10 ms late. */
  late_share: number;
  fault_activation_late_ms: number;
  /** Largest share of the machine's CPU processes outside the run may take over the measured part. */
  foreign_cpu_share: number;
}

export interface RunValidity {
  /** False when any limit was broken: the verdict is then `inconclusive` (unless money was lost). */
  ok: boolean;
  /** One line per broken limit: what was distorted, by how much. */
  reasons: string[];
  /** What to do about it (lower the rate, more cores, stop the other load). Empty when ok. */
  advice: string[];
  figures: ValidityFigures;
  limits: ValidityLimits;
}
