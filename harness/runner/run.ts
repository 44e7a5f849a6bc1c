// The runner: boots the topology, starts traffic, applies the fault timeline on schedule, heals, drains,
// checks the money, and writes the run folder (summary.json, history, index.html, junit.xml).
// Ctrl-C (the signal) stops traffic, heals faults, stops every process and still writes what was measured.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { Scenario } from '../scenario/schema.ts';
import type { RunningTopology } from '../topology/types.ts';
import type { Summary } from '../summary/types.ts';
import type { HistoryRecord } from '../history/record.ts';
import { startEmbeddedTopology } from '../topology/embedded.ts';
import { FaultTimeline } from './fault-timeline.ts';
import { Progress } from './progress.ts';
import { drainProcessors } from './drain.ts';
import { makeRunFolder } from './run-folder.ts';
import { versions } from './versions.ts';
import { HistoryWriter } from '../history/writer.ts';
import { HistoryAggregator } from '../history/aggregate.ts';
import { withRecovery, successRateThreshold } from '../history/recovery.ts';
import { CardNetwork } from '../traffic/card-network.ts';
import { planTraffic, type PlannedRequest } from '../traffic/generator.ts';
import { readReplay } from '../traffic/replay.ts';
import { runOpenModel } from '../traffic/open-model.ts';
import { runClosedModel } from '../traffic/closed-model.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import { createLedgerReader } from '../checkers/ledger-reader.ts';
import { checkLedger } from '../checkers/check-ledger.ts';
import { decide, applyDecision, type BaselineInput } from '../gate/verdict.ts';
import { loadBaselineSummary, loadTolerances } from '../gate/baseline.ts';
import { writeReport } from '../report/report.ts';
import { rewriteHistoryResolutions } from './resolutions.ts';

export interface RunOptions {
  out?: string;
  replay?: string;
  speed?: number;
  mode?: 'embedded' | 'compose';
  baseline?: string;
  tolerances?: string;
  report?: boolean;
  /** The command that repeats this run, shown in the report. */
  command?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  progress?: boolean;
  /** Defects for checker tests: a ledger without idempotency, a feed that misses events. */
  ledgerIdempotency?: boolean;
  feedMissEventsPercent?: number;
  processorDropAdvicesPercent?: number;
}

export interface RunResult {
  summary: Summary;
  runDir: string;
}

export class HarnessError extends Error {}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Everything that can be wrong with the input is checked before anything starts.
  const plan: Iterable<PlannedRequest> | null = options.replay ? await readReplay(options.replay, { speed: options.speed ?? 1 }) : null;
  const baseline: BaselineInput | undefined = options.baseline
    ? { summary: await loadBaselineSummary(options.baseline), file: options.baseline, tolerances: options.tolerances ? await loadTolerances(options.tolerances) : undefined }
    : undefined;

  const runDir = await makeRunFolder(scenario.name, scenario.topology.router, options.out);
  const startedAt = new Date().toISOString();
  log(`faultline: ${scenario.name} (router ${scenario.topology.router}, stand-in ${scenario.network.standin.enabled ? 'on' : 'off'}, seed ${scenario.seed}) -> ${path.relative(process.cwd(), runDir) || runDir}`);

  let topology: RunningTopology | null = null;
  try {
    topology = await startTopology(scenario, options, log);
    log(`topology up in ${Math.round(topology.startupMs)} ms`);
    const summary = await drive(scenario, topology, runDir, startedAt, plan, baseline, options, log);
    return { summary, runDir };
  } finally {
    if (topology) await topology.stop();
  }
}

async function startTopology(scenario: Scenario, options: RunOptions, log: (line: string) => void): Promise<RunningTopology> {
  const opts = {
    seed: scenario.seed,
    ledgerIdempotency: options.ledgerIdempotency,
    feedMissEventsPercent: options.feedMissEventsPercent,
    processorDropAdvicesPercent: options.processorDropAdvicesPercent,
    log: process.env.FAULTLINE_DEBUG ? log : undefined,
  };
  if (options.mode === 'compose') {
    const { startComposeTopology } = await import('../compose/topology.ts');
    return startComposeTopology(scenario, opts);
  }
  return startEmbeddedTopology(scenario.topology, opts);
}

