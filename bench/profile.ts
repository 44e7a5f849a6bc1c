// `node --import tsx bench/profile.ts [--rate 1000] [--seconds 10] [--out <dir>] [--top 12]`: CPU profiles of
// every process of the pipeline at a fixed rate through the card network. The services and the fault
// proxy run with `--cpu-prof` (FAULTLINE_NODE_OPTIONS; each writes its profile when it exits), the
// driver (this process) is profiled through the inspector during the traffic only. Prints each process's
// CPU per authorization and its top self-time functions during the measured traffic only; the .cpuprofile files stay in <dir> (open them
// in Chrome DevTools or speedscope).
import { Session } from 'node:inspector/promises';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedTopology, type EmbeddedTopology } from '../harness/topology/embedded.ts';
import { topologySchema, trafficSchema } from '../harness/scenario/schema.ts';
import { seedAccounts } from '../services/common/accounts.ts';
import { measureFixedRate, describePerProcess, cpuPer, cpuSnapshot, pipelinePids, DRIVER } from './fixed-rate.ts';
import { runCapacityProbe } from '../harness/traffic/load/capacity-probe.ts';
import { formatSummary, profileClockUs, summarizeProfileFile, type ProfileWindow } from './cpu-profile-summary.ts';
import { ROOT } from './output.ts';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? (process.argv[at + 1] as string) : fallback;
}

const rate = Number(option('rate', '1000'));
const seconds = Number(option('seconds', '10'));
const top = Number(option('top', '12'));
/** Closed loop instead: this many autocannon connections per processor, straight at the processors (no card network, no timeouts). */
const closed = Number(option('closed', '0'));
const out = path.resolve(option('out', path.join(os.tmpdir(), `faultline-profile-${Date.now()}`)));
if (!(rate > 0) || !(seconds > 0)) throw new Error('--rate and --seconds must be positive numbers');
await mkdir(out, { recursive: true });
process.env.FAULTLINE_NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${out} ${process.env.FAULTLINE_NODE_OPTIONS ?? ''}`;

const spec = topologySchema.parse({});
const topology = (await startEmbeddedTopology(spec, { seed: 1 })) as EmbeddedTopology;
process.stderr.write(`topology up in ${Math.round(topology.startupMs)} ms; profiles in ${out}\n`);
const names = new Map<number, string>();
for (const r of topology.replicas()) names.set(r.pid, r.name);
names.set(topology.faultProxyPid, 'fault-proxy');
const accounts = seedAccounts(1, spec.accounts);
const traffic = trafficSchema.parse({});
const session = new Session();
let result;
/** The measured traffic on the profiles' clock: the summaries count only these samples (not start-up, warm-up, shutdown). */
const window: ProfileWindow = { fromUs: 0, toUs: 0 };
const probe = (conns: number, s: number, prefix: string): Promise<number> =>
  Promise.all(topology.urls.processors.map((url, i) => runCapacityProbe({ url, seed: 10 + i, traffic, accounts, connections: conns, durationS: s, idPrefix: `${prefix}${i}` }))).then((rs) =>
    rs.reduce((n, r) => n + r.success, 0),
  );
try {
  // Warm-up (JIT, pools), not profiled.
  if (closed > 0) await probe(closed, 2, 'warm');
  else await measureFixedRate({ topology, spec, traffic, accounts, rate, seconds: 2, seed: 5 });
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  window.fromUs = profileClockUs();
  if (closed > 0) {
    const pids = pipelinePids(topology);
    const before = cpuSnapshot(pids);
    const started = performance.now();
    const success = await probe(closed, seconds, 'prof');
    const cpu = cpuPer(before, cpuSnapshot(pids), success);
    const rateSeen = success / ((performance.now() - started) / 1000);
    process.stderr.write(`closed loop, ${closed} connections per processor: ${success} decisions (${rateSeen.toFixed(0)}/s)\n`);
    result = { authorizations: success, latency: { p50: NaN, p99: NaN, max: NaN }, cpuUsPerAuth: cpu.total - (cpu.perProcess[DRIVER] ?? 0), perProcess: cpu.perProcess };
  } else result = await measureFixedRate({ topology, spec, traffic, accounts, rate, seconds, seed: 7 });
  window.toUs = profileClockUs();
  const { profile } = await session.post('Profiler.stop');
  await writeFile(path.join(out, `driver.cpuprofile`), JSON.stringify(profile));
  session.disconnect();
} finally {
  await topology.stop();
}
process.stderr.write(
  `${closed > 0 ? 'closed loop' : `${rate}/s`} for ${seconds} s: ${result.authorizations} authorizations, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms\n` +
    `pipeline CPU per answered authorization: ${result.cpuUsPerAuth.toFixed(0)} µs, the driver's beside it (${describePerProcess(result.perProcess)})\n\n`,
);
for (const file of (await readdir(out)).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const pid = Number(/\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(file)?.[1] ?? NaN);
  const title = file === 'driver.cpuprofile' ? 'driver' : (names.get(pid) ?? `pid ${pid}`);
  process.stdout.write(`${formatSummary(`${title} (${file})`, await summarizeProfileFile(path.join(out, file), ROOT, top, window))}\n\n`);
}
