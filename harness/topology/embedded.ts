// The embedded topology: every replica is its own process on an ephemeral loopback port, with a
// Toxiproxy-compatible proxy in front of each, registered with the discovery stub (the way an endpoints
// controller would). A mock the user replaced runs their command instead, or is only their URL
// (replacement-runtime.ts). Stopping it leaves no process and no bound port behind.
import { Toxiproxy } from 'toxiproxy-node-client';
import { FAULT_PROXY_ENTRY, STOP_ROUNDS } from '../../services/catalogue.ts';
import type { TopologySpec } from '../scenario/schema.ts';
import { createEmptyService, waitForRouters } from './discovery-admin.ts';
import { infrastructurePlan, servicePlan, type ReplicaPlan } from './embedded-plan.ts';
import { StartInterrupted, TopologyError } from './errors.ts';
import { ProcessRuntime } from './process-runtime.ts';
import { loopbackUrl, type Replica, type ReplicaRuntime } from './replica.ts';
import { ReplicaTable } from './replica-table.ts';
import { ReplicaTopology } from './replica-topology.ts';
import { replacementRuntime } from './replacement-runtime.ts';
import { startServiceProcess, stopServiceProcess, type ServiceProcess } from './service-process.ts';
import type { RunningTopology, StartTopologyOptions } from './types.ts';

export { TopologyError };

export async function startEmbeddedTopology(spec: TopologySpec, opts: StartTopologyOptions): Promise<RunningTopology> {
  return EmbeddedTopology.start(spec, opts);
}

export class EmbeddedTopology extends ReplicaTopology implements RunningTopology {
  readonly mode = 'embedded';
  startupMs = 0;
  private faultProxy: ServiceProcess | null = null;
  private toxiproxy: Toxiproxy | null = null;
  private readonly proxied = new Set<string>();
  private stopped = false;
  /** Aborted by opts.signal while the topology boots, never after: a restart during the run is not a start to interrupt. */
  private readonly booting = new AbortController();

  private constructor(
    private readonly spec: TopologySpec,
    private readonly opts: StartTopologyOptions,
  ) {
    super(new ReplicaTable({ error: (message) => new TopologyError(message) }), opts.log ?? (() => {}));
  }

  /** The fault proxy's process id (0 before it started): it serves no replica, so replicas() does not list it. */
  get faultProxyPid(): number {
    return this.faultProxy?.info.pid ?? 0;
  }

  static async start(spec: TopologySpec, opts: StartTopologyOptions): Promise<EmbeddedTopology> {
    const started = performance.now();
    const topology = new EmbeddedTopology(spec, opts);
    const interrupt = (): void => topology.booting.abort();
    opts.signal?.addEventListener('abort', interrupt, { once: true });
    try {
      if (opts.signal?.aborted) throw new StartInterrupted();
      await topology.boot();
      if (opts.signal?.aborted) throw new StartInterrupted();
    } catch (err) {
      await topology.stop();
      if (opts.signal?.aborted) throw new StartInterrupted();
      if (err instanceof TopologyError) throw err;
      throw new TopologyError((err as Error).message);
    } finally {
      opts.signal?.removeEventListener('abort', interrupt);
    }
    topology.startupMs = performance.now() - started;
    topology.log(`topology up in ${Math.round(topology.startupMs)} ms`);
    return topology;
  }

  /**
   * The fault proxy, discovery and the ledger store at once (none needs another to start), then every
   * service replica at once: two waves of process start-up, not three.
   */
  private async boot(): Promise<void> {
    const proxyStart = startFaultProxy(this.opts, this.booting.signal).then((p) => (this.faultProxy = p));
    const [proxy, infrastructure] = await Promise.allSettled([proxyStart, this.startAll(infrastructurePlan(this.spec, this.opts))]);
    // Both settled (so stop() finds whatever did start); the first failure is the one reported.
    if (proxy.status === 'rejected') throw proxy.reason;
    if (infrastructure.status === 'rejected') throw infrastructure.reason;
    const toxiproxyUrl = loopbackUrl(proxy.value.info.port);
    this.toxiproxy = new Toxiproxy(toxiproxyUrl);
    const [discovery, store] = infrastructure.value;
    if (this.booting.signal.aborted) throw new StartInterrupted();
    if (!discovery || !store) throw new TopologyError('the infrastructure plan names no discovery or ledger store');
    await this.addProxy(discovery);
    this.discoveryAdmin = discovery.runtime.directUrl;
    const deps = { discoveryUrl: this.table.info(discovery).url, storeUrl: store.runtime.directUrl };

    const services = await this.startAll(servicePlan(this.spec, this.opts, deps));
    await Promise.all(services.map((r) => this.addProxy(r)));
    await Promise.all(services.map((r) => this.registerReplica(r)));
    for (const name of this.spec.scaled_to_zero) await createEmptyService(this.discoveryAdmin, name);
    // A processor of the user's own has its own way of resolving the ledger: nothing to wait for.
    const processors = this.opts.replace?.['card-processor'] ? [] : services.filter((r) => r.service === 'card-processor').map((r) => this.table.info(r));
    await waitForRouters(processors, { timeoutMs: 10_000, pollMs: 25 });
    this.urls = this.table.urls({ toxiproxy: toxiproxyUrl, discovery: this.discoveryAdmin, ledgerStore: deps.storeUrl });
  }

