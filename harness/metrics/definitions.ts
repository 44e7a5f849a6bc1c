// Every metric faultline exposes, defined once on a registry of its own (never prom-client's global one).
// Names carry their unit (`_seconds`, `_total`); label values come from closed sets (labels.ts). A run
// defines the run families plus the topology ones; `faultline up` only the topology and up families.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Latency buckets from 1 ms to 10 s (an issuer deadline is a few seconds at most). */
export const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function defineRunMetrics(registry: Registry) {
  const registers = [registry];
  // One group at a time, in the order they are exposed.
  return {
    ...runMetrics(registers),
    ...outcomeMetrics(registers),
    ...driverMetrics(registers),
    ...checkMetrics(registers),
  };
}

/** The run itself: what it is, whether it finished, its verdict. */
function runMetrics(registers: Registry[]) {
  return {
    runInfo: new Gauge({
      name: 'faultline_run_info',
      help: 'The run: scenario, router policy, seed, stand-in, mode (always 1).',
      labelNames: ['scenario', 'router', 'seed', 'standin', 'mode'] as const,
      registers,
    }),
    runFinished: new Gauge({
      name: 'faultline_run_finished',
      help: '1 once the run is checked and summary.json written (every value below is then final), else 0.',
      registers,
    }),
    verdict: new Gauge({
      name: 'faultline_run_verdict',
      help: "The run's verdict once finished: 1 for the verdict it got, 0 for the others.",
      labelNames: ['verdict'] as const,
      registers,
    }),
  };
}

