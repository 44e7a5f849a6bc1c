// Compose mode: the same topology contract as the embedded mode, on Docker with the real Toxiproxy.
// `docker compose up -d --wait`, then the proxies through the Toxiproxy API (toxiproxy-node-client),
// then every replica registered with discovery; process faults become docker commands on containers.
// The stack comes down (`down -v --remove-orphans`) on stop(), on any failure while starting, and on
// SIGINT/SIGTERM while it runs. A replica replaced by an address (x-faultline.upstreams) runs no container.
import { Toxiproxy } from 'toxiproxy-node-client';
import type { Scenario, TopologySpec } from '../scenario/schema.ts';
import { AddressRuntime } from './address-runtime.ts';
import { ContainerControl } from './compose/container-control.ts';
import { ContainerRuntime } from './compose/container-runtime.ts';
import { containerIp, DockerUnavailableError, parsePublishedPort, runCompose, runDocker, type ComposeProject } from './compose/docker.ts';
import { StackLifecycle } from './compose/lifecycle.ts';
import {
  ComposeStackError,
  composeVariables,
  containerName,
  defaultComposeFiles,
  listenPort,
  planStack,
  readComposeFiles,
  readProxyConfig,
  SERVICE_PORT,
  SPARE_PROXY_PORTS,
  TOXIPROXY_API_PORT,
  type StackPlan,
  type StackReplica,
} from './compose/stack.ts';
import { createEmptyService, waitForRouters } from './discovery-admin.ts';
import { loopbackUrl, type Replica, type ReplicaRuntime } from './replica.ts';
import { ReplicaTable } from './replica-table.ts';
import { ReplicaTopology } from './replica-topology.ts';
import type { ReplicaInfo, RestartOptions, RunningTopology, StartTopologyOptions } from './types.ts';

export { ComposeStackError, DockerUnavailableError };

export interface ComposeTopologyOptions extends StartTopologyOptions {
  /** Compose project name (`-p`); default `faultline`. */
  project?: string;
  /** Compose files in merge order; default compose/docker-compose.yml plus compose/docker-compose.override.yml if present. */
  composeFiles?: string[];
  /** Toxiproxy API address; default: the host port docker published for it. */
  toxiproxyUrl?: string;
  /** Discovery's own address (its admin API); default: the host port docker published for it. */
  discoveryUrl?: string;
  /** Bound on `up` (a first run builds the image and pulls Toxiproxy); default 15 minutes. */
  upTimeoutMs?: number;
  /** Bound on a restarted container becoming healthy; default 60 s. */
  healthTimeoutMs?: number;
  /** Tear down on SIGINT/SIGTERM, and on exit, while the stack runs; default true. */
  handleSignals?: boolean;
}

export async function startComposeTopology(scenario: Scenario, opts: ComposeTopologyOptions): Promise<RunningTopology> {
  return ComposeTopology.start(scenario.topology, opts);
}

export class ComposeTopology extends ReplicaTopology implements RunningTopology {
  readonly mode = 'compose';
  startupMs = 0;
  private readonly plan: StackPlan;
  private readonly project: ComposeProject;
  private readonly lifecycle: StackLifecycle;
  private readonly containers = new Map<string, ContainerRuntime>();
  private readonly proxyPlans = new Map<string, StackReplica>();
  private readonly freePorts: number[];
  private toxiproxy: Toxiproxy | null = null;
  private toxiproxyIp = '';

  private constructor(
    private readonly spec: TopologySpec,
    private readonly opts: ComposeTopologyOptions,
  ) {
    super(new ReplicaTable({ error: (message) => new ComposeStackError(message) }), opts.log ?? (() => {}));
    const files = opts.composeFiles ?? defaultComposeFiles();
    this.plan = planStack(spec, readComposeFiles(files), readProxyConfig());
    this.project = { files, name: opts.project ?? 'faultline', env: composeVariables(spec, this.plan, opts) };
    for (const r of this.plan.replicas) this.table.add({ name: r.name, service: r.service, discoveryService: r.discoveryService, ...this.runtimeOf(r) });
    const taken = new Set(this.plan.replicas.flatMap((r) => (r.proxy ? [listenPort(r.proxy)] : [])));
    this.freePorts = SPARE_PROXY_PORTS.filter((p) => !taken.has(p));
    this.lifecycle = new StackLifecycle(this.project, this.log, opts.handleSignals !== false);
  }

  static async start(spec: TopologySpec, opts: ComposeTopologyOptions): Promise<ComposeTopology> {
    const started = performance.now();
    const topology = new ComposeTopology(spec, opts);
    try {
      await topology.boot();
      topology.lifecycle.started();
    } catch (err) {
      await topology.lifecycle.failed(err);
      throw err;
    }
    topology.startupMs = performance.now() - started;
    topology.log(`compose topology up in ${Math.round(topology.startupMs)} ms`);
    return topology;
  }

