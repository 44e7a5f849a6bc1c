// Bench: the pipeline itself on this machine.
//   startup.topology_ms            default topology (processor x2, ledger x2, store, feed, discovery) up and registered
//   pipeline.p99_ms_at_1000        open model at 1,000 requests/s (the default mix) through the card network: authorization p99
//   pipeline.cpu_us_per_auth       the same run: CPU (user + system) of every process of the pipeline and of the driver, per authorization
//   pipeline.capacity_auth_per_s   capacity probe (autocannon, one instance per processor): the most issuer answers/s at >= 99.9% success
//   pipeline.capacity_vs_direct    that capacity over the plain HTTP server's rate measured in this section (proxy.direct_rps's yardstick)
//   pipeline.p99_ms_at_half_capacity  open model at half that rate through the card network: authorization p99
//   fault.activation_p99_ms        from a fault's scheduled time to the first request it affects (latency toxic, 1,000 req/s);
//                                  a window that never took effect is a miss and counts as infinite (bench/fault-activation.ts)
//   driver.peak_rss_mb             the driver's RSS during a 1,000/s run of `baseline` through the real runner
//   machine.request_floor_cpu_us   a minimal service's server CPU per request at the CPU figure's rate, one request at a time (bench/request-floor.ts)
//   pipeline.cpu_per_auth_in_floors  pipeline.cpu_us_per_auth over that floor: the pipeline's work in minimal requests' worth
import { startEmbeddedTopology } from '../harness/topology/embedded.ts';
import { topologySchema, trafficSchema, networkSchema } from '../harness/scenario/schema.ts';
import { runCapacityProbe } from '../harness/traffic/load/capacity-probe.ts';
import { runOpenModel } from '../harness/traffic/load/open-model.ts';
import { planTraffic } from '../harness/traffic/requests/generator.ts';
import { CardNetwork } from '../harness/traffic/card-network/card-network.ts';
import { LatencyHistogram } from '../harness/history/latency.ts';
import { seedAccounts } from '../services/common/accounts.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { applyOverrides } from '../harness/scenario/overrides.ts';
import { runScenario } from '../harness/runner/run.ts';
import { figure, type Figure, type Figures } from './figure.ts';
import { describePerProcess, keptUp, measureFixedRate, type FixedRateResult } from './fixed-rate.ts';
import { measureDirectRps } from './proxy.ts';
import { measureRequestFloor } from './request-floor.ts';
import type { EmbeddedTopology } from '../harness/topology/embedded.ts';
import { measureActivation } from './fault-activation.ts';
import type { ActivationScore } from './activation-score.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const log = (line: string): void => {
  process.stderr.write(`  ${line}\n`);
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function benchStartup(quick: boolean): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    const t = await startEmbeddedTopology(topologySchema.parse({}), { seed: 1 });
    times.push(t.startupMs);
    await t.stop();
  }
  log(`startup: ${times.map((t) => Math.round(t)).join(', ')} ms`);
  return median(times);
}

/** The open-model rate of the latency figure (requests/s, the default mix: 86% authorizations). */
const P99_RATE = 1000;
/** The rate of the CPU figure (authorizations/s, nothing else): well inside a quiet 2-core machine's capacity. */
const CPU_RATE = 500;

interface Throughput {
  capacity: number;
  p99AtHalf: number;
  levels: string;
  /** 500 authorizations/s: CPU per authorization. */
  cpu: FixedRateResult;
  /** 1,000 requests/s of the default mix: latency. */
  at1000: FixedRateResult;
}

function describeRun(r: FixedRateResult): string {
  return (
    `${r.rate}/s for ${r.seconds} s: ${r.authorizations} authorizations, ${r.answered} answered by the issuer; p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ` +
    `pipeline CPU ${r.cpuUsPerAuth.toFixed(0)} µs per answered authorization (${describePerProcess(r.perProcess)})`
  );
}

