// The live metrics of one `faultline run --metrics-port`: a registry of its own, the scrape endpoint
// (bound before anything else starts, so a taken port fails the run before any traffic), the recorder the
// runner feeds every history record, the live reads of faults, advices and replicas, and the final values
// (invariants, unknown resolutions, verdict) once summary.json is written. After that it can linger until
// a scraper has read the final values, then closes.
import { Registry } from 'prom-client';
import type { HistoryRecord } from '../history/record.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Summary } from '../summary/types.ts';
import { defineAdviceMetrics, defineFaultMetrics, defineReplicaMetrics, defineRunMetrics, type RunMetrics } from './definitions.ts';
import { sampleEventLoop } from './event-loop.ts';
import type { LiveRunState, RunMetricsHook } from './hook.ts';
import { PhaseLabeler } from './labels.ts';
import { MetricsRecorder } from './recorder.ts';
import { startMetricsServer, type MetricsServer } from './server.ts';

const VALIDITY_VALUE = { valid: 1, invalid: 0, unknown: -1 } as const;
const VERDICTS = ['passed', 'failed', 'inconclusive'] as const;

export class LiveRunMetrics implements RunMetricsHook {
  private live: LiveRunState | null = null;
  /** The scrape count when the final values were set: a scrape started after it has read them. */
  private finalMark: number | null = null;
  readonly recorder: MetricsRecorder;
  private readonly eventLoop: { stop(): void };

  private constructor(
    readonly registry: Registry,
    private readonly metrics: RunMetrics,
    private readonly server: MetricsServer,
    scenario: Scenario,
  ) {
    this.recorder = new MetricsRecorder(metrics, new PhaseLabeler(scenario.faults));
    this.eventLoop = sampleEventLoop(metrics.eventLoopDelay);
  }

  /** Binds the endpoint (a MetricsPortError when the port is taken) and defines every metric of the run. */
  static async start(options: { port: number; scenario: Scenario; mode: 'embedded' | 'compose' }): Promise<LiveRunMetrics> {
    const { scenario } = options;
    const registry = new Registry();
    let self: LiveRunMetrics | null = null;
    const server = await startMetricsServer({ port: options.port, registry, beforeScrape: () => self?.recorder.flush() });
    const metrics = defineRunMetrics(registry);
    self = new LiveRunMetrics(registry, metrics, server, scenario);
    metrics.runInfo.set(
      { scenario: scenario.name, router: scenario.topology.router, seed: String(scenario.seed), standin: String(scenario.network.standin.enabled), mode: options.mode },
      1,
    );
    metrics.runFinished.set(0);
    const run = self;
    defineFaultMetrics(registry, scenario.faults, () => run.live?.activeFaults() ?? null);
    defineAdviceMetrics(registry, () => run.live?.advices() ?? null);
    defineReplicaMetrics(registry, () => run.live?.replicas() ?? null);
    return run;
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  readonly record = (record: HistoryRecord): void => {
    const before = this.recorder.failures;
    this.recorder.record(record);
    if (this.recorder.failures !== before) this.metrics.recordErrors.inc();
  };

  watch(live: LiveRunState): void {
    this.live = live;
  }

  /** The values only the finished run knows: invariants, unknown resolutions, verdict. */
  finish(summary: Summary): void {
    const m = this.metrics;
    for (const inv of summary.invariants) {
      m.invariantValid.set({ invariant: inv.name }, VALIDITY_VALUE[inv.validity]);
      m.invariantViolations.set({ invariant: inv.name }, inv.validity === 'valid' ? 0 : inv.count);
    }
    const u = summary.unknown_resolution;
    m.unknownResolutions.inc({ resolution: 'held' }, u.held);
    m.unknownResolutions.inc({ resolution: 'not_held' }, u.not_held);
    m.unknownResolutions.inc({ resolution: 'unresolved' }, u.unresolved);
    for (const v of VERDICTS) m.verdict.set({ verdict: v }, summary.verdict === v ? 1 : 0);
    m.runFinished.set(1);
    this.finalMark = this.server.mark;
  }

  /**
   * Keeps serving the final values until a scraper has read them, at most `timeoutMs` (0: not at all), or
   * until `signal` aborts (Ctrl-C). Resolves whether they were scraped.
   */
  async linger(options: { timeoutMs: number; signal?: AbortSignal; log: (line: string) => void }): Promise<boolean> {
    if (options.timeoutMs <= 0 || options.signal?.aborted) return false;
    if (this.finalMark !== null && (await this.server.nextScrape({ timeoutMs: 0, since: this.finalMark }))) return true;
    options.log(`metrics: final values at ${this.url} until the next scrape (at most ${Math.round(options.timeoutMs / 1000)} s; Ctrl-C stops now)`);
    return this.server.nextScrape({ timeoutMs: options.timeoutMs, signal: options.signal, since: this.finalMark ?? this.server.mark });
  }

  async close(): Promise<void> {
    this.eventLoop.stop();
    await this.server.close();
  }
}