  /** Adds the replicas and starts them together; if any fails, waits for the rest (so none is orphaned) and throws the first error. */
  private async startAll(plans: ReplicaPlan[]): Promise<Replica[]> {
    const replicas = plans.map((p) => {
      if (p.proxied) this.proxied.add(p.name);
      const replica = this.table.add({ name: p.name, service: p.service, discoveryService: p.discoveryService, runtime: this.runtimeOf(p) });
      this.watchExits(replica);
      return replica;
    });
    const results = await Promise.allSettled(replicas.map((r) => r.runtime.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return replicas;
  }

  /** What runs a planned replica: its mock's entry file as a local process, or the user's replacement. */
  private runtimeOf(p: ReplicaPlan): ReplicaRuntime {
    const signal = this.booting.signal;
    if (p.replacement) return replacementRuntime(p, p.replacement, this.log, signal);
    const launch = (port: number): Promise<ServiceProcess> => startServiceProcess({ replica: p.name, entry: p.entry, config: p.config, port, signal });
    return new ProcessRuntime(p.name, launch, this.log);
  }

  private async addProxy(replica: Replica): Promise<void> {
    if (!this.toxiproxy || !this.spec.proxies || !this.proxied.has(replica.name)) return;
    const proxy = await this.toxiproxy.createProxy({ name: replica.name, listen: '127.0.0.1:0', upstream: new URL(replica.runtime.directUrl).host });
    const listenPort = Number(proxy.listen.split(':').pop());
    replica.proxy = { name: replica.name, listenPort, url: loopbackUrl(listenPort) };
  }

  protected async moveProxy(replica: Replica): Promise<void> {
    if (!this.toxiproxy || !replica.proxy) return;
    // A new address in front of it. The old proxy port goes dead, as the old pod IP did.
    await this.toxiproxy
      .get(replica.proxy.name)
      .then((p) => p.remove())
      .catch(() => {});
    replica.proxy = null;
    await this.addProxy(replica);
  }

  protected registrationAddress(replica: Replica): { ip: string; port: number } {
    if (replica.proxy) return { ip: '127.0.0.1', port: replica.proxy.listenPort };
    if (replica.runtime.port === 0) throw new TopologyError(`${replica.name} is not running`);
    return { ip: '127.0.0.1', port: replica.runtime.port };
  }

  /** Stops every process it started and frees every port. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Front to back (the catalogue's stop rounds): nothing calls a replica that is already gone.
    for (const group of STOP_ROUNDS) {
      await Promise.all(
        this.table
          .all()
          .filter((r) => group.includes(r.service))
          .map((r) => r.runtime.stop()),
      );
    }
    if (this.faultProxy) await stopServiceProcess(this.faultProxy, 3000);
    this.log('topology stopped');
  }
}

/** The Toxiproxy-compatible fault proxy runs in its own process, beside the services (never in the driver's event loop). */
async function startFaultProxy(opts: StartTopologyOptions, signal: AbortSignal): Promise<ServiceProcess> {
  try {
    return await startServiceProcess({ replica: 'toxiproxy', entry: FAULT_PROXY_ENTRY, config: { seed: opts.seed }, port: opts.toxiproxyPort ?? 0, signal });
  } catch (err) {
    if (/already in use/.test((err as Error).message)) {
      throw new TopologyError(`the Toxiproxy API port ${opts.toxiproxyPort} is already in use: stop what holds it or pass --toxiproxy-port`);
    }
    throw err;
  }
}