async function benchCapacity(quick: boolean): Promise<Throughput> {
  const spec = topologySchema.parse({});
  const topology = (await startEmbeddedTopology(spec, { seed: 1 })) as EmbeddedTopology;
  const accounts = seedAccounts(1, spec.accounts);
  const traffic = trafficSchema.parse({});
  const authorizationsOnly = { ...traffic, mix: { authorizations: 1, reversals: 0, balance: 0, feed: 0 } };
  const seconds = quick ? 3 : 10;
  let capacity = 0;
  const levels: string[] = [];
  try {
    // Fixed rates through the card network first (a fresh book). Warm-up: JIT (V8 compiles on background
    // threads, which /proc counts: a cold pipeline's CPU figure would include it) and the connection pools.
    await measureFixedRate({ topology, spec, traffic: authorizationsOnly, accounts, rate: CPU_RATE, seconds: 2, seed: 74 });
    await measureFixedRate({ topology, spec, traffic, accounts, rate: P99_RATE, seconds: 2, seed: 75 });
    // CPU per authorization: authorizations only, so no other request's work is charged to them.
    const cpu = await measureFixedRate({ topology, spec, traffic: authorizationsOnly, accounts, rate: CPU_RATE, seconds: quick ? 3 : 5, seed: 76 });
    log(`CPU run, authorizations only: ${describeRun(cpu)}`);
    // Latency at 1,000/s of the default mix.
    const at1000 = await measureFixedRate({ topology, spec, traffic, accounts, rate: P99_RATE, seconds: quick ? 3 : 5, seed: 78 });
    log(`latency run, default mix: ${describeRun(at1000)}`);
    // Warm-up: JIT and connection pools.
    await Promise.all(topology.urls.processors.map((url, i) => runCapacityProbe({ url, seed: 100 + i, traffic, accounts, connections: 8, durationS: quick ? 1 : 2, idPrefix: `warm${i}` })));
    // Quick: only the two levels where this machine peaks.
    for (const perProcessor of quick ? [16, 32] : [8, 16, 32, 64]) {
      const results = await Promise.all(
        topology.urls.processors.map((url, i) =>
          runCapacityProbe({ url, seed: perProcessor * 10 + i, traffic, accounts, connections: perProcessor, durationS: seconds, idPrefix: `cap${perProcessor}x${i}` }),
        ),
      );
      const perS = results.reduce((s, r) => s + r.success_per_s, 0);
      const share = Math.min(...results.map((r) => r.success_share));
      levels.push(`${perProcessor * results.length} conns: ${Math.round(perS)}/s at ${(share * 100).toFixed(2)}%`);
      log(levels[levels.length - 1] as string);
      if (share >= 0.999 && perS > capacity) capacity = perS;
    }
    // Half capacity, open model, through the card network: p99 of authorizations from the intended send time.
    const rate = Math.max(50, Math.round(capacity / 2));
    const histogram = new LatencyHistogram();
    const network = new CardNetwork({
      processorUrls: topology.urls.processors,
      feedUrls: topology.urls.feeds,
      network: networkSchema.parse({ standin: { enabled: false, limit_per_card: 0 } }),
      onRecord: (r) => {
        if (r.kind === 'authorization' && !r.dropped) histogram.record(r.latency_ms);
      },
    });
    await runOpenModel({
      requests: planTraffic({ seed: 77, traffic: { ...traffic, rate, duration_s: seconds }, accounts }),
      send: (req, timing) => network.send(req, timing),
      onDrop: (req, timing) => void network.drop(req, timing),
      targetRate: rate,
      durationMs: seconds * 1000,
    });
    await network.close();
    const p99 = histogram.summary().p99;
    log(`half capacity ${rate}/s: p99 ${p99} ms`);
    return { capacity, p99AtHalf: p99, levels: levels.join('; '), cpu, at1000 };
  } finally {
    await topology.stop();
  }
}

async function benchDriverRss(quick: boolean): Promise<number> {
  const { scenario } = await loadScenario('baseline');
  const s = applyOverrides(scenario, { rate: 1000, duration: quick ? 6 : 60 });
  const out = await mkdtemp(path.join(os.tmpdir(), 'faultline-bench-rss-'));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  try {
    const { summary } = await runScenario(s, { out, progress: false, log: () => {} });
    log(`1000/s run: success ${(summary.authorizations.success_rate * 100).toFixed(2)}%, achieved ${summary.load.achieved_rate}/s, p99 ${summary.latency_ms.p99} ms`);
  } finally {
    clearInterval(timer);
    await rm(out, { recursive: true, force: true });
  }
  return peak / 2 ** 20;
}

function activationFigure(a: ActivationScore): Figure {
  const finite = a.activations_ms.filter((x) => Number.isFinite(x));
  const worst = finite.length ? Math.max(...finite) : null;
  const note =
    `${a.windows} windows of a 100 ms latency toxic (0.5 s each), ${a.misses} miss${a.misses === 1 ? '' : 'es'} ` +
    `(no request slowed by ≥ 80 ms before the window's scheduled end: counted as infinite, not dropped). ` +
    `Nearest-rank p99 over all windows${a.windows < 100 ? ` (with ${a.windows} windows that is the worst one)` : ''}` +
    `${worst !== null ? `; worst window that took effect: ${worst.toFixed(1)} ms` : ''}. ` +
    'Measured from the scheduled start to the first request sent in the window that the toxic slowed, at 1,000 req/s (1 ms resolution).';
  return figure(a.p99_ms, 'ms', '< 50, no miss', a.misses === 0 && a.p99_ms < 50, note);
}

