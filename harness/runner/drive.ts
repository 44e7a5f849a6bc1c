// One run, from first request to summary.json: traffic with the fault timeline on schedule (warm-up
// first, time 0 at its end), then heal, settle (advices, drain), check the money, judge the machine's
// health (the driver, the fault plane, the CPU others took) and the verdict, and write the run folder.
// An interrupted run (the signal) takes the same path with what it measured.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { Summary } from '../summary/types.ts';
import { CardNetwork } from '../traffic/card-network/card-network.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import { FaultTimeline } from './fault-timeline.ts';
import { Progress } from './progress.ts';
import { versions } from './versions.ts';
import { DriverHealth } from './driver-health.ts';
import { ForeignCpuSampler } from './foreign-cpu.ts';
import { measuredStart, runTraffic } from './traffic.ts';
import { scheduleDriverStall } from './driver-stall.ts';
import { Recorders } from './recorders.ts';
import { settle } from './settle.ts';
import { checkRun } from './check-run.ts';
import { trafficClock } from './traffic-clock.ts';
import { writeRun } from './write-run.ts';
import { processEvents } from './process-events.ts';
import type { RunContext } from './context.ts';

export async function drive(ctx: RunContext): Promise<Summary> {
  const { scenario, topology, log, options } = ctx;
  const timeline = new FaultTimeline(
    scenario.faults,
    { toxiproxy: new Toxiproxy(topology.urls.toxiproxy), topology, discoveryUrl: topology.urls.discovery, seed: scenario.seed, log },
    log,
  );
  const recorders = new Recorders(scenario, ctx.runDir, options.metrics);
  const network = new CardNetwork({
    processorUrls: topology.urls.processors,
    feedUrls: topology.urls.feeds,
    network: scenario.network,
    activeFaults: (ms) => timeline.activeAt(ms),
    onRecord: recorders.record,
  });
  options.metrics?.watch({ activeFaults: () => timeline.activeNow(), advices: () => network.forwardReport().advices, replicas: () => topology.replicas() });
  const progress = options.progress === false ? null : new Progress();
  const health = new DriverHealth();
  // Compose mode's containers run outside the driver's process tree: their CPU would read as foreign.
  const foreignCpu =
    topology.mode === 'embedded'
      ? new ForeignCpuSampler({ roots: () => [process.pid, ...topology.replicas().filter((r) => r.runtime !== 'address' && r.pid > 0).map((r) => r.pid)] })
      : null;
  const t0 = measuredStart(scenario.warmup_s);
  const clock = trafficClock(t0);
  const startHealth = setTimeout(() => {
    health.start();
    foreignCpu?.start();
  }, Math.max(0, t0 - performance.now()));
  const stall = options.driverStall ? scheduleDriverStall(t0, options.driverStall) : null;

  let traffic;
  let foreignCpuFigures: ReturnType<ForeignCpuSampler['stop']> = null;
  try {
    timeline.start(t0);
    traffic = await runTraffic(ctx, {
      t0,
      network,
      accounts: seedAccounts(scenario.seed, scenario.topology.accounts),
      onSecond: (elapsedMs) => {
        const second = recorders.takeSecond();
        progress?.update({
          elapsedS: elapsedMs / 1000,
          durationS: scenario.traffic.duration_s,
          sentLastSecond: second.total,
          successRate: second.rate,
          activeFaults: timeline.activeNow(),
        });
      },
    });
  } finally {
    clearTimeout(startHealth);
    stall?.cancel();
    health.stop();
    progress?.done();
    await timeline.healAll();
    foreignCpuFigures = foreignCpu?.stop() ?? null;
  }
  const interrupted = traffic.aborted || Boolean(options.signal?.aborted);

  const settled = await settle(network, topology, interrupted ? 2000 : scenario.drain_s * 1000, log, { extend: !interrupted });
  const history = await recorders.writer.close();
  const aggregate = recorders.aggregator.finish();
  const checks = await checkRun(scenario, topology, recorders, {
    historyPath: history.path,
    pendingAdvices: settled.pendingAdvices,
    undeliveredAdvices: settled.undeliveredAdvices,
    interrupted,
    clock: clock.finish(),
  }, log);
  const { advices } = settled.forward;
  return writeRun(
    ctx,
    {
      incomplete: interrupted,
      aggregate,
      load: {
        model: traffic.model,
        target_rate: traffic.target_rate,
        // Sent ÷ the seconds traffic really covered (a run stopped early is not divided by its plan).
        achieved_rate: traffic.achieved_rate_from === 'model' ? traffic.achieved_rate : traffic.measured_s > 0 ? Math.round((aggregate.load.sent / traffic.measured_s) * 1000) / 1000 : 0,
        sent: traffic.sent,
        dropped: traffic.dropped,
        request_kinds: traffic.request_kinds,
      },
      timeline: timeline.summaries(),
      advices: { queued: advices.queued, delivered: advices.delivered, attempts: advices.attempts, pending: advices.pending },
      checks,
      eventLoop: health.figures(),
      machine: { foreign_cpu: foreignCpuFigures, undelivered_advices: interrupted ? 0 : settled.undeliveredAdvices.length },
      historyFile: path.basename(history.path),
      processEvents: processEvents(topology, scenario, t0),
    },
    versions(),
  );
}