async function drive(
  scenario: Scenario,
  topology: RunningTopology,
  runDir: string,
  startedAt: string,
  replayPlan: Iterable<PlannedRequest> | null,
  baseline: BaselineInput | undefined,
  options: RunOptions,
  log: (line: string) => void,
): Promise<Summary> {
  const signal = options.signal;
  const accounts = seedAccounts(scenario.seed, scenario.topology.accounts);
  const timeline = new FaultTimeline(
    scenario.faults,
    { toxiproxy: new Toxiproxy(topology.urls.toxiproxy), topology, discoveryUrl: topology.urls.discovery, seed: scenario.seed, log },
    log,
  );
  const writer = new HistoryWriter({ dir: runDir });
  const windows = scenario.faults.map((f) => ({ name: f.name, start_s: f.start_s, end_s: f.end_s }));
  const aggregator = new HistoryAggregator({ duration_s: scenario.traffic.duration_s, faults: windows });
  let lastSecondOk = 0;
  let lastSecondTotal = 0;
  const onRecord = (record: HistoryRecord): void => {
    writer.append(record);
    aggregator.add(record);
    if (record.kind === 'authorization' && !record.dropped) {
      lastSecondTotal++;
      if (record.outcome !== 'failed' && record.outcome !== 'unknown') lastSecondOk++;
    }
  };
  const network = new CardNetwork({
    processorUrls: topology.urls.processors,
    feedUrls: topology.urls.feeds,
    network: scenario.network,
    activeFaults: (ms) => timeline.activeAt(ms),
    onRecord,
  });
  const progress = options.progress === false ? null : new Progress();
  const durationMs = scenario.traffic.duration_s * 1000;
  let incomplete = false;
  let load: Summary['load'];
  let closedSummary: Partial<Summary> | null = null;

  try {
    const t0 = performance.now() + 20;
    timeline.start(t0);
    if (scenario.traffic.model === 'closed') {
      const processor = topology.urls.processors[0] as string;
      const result = await runClosedModel({ url: processor, seed: scenario.seed, traffic: scenario.traffic, accounts, signal });
      load = { model: 'closed', target_rate: 0, achieved_rate: result.requests_per_s, late: 0, dropped: 0, sent: result.requests };
      closedSummary = closedModelCounts(result);
      incomplete = Boolean(signal?.aborted);
    } else {
      const requests = replayPlan ?? planTraffic({ seed: scenario.seed, traffic: scenario.traffic, accounts });
      const result = await runOpenModel({
        requests,
        send: (req, timing) => network.send(req, timing),
        onDrop: (req, timing) => void network.drop(req, timing),
        targetRate: scenario.traffic.rate,
        durationMs: replayPlan ? undefined : durationMs,
        drainTimeoutMs: scenario.network.issuer_deadline_ms + 5000,
        signal,
        startAt: t0,
        onTick: (p) => {
          progress?.update({
            elapsedS: p.elapsed_ms / 1000,
            durationS: scenario.traffic.duration_s,
            sentLastSecond: lastSecondTotal,
            successRate: lastSecondTotal ? lastSecondOk / lastSecondTotal : null,
            activeFaults: timeline.activeNow(),
          });
          lastSecondOk = 0;
          lastSecondTotal = 0;
        },
      });
      load = { model: 'open', target_rate: result.target_rate, achieved_rate: result.achieved_rate, late: result.late, dropped: result.dropped, sent: result.sent };
      incomplete = result.aborted;
    }
  } finally {
    progress?.done();
    await timeline.healAll();
  }

  // Store and forward: advices and timeout reversals go out once the faults have healed.
  const drainMs = incomplete ? 2000 : scenario.drain_s * 1000;
  const forward = await network.deliverAdvices({ deadlineMs: drainMs });
  network.finalize();
  await drainProcessors(topology, incomplete ? 1000 : Math.min(drainMs, 10_000), log);
  await network.close();
  const pendingAdvices = network
    .pendingForwards()
    .filter((m) => m.kind === 'advice')
    .map((m) => m.id);

  const history = await writer.close();
  const agg = aggregator.finish();
  const reader = createLedgerReader({ ledgerUrl: topology.urls.ledgerStore, feedUrl: topology.urls.feeds[0] ?? null });
  let checks;
  try {
    checks = await checkLedger({
      reader,
      accountIds: accounts.map((a) => a.id),
      outcomes: aggregator.outcomes,
      advicesPending: pendingAdvices,
    });
  } finally {
    await reader.close();
  }
  if (checks.resolutions.size > 0) await rewriteHistoryResolutions(history.path, checks.resolutions);

  const stats = network.stats();
  const faults = withRecovery(
    timeline.summaries().map((f) => ({ ...f, recovery_s: null })),
    agg.phases,
    agg.timeseries,
    { threshold: successRateThreshold(scenario.thresholds) },
  );
  let summary: Summary = {
    scenario: scenario.name,
    description: scenario.description,
    seed: scenario.seed,
    router: scenario.topology.router,
    standin: scenario.network.standin.enabled,
    mode: topology.mode,
    duration_s: scenario.traffic.duration_s,
    started_at: startedAt,
    incomplete,
    authorizations: agg.authorizations,
    latency_ms: agg.latency_ms,
    load: { ...load, late: agg.load.late, dropped: agg.load.dropped, sent: agg.load.sent || load.sent },
    phases: agg.phases,
    faults,
    app: agg.app,
    reversals: agg.reversals,
    advices: {
      queued: forward.advices.queued,
      delivered: forward.advices.delivered,
      attempts: forward.advices.attempts,
      pending: forward.advices.pending,
    },
    unknown_resolution: checks.unknown_resolution,
    causes: agg.causes,
    causes_by_fault: agg.causes_by_fault,
    retry_amplification: agg.retry_amplification,
    timeseries: agg.timeseries,
    invariants: checks.invariants,
    thresholds: [],
    passed: false,
    verdict: [],
    command: options.command ?? `npx faultline run ${scenario.name} --seed ${scenario.seed} --router ${scenario.topology.router}`,
    versions: versions(),
    files: { history: path.basename(history.path) },
    ...closedSummary,
  };
  if (stats.dropped && !summary.load.dropped) summary.load.dropped = stats.dropped;
  summary = applyDecision(summary, decide(summary, scenario.thresholds, baseline));
  if (options.report !== false) {
    summary.files.report = 'index.html';
    summary.files.junit = 'junit.xml';
  }
  await writeFile(path.join(runDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  if (options.report !== false) await writeReport(runDir);
  return summary;
}

function closedModelCounts(result: Awaited<ReturnType<typeof runClosedModel>>): Partial<Summary> {
  const failed = Math.max(0, result.requests + result.errors + result.timeouts - result.success);
  const total = result.success + failed;
  return {
    latency_ms: result.latency_ms,
    authorizations: {
      total,
      approved: result.success,
      declined: 0,
      standin_approved: 0,
      standin_declined: 0,
      failed,
      unknown: 0,
      success_rate: total ? result.success / total : 0,
      issuer_success_rate: total ? result.success / total : 0,
    },
  };
}
