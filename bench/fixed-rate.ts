// The pipeline at a fixed rate through the card network (open model, stand-in off): the authorization
// latency from the intended send time, and the CPU every process of the pipeline used per authorization
// the issuer answered. Each process's CPU is user + system from /proc/<pid>/stat (all its threads: GC and
// libuv included), read after a short settle before the traffic and after the traffic has drained and settled
// (late asynchronous work, e.g. feed events, lands inside the window). The pipeline's figure counts the
// services and the fault proxy only; the driver (this process, process.cpuUsage) is reported beside it.
// So the figure does not move with how busy the machine is, only with how much work one authorization costs.
import { networkSchema, type TopologySpec, type TrafficSpec } from '../harness/scenario/schema.ts';
import { runOpenModel } from '../harness/traffic/load/open-model.ts';
import { planTraffic } from '../harness/traffic/requests/generator.ts';
import { CardNetwork } from '../harness/traffic/card-network/card-network.ts';
import { LatencyHistogram } from '../harness/history/latency.ts';
import { procReader } from '../harness/runner/proc-stats.ts';
import type { AccountSeed } from '../services/common/accounts.ts';
import type { EmbeddedTopology } from '../harness/topology/embedded.ts';
import type { LatencySummary } from '../harness/summary/types.ts';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FixedRateResult {
  rate: number;
  seconds: number;
  /** Authorizations answered (any outcome) during the measured traffic. */
  authorizations: number;
  /** Authorizations the issuer answered (approved or declined). */
  answered: number;
  latency: LatencySummary;
  /** CPU µs per authorization the issuer answered, every process of the pipeline together (the driver not included). */
  cpuUsPerAuth: number;
  /** CPU µs per authorization the issuer answered, by process (`fault-proxy`, replica names, and `driver`). */
  perProcess: Record<string, number>;
  /** The driver's own CPU µs per answered authorization (not part of cpuUsPerAuth). */
  driverUsPerAuth: number;
}

/** The driver's name in a CPU snapshot. */
export const DRIVER = 'driver';

/** Wait before the first and after the last CPU reading: in-flight work of the previous run ends, late work of this one lands. */
const SETTLE_MS = 300;

/** Every process of the pipeline, by name: the replicas and the fault proxy. */
export function pipelinePids(topology: EmbeddedTopology): Map<string, number> {
  const pids = new Map<string, number>();
  for (const r of topology.replicas()) if (r.pid > 0) pids.set(r.name, r.pid);
  if (topology.faultProxyPid > 0) pids.set('fault-proxy', topology.faultProxyPid);
  return pids;
}

const ticksPerSecond = 100; // USER_HZ on Linux: /proc times are in 1/100 s

/** CPU used so far (µs, user + system) by each named process, and by this one as `driver`. */
export function cpuSnapshot(pids: Map<string, number>): Map<string, number> {
  const reader = procReader();
  const out = new Map<string, number>();
  for (const [name, pid] of pids) {
    const p = reader.process(pid);
    // utime + stime (+ reaped children's, none for a service): µs.
    if (p) out.set(name, (p.cpu / ticksPerSecond) * 1e6);
  }
  const own = process.cpuUsage();
  out.set(DRIVER, own.user + own.system);
  return out;
}

export async function measureFixedRate(opts: {
  topology: EmbeddedTopology;
  spec: TopologySpec;
  traffic: TrafficSpec;
  accounts: readonly AccountSeed[];
  rate: number;
  seconds: number;
  seed: number;
}): Promise<FixedRateResult> {
  const { topology, rate, seconds } = opts;
  const histogram = new LatencyHistogram();
  let authorizations = 0;
  let answered = 0;
  const network = new CardNetwork({
    processorUrls: topology.urls.processors,
    feedUrls: topology.urls.feeds,
    network: networkSchema.parse({ standin: { enabled: false, limit_per_card: 0 } }),
    onRecord: (r) => {
      if (r.kind !== 'authorization' || r.dropped) return;
      authorizations++;
      if (r.outcome === 'approved' || r.outcome === 'declined') answered++;
      histogram.record(r.latency_ms);
    },
  });
  const pids = pipelinePids(topology);
  await sleep(SETTLE_MS);
  const before = cpuSnapshot(pids);
  try {
    await runOpenModel({
      requests: planTraffic({ seed: opts.seed, traffic: { ...opts.traffic, rate, duration_s: seconds }, accounts: opts.accounts }),
      send: (req, timing) => network.send(req, timing),
      onDrop: (req, timing) => void network.drop(req, timing),
      targetRate: rate,
      durationMs: seconds * 1000,
    });
  } finally {
    await network.close();
  }
  await sleep(SETTLE_MS);
  const { total, perProcess } = cpuPer(before, cpuSnapshot(pids), answered);
  const driverUsPerAuth = perProcess[DRIVER] ?? 0;
  return { rate, seconds, authorizations, answered, latency: histogram.summary(), cpuUsPerAuth: total - driverUsPerAuth, perProcess, driverUsPerAuth };
}

/**
 * The run kept up: the issuer answered at least 99% of the authorizations its schedule held. A CPU figure from
 * a run that did not (timeouts, aborted connections, reconnects) measures an overloaded pipeline's churn, not
 * what an authorization costs: it is reported, and counts as missed.
 */
export function keptUp(r: Pick<FixedRateResult, 'answered' | 'rate' | 'seconds'>, authorizationShare = 1): boolean {
  return r.answered >= 0.99 * r.rate * r.seconds * authorizationShare;
}

/** CPU µs per unit of work between two snapshots: all processes together (the driver too, when it is in them), and each. */
export function cpuPer(before: Map<string, number>, after: Map<string, number>, units: number): { total: number; perProcess: Record<string, number> } {
  const perProcess: Record<string, number> = {};
  let total = 0;
  const per = Math.max(1, units);
  for (const [name, end] of after) {
    const used = end - (before.get(name) ?? end);
    total += used / per;
    perProcess[name] = used / per;
  }
  return { total, perProcess };
}

/** "card-processor-1 61 µs, ledger-store 40 µs, …": the processes by CPU per authorization, most first. */
export function describePerProcess(perProcess: Record<string, number>): string {
  return Object.entries(perProcess)
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => `${name} ${us.toFixed(0)} µs`)
    .join(', ');
}