/** What the pipeline answered: authorizations, stand-in, the ledger's attempts, app reads, reversals. */
function outcomeMetrics(registers: Registry[]) {
  return {
    authorizations: new Counter({
      name: 'faultline_authorizations_total',
      help:
        'Authorizations by outcome (approved, declined, standin_approved, standin_declined, failed, unknown), the hop and cause a ' +
        'failure is attributed to (none when not attributed), the phase (warmup, whole, before, during, after) and the fault ' +
        '(active windows joined by +, the aftermath window in phase after, else none). Unknown stays unknown: see faultline_unknown_resolutions_total.',
      labelNames: ['outcome', 'hop', 'cause', 'phase', 'fault'] as const,
      registers,
    }),
    latency: new Histogram({
      name: 'faultline_authorization_latency_seconds',
      help: 'Authorization latency from the intended send time to the answer (or the deadline): no coordinated omission.',
      labelNames: ['outcome', 'phase'] as const,
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    standin: new Counter({
      name: 'faultline_standin_total',
      help: 'Authorizations the card network answered in stand-in, by decision (approved, declined), phase and fault.',
      labelNames: ['decision', 'phase', 'fault'] as const,
      registers,
    }),
    ledgerAttempts: new Counter({
      name: 'faultline_ledger_attempts_total',
      help: 'Ledger attempts the processor reported for authorizations that reached the ledger (retry amplification = this / faultline_ledger_authorizations_total).',
      labelNames: ['phase'] as const,
      registers,
    }),
    ledgerAuthorizations: new Counter({
      name: 'faultline_ledger_authorizations_total',
      help: 'Authorizations that reached the ledger (an attempt count reported, or an issuer decision).',
      labelNames: ['phase'] as const,
      registers,
    }),
    retries: new Counter({
      name: 'faultline_ledger_retries_total',
      help: 'Ledger attempts beyond the first, per authorization (retries by the router).',
      labelNames: ['phase'] as const,
      registers,
    }),
    appRequests: new Counter({
      name: 'faultline_app_requests_total',
      help: 'App reads (balance, feed) by outcome (ok, error), phase and fault.',
      labelNames: ['kind', 'outcome', 'phase', 'fault'] as const,
      registers,
    }),
    reversals: new Counter({
      name: 'faultline_reversals_total',
      help: 'Reversals by outcome (ok, error) and phase.',
      labelNames: ['outcome', 'phase'] as const,
      registers,
    }),
  };
}

/** The driver's own health: what it sent, late or dropped, and its event loop. */
function driverMetrics(registers: Registry[]) {
  return {
    sent: new Counter({
      name: 'faultline_requests_sent_total',
      help: 'Requests the driver sent (authorizations, reversals, app reads, conflicting retries; not advices), by kind and phase.',
      labelNames: ['kind', 'phase'] as const,
      registers,
    }),
    late: new Counter({
      name: 'faultline_requests_late_total',
      help: 'Requests sent later than their schedule by more than the lateness tolerance.',
      labelNames: ['kind', 'phase'] as const,
      registers,
    }),
    dropped: new Counter({
      name: 'faultline_requests_dropped_total',
      help: 'Requests never sent: the driver could not keep up with the schedule.',
      labelNames: ['kind', 'phase'] as const,
      registers,
    }),
    sendLateness: new Histogram({
      name: 'faultline_send_lateness_seconds',
      help: "How late the driver sent each request after its intended time (the driver's own health).",
      labelNames: ['phase'] as const,
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    eventLoopDelay: new Histogram({
      name: 'faultline_driver_event_loop_delay_seconds',
      help: "The driver's event-loop delay beyond its 10 ms sampling interval: the largest in each 250 ms window.",
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
  };
}

/** What the checks after traffic found: unknowns resolved, invariants. */
function checkMetrics(registers: Registry[]) {
  return {
    unknownResolutions: new Counter({
      name: 'faultline_unknown_resolutions_total',
      help: 'Unknown authorizations resolved against the ledger after the run (warm-up included): held, not_held, unresolved.',
      labelNames: ['resolution'] as const,
      registers,
    }),
    invariantValid: new Gauge({
      name: 'faultline_invariant_valid',
      help: 'Each money invariant once the run is checked: 1 valid, 0 invalid, -1 unknown (absent before the checks).',
      labelNames: ['invariant'] as const,
      registers,
    }),
    invariantViolations: new Gauge({
      name: 'faultline_invariant_violations',
      help: 'How many authorizations, accounts or entries broke each invariant (0 when valid).',
      labelNames: ['invariant'] as const,
      registers,
    }),
    recordErrors: new Counter({
      name: 'faultline_metrics_record_errors_total',
      help: 'History records the live metrics failed to count (a defect in faultline: the counts above are then short).',
      registers,
    }),
  };
}

export interface FaultWindowLabels {
  name: string;
  fault: string;
  target: string;
}

/** The scenario's fault windows, each 0 until it takes effect, 1 until it is healed (read live at each scrape). */
export function defineFaultMetrics(registry: Registry, windows: readonly FaultWindowLabels[], read: () => readonly string[] | null) {
  const labels = (w: FaultWindowLabels) => ({ fault: w.name, kind: w.fault, target: w.target });
  const gauge = new Gauge({
    name: 'faultline_fault_active',
    help: "1 while a scenario's fault window has taken effect and is not yet healed, else 0; kind and target as in the scenario.",
    labelNames: ['fault', 'kind', 'target'] as const,
    registers: [registry],
    collect() {
      const active = new Set(read() ?? []);
      for (const w of windows) this.set(labels(w), active.has(w.name) ? 1 : 0);
    },
  });
  for (const w of windows) gauge.set(labels(w), 0);
  return gauge;
}

export type RunMetrics = ReturnType<typeof defineRunMetrics>;

/** The advice queue, read live from the card network at each scrape. */
export function defineAdviceMetrics(registry: Registry, read: () => AdviceCounts | null) {
  const registers = [registry];
  // Counters read from a source that counts itself: each scrape adds what the source added since the last.
  const seen = { queued: 0, delivered: 0, attempts: 0 };
  const follow = (counter: Counter, key: keyof typeof seen): void => {
    const now = read();
    if (!now) return;
    const delta = now[key] - seen[key];
    if (delta > 0) {
      counter.inc(delta);
      seen[key] = now[key];
    }
  };
  return {
    queued: new Counter({
      name: 'faultline_advices_queued_total',
      help: 'Stand-in advices the card network queued for the issuer.',
      registers,
      collect() {
        follow(this, 'queued');
      },
    }),
    delivered: new Counter({
      name: 'faultline_advices_delivered_total',
      help: 'Stand-in advices the issuer accepted.',
      registers,
      collect() {
        follow(this, 'delivered');
      },
    }),
    attempts: new Counter({
      name: 'faultline_advice_attempts_total',
      help: 'Advice delivery attempts (retries included).',
      registers,
      collect() {
        follow(this, 'attempts');
      },
    }),
    pending: new Gauge({
      name: 'faultline_advices_pending',
      help: 'Stand-in advices queued and not yet accepted by the issuer.',
      registers,
      collect() {
        const now = read();
        if (now) this.set(now.pending);
      },
    }),
  };
}

export interface AdviceCounts {
  queued: number;
  delivered: number;
  attempts: number;
  pending: number;
}

export interface ReplicaState {
  name: string;
  service: string;
  running: boolean;
  paused: boolean;
}

/** Every replica's process state, read live at each scrape (a run's and `faultline up`'s). */
export function defineReplicaMetrics(registry: Registry, read: () => readonly ReplicaState[] | null) {
  const registers = [registry];
  const labelNames = ['service', 'replica'] as const;
  // Each gauge reads the topology itself: the registry serialises metrics as their collect() returns.
  const follow = (gauge: Gauge<'service' | 'replica'>, value: (r: ReplicaState) => number): void => {
    const replicas = read();
    if (!replicas) return;
    gauge.reset();
    for (const r of replicas) gauge.set({ service: r.service, replica: r.name }, value(r));
  };
  return {
    up: new Gauge({
      name: 'faultline_replica_up',
      help: 'A replica running and not paused (1), or stopped, killed or paused (0).',
      labelNames,
      registers,
      collect() {
        follow(this, (r) => (r.running && !r.paused ? 1 : 0));
      },
    }),
    paused: new Gauge({
      name: 'faultline_replica_paused',
      help: 'A replica stopped with SIGSTOP (1) or not (0).',
      labelNames,
      registers,
      collect() {
        follow(this, (r) => (r.paused ? 1 : 0));
      },
    }),
  };
}

export interface ProxyState {
  name: string;
  enabled: boolean;
  toxics: number;
}

/**
 * `faultline up`: the fault proxies' state. `readProxies` asks the Toxiproxy API (once per scrape: the three
 * gauges share the answer) and resolves null when it did not answer.
 */
export function defineUpMetrics(registry: Registry, readProxies: () => Promise<readonly ProxyState[] | null>) {
  const registers = [registry];
  // The gauges of one scrape are collected together: they share the question in flight; the next scrape asks anew.
  let inFlight: Promise<readonly ProxyState[] | null> | null = null;
  const proxies = (): Promise<readonly ProxyState[] | null> =>
    (inFlight ??= readProxies().finally(() => {
      inFlight = null;
    }));
  const perProxy = async (gauge: Gauge<'proxy'>, value: (p: ProxyState) => number): Promise<void> => {
    const list = await proxies();
    gauge.reset();
    for (const p of list ?? []) gauge.set({ proxy: p.name }, value(p));
  };
  return {
    upInfo: new Gauge({
      name: 'faultline_up_info',
      help: 'A pipeline started by faultline up: router policy and seed (always 1).',
      labelNames: ['router', 'seed'] as const,
      registers,
    }),
    api: new Gauge({
      name: 'faultline_proxy_api_up',
      help: 'The Toxiproxy API answered this scrape (1) or not (0).',
      registers,
      async collect() {
        this.set((await proxies()) ? 1 : 0);
      },
    }),
    toxics: new Gauge({
      name: 'faultline_proxy_toxics',
      help: 'Toxics installed on each fault proxy.',
      labelNames: ['proxy'] as const,
      registers,
      async collect() {
        await perProxy(this, (p) => p.toxics);
      },
    }),
    enabled: new Gauge({
      name: 'faultline_proxy_enabled',
      help: 'A fault proxy enabled (1) or disabled (0).',
      labelNames: ['proxy'] as const,
      registers,
      async collect() {
        await perProxy(this, (p) => (p.enabled ? 1 : 0));
      },
    }),
  };
}