  private runtimeOf(r: StackReplica): { runtime: ReplicaRuntime; proxy: Replica['proxy'] } {
    if (r.proxy) this.proxyPlans.set(r.name, r);
    const proxy = r.proxy ? { name: r.proxy.name, listenPort: listenPort(r.proxy), url: loopbackUrl(listenPort(r.proxy)) } : null;
    if (r.external) {
      const refusal = `${r.name} is replaced by ${r.external} (x-faultline.upstreams): process faults need its container`;
      return { runtime: new AddressRuntime({ directUrl: `http://${r.external}`, port: SERVICE_PORT, refuse: () => new ComposeStackError(refusal) }), proxy };
    }
    const container = new ContainerRuntime({
      control: new ContainerControl(r.name, containerName(this.project.name, r.name), (args) => runDocker(args), this.log),
      docker: (args) => runDocker(args),
      publishedPort: () => this.publishedPort(r.name, SERVICE_PORT),
      healthTimeoutMs: this.opts.healthTimeoutMs ?? 60_000,
      needsNetworkIp: r.discoveryService !== null && proxy === null,
    });
    this.containers.set(r.name, container);
    return { runtime: container, proxy };
  }

  private async publishedPort(service: string, port: number): Promise<number> {
    const out = await runCompose(this.project, ['port', service, String(port)], { cancelSignal: this.lifecycle.cancel.signal });
    return parsePublishedPort(out, `${service} ${port}`);
  }

  private async boot(): Promise<void> {
    const { plan, project, lifecycle } = this;
    lifecycle.upcoming();
    this.log(`docker compose up (project ${project.name}): ${plan.services.join(', ')}`);
    await runCompose(project, ['up', '-d', '--wait', ...plan.services], { timeoutMs: this.opts.upTimeoutMs ?? 900_000, cancelSignal: lifecycle.cancel.signal });

    await Promise.all(this.table.all().map((r) => r.runtime.start()));
    const toxiproxyUrl = this.opts.toxiproxyUrl ?? loopbackUrl(await this.publishedPort('toxiproxy', TOXIPROXY_API_PORT));
    this.discoveryAdmin = this.opts.discoveryUrl || this.table.get('discovery').runtime.directUrl;
    // Discovery holds IPs, as Kubernetes Endpoints do: the containers' addresses on the compose network.
    if (plan.proxies.length > 0) this.toxiproxyIp = await containerIp(containerName(project.name, 'toxiproxy'));
    await Promise.all([...this.containers.values()].map((c) => c.lookupNetworkIp()));

    lifecycle.checkpoint();
    const toxiproxy = (this.toxiproxy = new Toxiproxy(toxiproxyUrl));
    this.log(`Toxiproxy ${(await toxiproxy.getVersion()).trim()} at ${toxiproxyUrl}`);
    await toxiproxy.populate(plan.proxies);
    await toxiproxy.reset();
    lifecycle.checkpoint();

    for (const replica of this.table.all()) await this.registerReplica(replica);
    for (const name of this.spec.scaled_to_zero) await createEmptyService(this.discoveryAdmin, name);
    await waitForRouters(this.table.replicas('card-processor'), { timeoutMs: 30_000, pollMs: 100, cancel: lifecycle.cancel.signal });
    const ledgerStore = this.table.get('ledger-store').runtime.directUrl;
    this.urls = this.table.urls({ toxiproxy: toxiproxy.host, discovery: this.discoveryAdmin, ledgerStore });
  }

  override async restart(name: string, options: RestartOptions): Promise<ReplicaInfo> {
    if (options.newPort && !this.table.get(name).proxy) throw this.noProxyToMove(name);
    return super.restart(name, options);
  }

  /** The pod moved: its proxy listens on a spare published port now, and the old address goes dead. */
  protected async moveProxy(replica: Replica): Promise<void> {
    const planned = this.proxyPlans.get(replica.name);
    if (!planned?.proxy || !this.toxiproxy || !replica.proxy) throw this.noProxyToMove(replica.name);
    const next = this.freePorts.shift();
    if (next === undefined) throw new ComposeStackError(`${replica.name}: no spare proxy port left (${SPARE_PROXY_PORTS[0]}-${SPARE_PROXY_PORTS.at(-1)})`);
    const upstream = planned.external ?? planned.proxy.upstream;
    await (await this.toxiproxy.get(planned.proxy.name)).remove();
    await this.toxiproxy.createProxy({ name: planned.proxy.name, listen: `0.0.0.0:${next}`, upstream });
    this.freePorts.push(replica.proxy.listenPort);
    replica.proxy = { name: planned.proxy.name, listenPort: next, url: loopbackUrl(next) };
  }

  private noProxyToMove(name: string): ComposeStackError {
    return new ComposeStackError(`${name}: a restart on a new port needs its Toxiproxy proxy in compose mode (topology.proxies on)`);
  }

  /** Addresses as the processors see them on the compose network: the proxy, or the container. */
  protected registrationAddress(replica: Replica): { ip: string; port: number } {
    if (replica.proxy) return { ip: this.toxiproxyIp, port: replica.proxy.listenPort };
    return { ip: this.containers.get(replica.name)?.networkIp ?? '', port: SERVICE_PORT };
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop();
  }
}
