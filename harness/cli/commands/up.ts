// `faultline up`: start the default topology and keep it running until SIGINT/SIGTERM, printing every
// service's URL and proxy, so a user can explore the pipeline by hand or point their own tools at it.
// --replace / --replace-url put the user's own services in the mocks' places, as in `faultline run`.
import path from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { prepareOutputFolder } from '../../files/output-folder.ts';
import { startEmbeddedTopology } from '../../topology/embedded.ts';
import { topologySchema, ROUTER_POLICIES, type RouterPolicy } from '../../scenario/schema.ts';
import { replacedServices, settleReplicaCounts } from '../../scenario/replacements.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { StartInterrupted } from '../../topology/errors.ts';
import type { RunningTopology } from '../../topology/types.ts';
import { seedFlag } from '../flags.ts';
import { replaceFlags } from '../replace-flags.ts';
import { replacedText } from '../../report/sections/run.ts';
import { DEFAULT_NAMESPACE } from '../../../services/discovery/contract.ts';
import { metricsPortFlag } from '../metrics-flags.ts';
import { LiveUpMetrics } from '../../metrics/up-metrics.ts';

export interface UpOptions {
  router?: string;
  json?: string;
  toxiproxyPort?: string;
  seed?: string;
  replace?: unknown;
  replaceUrl?: unknown;
  replicas?: unknown;
  metricsPort?: string;
}

export async function upCommand(options: UpOptions, out: (line: string) => void): Promise<number> {
  const router = (options.router ?? 'hardened') as RouterPolicy;
  if (!ROUTER_POLICIES.includes(router)) throw new UsageError(`--router must be one of ${ROUTER_POLICIES.join(', ')}, got "${options.router}"`);
  const toxiproxyPort = Number(options.toxiproxyPort ?? 8474);
  if (!Number.isInteger(toxiproxyPort) || toxiproxyPort < 0 || toxiproxyPort > 65535) throw new UsageError(`--toxiproxy-port must be a port number, got "${options.toxiproxyPort}"`);
  const seed = seedFlag(options.seed) ?? 1;
  const { replace, replicas } = replaceFlags(options);
  const metricsPort = metricsPortFlag(options.metricsPort);
  if (options.json) await prepareOutputFolder(path.dirname(path.resolve(options.json)), '--json'); // before anything starts
  const spec = topologySchema.parse({ router });
  settleReplicaCounts(spec, replace, replicas);
  const replaced = replacedServices({ replace, topology: spec });
  // Bound before the pipeline starts: a taken port stops `up` before any process does (exit 3).
  const metrics = metricsPort === undefined ? null : await LiveUpMetrics.start({ port: metricsPort, router, seed });
  // One Ctrl-C stops it, while it starts too: the start is interrupted and what it had started is stopped.
  const starting = new AbortController();
  const interruptStart = (): void => starting.abort();
  process.on('SIGINT', interruptStart);
  process.on('SIGTERM', interruptStart);
  let topology: RunningTopology;
  try {
    topology = await startEmbeddedTopology(spec, { seed, toxiproxyPort, replace, signal: starting.signal });
  } catch (err) {
    await metrics?.close();
    if (!(err instanceof StartInterrupted)) throw err;
    out(`stopped: ${err.message}`);
    return EXIT.interrupted;
  } finally {
    process.off('SIGINT', interruptStart);
    process.off('SIGTERM', interruptStart);
  }
  metrics?.watch(topology);
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      out('stopping…');
      void Promise.all([topology.stop(), metrics?.close()]).then(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const services = topology.replicas().map((r) => ({
    replica: r.name,
    service: r.service,
    pid: r.pid,
    url: r.url,
    direct_url: r.directUrl,
    proxy: r.proxy?.name ?? null,
    runtime: r.runtime ?? 'process',
  }));
  out(`faultline pipeline up in ${Math.round(topology.startupMs)} ms (router: ${router}, seed: ${seed})`);
  out(`Toxiproxy API  ${topology.urls.toxiproxy}   (any Toxiproxy client can add toxics to the proxies below)`);
  out(`discovery      ${topology.urls.discovery}   namespace: ${DEFAULT_NAMESPACE}   (Kubernetes Endpoints API: ${topology.urls.discovery}/api/v1/namespaces/${DEFAULT_NAMESPACE}/endpoints, ?watch=1 to watch)`);
  out(`               EndpointSlices: ${topology.urls.discovery}/apis/discovery.k8s.io/v1/namespaces/${DEFAULT_NAMESPACE}/endpointslices`);
  if (metrics) out(`metrics        ${metrics.url}   (Prometheus text format: replicas, fault proxies)`);
  for (const r of replaced) out(`replaced       ${replacedText(r)}`);
  for (const s of services) out(`${s.replica.padEnd(18)} ${s.url.padEnd(24)} proxy: ${(s.proxy ?? '-').padEnd(18)} direct: ${s.direct_url}  pid ${s.pid}`);
  out('Ctrl-C to stop.');
  if (options.json) {
    const endpoints = `${topology.urls.discovery}/api/v1/namespaces/${DEFAULT_NAMESPACE}/endpoints`;
    const endpointslices = `${topology.urls.discovery}/apis/discovery.k8s.io/v1/namespaces/${DEFAULT_NAMESPACE}/endpointslices`;
    // Written whole or not at all: a script polling for the file never reads half of it.
    await writeFileAtomic(
      options.json,
      JSON.stringify({ router, seed, toxiproxy: topology.urls.toxiproxy, discovery: topology.urls.discovery, namespace: DEFAULT_NAMESPACE, endpoints, endpointslices, replaced, services, ...(metrics ? { metrics: metrics.url } : {}) }, null, 2) + '\n',
    );
    out(`wrote ${options.json}`);
  }
  await stopped;
  return 0;
}