export async function benchPipeline(opts: { quick: boolean }): Promise<Figures> {
  const quick = opts.quick;
  const startup = await benchStartup(quick);
  const { capacity, p99AtHalf, levels, cpu, at1000 } = await benchCapacity(quick);
  // The yardstick of the day, right after the capacity runs: the plain HTTP server of proxy.direct_rps.
  const direct = await measureDirectRps(quick ? 2 : 5);
  log(`plain HTTP server (proxy.direct_rps's yardstick): ${Math.round(direct)} req/s`);
  // The CPU figure's yardstick of the day, right after it: a minimal request at the same pace.
  const floor = await measureRequestFloor(CPU_RATE, quick ? 3 : 5);
  log(`request floor at ${CPU_RATE}/s: ${floor.cpuUsPerRequest.toFixed(0)} µs server CPU per request (${floor.requests} requests)`);
  const floorKeptUp = floor.requests >= 0.95 * CPU_RATE * (quick ? 3 : 5);
  const activation = await measureActivation(quick ? 3 : 20);
  log(`fault activation (ms): ${activation.activations_ms.map((a) => (Number.isFinite(a) ? a.toFixed(1) : 'never')).join(', ')}`);
  const rss = await benchDriverRss(quick);
  const cpuValid = keptUp(cpu);
  return {
    'startup.topology_ms': figure(startup, 'ms', '< 1500', startup < 1500),
    'pipeline.p99_ms_at_1000': figure(
      at1000.latency.p99,
      'ms',
      '< 50',
      at1000.latency.p99 < 50,
      `${P99_RATE} requests/s of the default mix for ${at1000.seconds} s through the card network (stand-in off), after warm-up: ` +
        `${at1000.authorizations} authorizations, ${at1000.answered} answered by the issuer; authorization latency from the intended send time: p50 ${at1000.latency.p50} ms, max ${at1000.latency.max} ms.`,
    ),
    'pipeline.cpu_us_per_auth': figure(
      cpu.cpuUsPerAuth,
      'µs',
      '<= 250',
      cpuValid && cpu.cpuUsPerAuth <= 250,
      `${CPU_RATE} authorizations/s (nothing else) for ${cpu.seconds} s through the card network: CPU (user + system, every thread, /proc) of every process of the pipeline ` +
        `(processors, ledger replicas, store, feed, discovery, fault proxy) over the ${cpu.answered} authorizations the issuer answered (of ${cpu.authorizations}); ` +
        `by process: ${describePerProcess(cpu.perProcess)} (the driver's not in the sum)` +
        (cpuValid ? '.' : '; the run did not keep up (under 99% answered): an overloaded pipeline\'s figure, counted as missed.'),
    ),
    'machine.request_floor_cpu_us': figure(
      floor.cpuUsPerRequest,
      'µs',
      'reported',
      floorKeptUp,
      `a minimal service (services/common/app.ts's Fastify set-up, a JSON body and response schema, an empty handler) in its own process: server CPU ` +
        `(user + system, every thread, /proc) per request at ${CPU_RATE} requests/s on one connection (${floor.requests} requests), the pace of pipeline.cpu_us_per_auth. ` +
        'Each request wakes the process on its own, as the pipeline\'s do: on a virtual machine most of this figure is that wake-up, and it moves with the host over the day.' +
        (floorKeptUp ? '' : ' The load did not keep its pace (under 95% of the requests): the machine was busy.'),
    ),
    'pipeline.cpu_per_auth_in_floors': figure(
      floor.cpuUsPerRequest > 0 ? cpu.cpuUsPerAuth / floor.cpuUsPerRequest : 0,
      'x',
      'reported',
      cpuValid && floorKeptUp && floor.cpuUsPerRequest > 0,
      'pipeline.cpu_us_per_auth over machine.request_floor_cpu_us, both measured in this section: how many minimal requests\' worth of CPU one authorization ' +
        'costs the pipeline. One authorization is a request handled by three services (processor, ledger replica, store), two of which send one on, ' +
        'and two hops relayed by the fault proxy: compare this, not the µs, across days and machines.',
    ),
    'pipeline.capacity_auth_per_s': figure(capacity, 'auth/s', '>= 5000', capacity >= 5000, levels),
    'pipeline.capacity_vs_direct': figure(
      direct > 0 ? capacity / direct : 0,
      'x',
      'reported',
      direct > 0,
      `capacity over the plain HTTP server's rate measured in this section right after it (${Math.round(direct)} req/s; the yardstick of proxy.direct_rps): ` +
        'compare this, not the raw capacity, across days and machines.',
    ),
    'pipeline.p99_ms_at_half_capacity': figure(p99AtHalf, 'ms', 'reported', true),
    'fault.activation_p99_ms': activationFigure(activation),
    'driver.peak_rss_mb': figure(rss, 'MB', '< 250', rss < 250),
  };
}
