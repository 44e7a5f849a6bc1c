// One run, from first request to summary.json: traffic with the fault timeline on schedule, then heal,
// deliver the advices, drain, check the money, judge the run's own health and its verdict, and write
// the run folder. An interrupted run (the signal) takes the same path with what it measured.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { HistoryRecord } from '../history/record.ts';
import type { Summary } from '../summary/types.ts';
import { HistoryWriter } from '../history/writer.ts';
import { HistoryAggregator } from '../history/aggregate.ts';
import { withRecovery, successRateThreshold } from '../history/recovery.ts';
import { CardNetwork } from '../traffic/card-network.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import { stringifyMasked } from '../../services/common/pan.ts';
import { createLedgerReader } from '../checkers/ledger-reader.ts';
import { checkLedger } from '../checkers/check-ledger.ts';
import { IdempotencyConflictsCheck } from '../checkers/idempotency-conflicts.ts';
import { decide, applyDecision } from '../gate/verdict.ts';
import { judgeValidity, validityLimits } from '../gate/validity.ts';
import { assembleSummary } from '../summary/assemble.ts';
import { validityFigures } from '../summary/validity-figures.ts';
import { writeReport } from '../report/report.ts';
import { FaultTimeline } from './fault-timeline.ts';
import { Progress } from './progress.ts';
import { drainProcessors } from './drain.ts';
import { versions } from './versions.ts';
import { rewriteHistoryResolutions } from './resolutions.ts';
import { DriverHealth } from './driver-health.ts';
import { measuredStart, runTraffic } from './traffic.ts';
import { scheduleDriverStall } from './driver-stall.ts';
import type { RunContext } from './context.ts';

export async function drive(ctx: RunContext): Promise<Summary> {
  const { scenario, topology, log, options } = ctx;
  const accounts = seedAccounts(scenario.seed, scenario.topology.accounts);
  const timeline = new FaultTimeline(
    scenario.faults,
    { toxiproxy: new Toxiproxy(topology.urls.toxiproxy), topology, discoveryUrl: topology.urls.discovery, seed: scenario.seed, log },
    log,
  );
  const writer = new HistoryWriter({ dir: ctx.runDir });
  const windows = scenario.faults.map((f) => ({ name: f.name, start_s: f.start_s, end_s: f.end_s }));
  const aggregator = new HistoryAggregator({ duration_s: scenario.traffic.duration_s, faults: windows, warmup_s: scenario.warmup_s });
  const second = { ok: 0, total: 0 };
  const conflicts = new IdempotencyConflictsCheck();
  const network = new CardNetwork({
    processorUrls: topology.urls.processors,
    feedUrls: topology.urls.feeds,
    network: scenario.network,
    activeFaults: (ms) => timeline.activeAt(ms),
    onRecord: (record: HistoryRecord) => {
      writer.append(record);
      aggregator.add(record);
      conflicts.record(record);
      if (record.kind === 'authorization' && !record.dropped) {
        second.total++;
        if (record.outcome !== 'failed' && record.outcome !== 'unknown') second.ok++;
      }
    },
  });
  const progress = options.progress === false ? null : new Progress();
  const health = new DriverHealth();
  const t0 = measuredStart(scenario.warmup_s);
  const startHealth = setTimeout(() => health.start(), Math.max(0, t0 - performance.now()));
  const stall = options.driverStall ? scheduleDriverStall(t0, options.driverStall) : null;

  let traffic;
  try {
    timeline.start(t0);
    traffic = await runTraffic(ctx, {
      t0,
      network,
      accounts,
      onSecond: (elapsedMs) => {
        progress?.update({
          elapsedS: elapsedMs / 1000,
          durationS: scenario.traffic.duration_s,
          sentLastSecond: second.total,
          successRate: second.total ? second.ok / second.total : null,
          activeFaults: timeline.activeNow(),
        });
        second.ok = 0;
        second.total = 0;
      },
    });
  } finally {
    clearTimeout(startHealth);
    stall?.cancel();
    health.stop();
    progress?.done();
    await timeline.healAll();
  }
  const incomplete = traffic.aborted || Boolean(options.signal?.aborted);

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
  const aggregate = aggregator.finish();
  const reader = createLedgerReader({ ledgerUrl: topology.urls.ledgerStore, feedUrl: topology.urls.feeds[0] ?? null });
  let checks;
  try {
    checks = await checkLedger({ reader, accountIds: accounts.map((a) => a.id), outcomes: aggregator.outcomes, advicesPending: pendingAdvices, interrupted: incomplete, conflicts });
  } finally {
    await reader.close();
  }
  if (checks.resolutions.size > 0) await rewriteHistoryResolutions(history.path, checks.resolutions);

  const faults = withRecovery(
    timeline.summaries().map((f) => ({ ...f, recovery_s: null })),
    aggregate.phases,
    aggregate.timeseries,
    { threshold: successRateThreshold(scenario.thresholds) },
  ).map((f) => {
    const applicable = f.scheduled_end_s < scenario.traffic.duration_s;
    return applicable ? { ...f, recovery_applicable: true } : { ...f, recovery_s: null, recovery_applicable: false };
  });
  const validity = judgeValidity(validityFigures(health.figures(), aggregate, faults), validityLimits(scenario.validity));
  let summary = assembleSummary({
    scenario: {
      name: scenario.name,
      description: scenario.description,
      seed: scenario.seed,
      router: scenario.topology.router,
      standin: scenario.network.standin.enabled,
      duration_s: scenario.traffic.duration_s,
    },
    mode: topology.mode,
    startedAt: ctx.startedAt,
    incomplete,
    aggregate,
    load: {
      model: traffic.model,
      target_rate: traffic.target_rate,
      achieved_rate: traffic.model === 'closed' ? traffic.achieved_rate : aggregate.load.achieved_rate,
      sent: traffic.sent,
      dropped: traffic.dropped,
    },
    faults,
    advices: { queued: forward.advices.queued, delivered: forward.advices.delivered, attempts: forward.advices.attempts, pending: forward.advices.pending },
    checks,
    validity,
    command: options.command ?? `npx faultline run ${scenario.name} --seed ${scenario.seed} --router ${scenario.topology.router}`,
    versions: versions(),
    historyFile: path.basename(history.path),
  });
  summary = applyDecision(summary, decide(summary, scenario.thresholds, ctx.baseline));
  if (options.report !== false) {
    summary.files.report = 'index.html';
    summary.files.junit = 'junit.xml';
  }
  await writeFile(path.join(ctx.runDir, 'summary.json'), stringifyMasked(summary, 2) + '\n');
  if (options.report !== false) await writeReport(ctx.runDir);
  return summary;
}
