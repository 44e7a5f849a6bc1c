// Compose mode: the same topology contract as the embedded mode, on Docker with the real Toxiproxy.
// `docker compose up -d --wait`, then the proxies through the Toxiproxy API (toxiproxy-node-client),
// then every replica registered with discovery; process faults become docker commands on containers.
// The stack comes down (`down -v --remove-orphans`) on stop(), on any failure while starting, and on
// SIGINT/SIGTERM while it runs.
import { Toxiproxy } from 'toxiproxy-node-client';
import { DEFAULT_NAMESPACE, type RegistrationRequest } from '../../services/discovery/contract.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ReplicaInfo, RunningTopology, StartTopologyOptions, TerminateOptions, TopologyUrls } from '../topology/types.ts';
import { ContainerControl } from './container-control.ts';
import { createEmptyService, deregisterReplica, registerReplica, waitForRouters } from './discovery-admin.ts';
import {
  composeArgs,
  containerIp,
  DockerUnavailableError,
  parsePublishedPort,
  runCompose,
  runComposeSync,
  runDocker,
  waitContainerHealthy,
  type ComposeProject,
} from './docker.ts';
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
  type StackReplica,
} from './stack.ts';
import { guardTeardown } from './teardown-on-signal.ts';

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

interface ReplicaState {
  plan: StackReplica;
  control: ContainerControl | null;
  /** Host port docker published for the container's own port; null for a replica outside the stack. */
  directPort: number | null;
  /** The proxy's listen port (the same number inside the Toxiproxy container and on the host). */
  proxyPort: number | null;
  /** After a SIGTERM without deregistering: waits for the container to exit, then deregisters. */
  exitWatch: Promise<void> | null;
  /** The container's address on the compose network (registered when it has no proxy). */
  ip: string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const local = (port: number): string => `http://127.0.0.1:${port}`;

export async function startComposeTopology(scenario: Scenario, opts: ComposeTopologyOptions): Promise<RunningTopology> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const spec = scenario.topology;
  const files = opts.composeFiles ?? defaultComposeFiles();
  const plan = planStack(spec, readComposeFiles(files), readProxyConfig());
  const project: ComposeProject = { files, name: opts.project ?? 'faultline', env: composeVariables(spec, plan, opts) };
  const docker = (args: string[]): Promise<string> => runDocker(args);
  const DOWN = ['down', '-v', '--remove-orphans'];
  const cleanup = `docker ${composeArgs(project, DOWN).join(' ')}`;

  const cancel = new AbortController();
  let starting = true;
  let stackMayExist = false;
  let isDown = false;
  let teardown: Promise<void> | null = null;
  const down = (): Promise<void> =>
    (teardown ??= (async () => {
      cancel.abort();
      if (!stackMayExist) return;
      try {
        await runCompose(project, DOWN, { timeoutMs: 180_000 });
        isDown = true;
        log(`compose project ${project.name} is down`);
      } catch (err) {
        log(`docker compose down failed (clean up with: ${cleanup}): ${(err as Error).message}`);
      }
    })());
  const removeSignalHandlers =
    opts.handleSignals === false
      ? () => {}
      : guardTeardown({
          teardown: down,
          teardownSync: () => {
            isDown = runComposeSync(project, DOWN);
          },
          interruptStart: () => {
            if (!starting) return false;
            cancel.abort();
            return true;
          },
          isDone: () => !stackMayExist || isDown,
          log,
          cleanup,
        });

  const replicas = new Map<string, ReplicaState>(
    plan.replicas.map((r) => [
      r.name,
      {
        plan: r,
        control: r.external ? null : new ContainerControl(r.name, containerName(project.name, r.name), docker, log),
        directPort: null,
        proxyPort: r.proxy ? listenPort(r.proxy) : null,
        exitWatch: null,
        ip: null,
      },
    ]),
  );
  const freePorts = SPARE_PROXY_PORTS.filter((p) => ![...replicas.values()].some((r) => r.proxyPort === p));
  let toxiproxy: Toxiproxy | null = null;
  let toxiproxyIp = '';
  let discoveryAdmin = opts.discoveryUrl ?? '';

  const publishedPort = async (service: string, port: number): Promise<number> =>
    parsePublishedPort(await runCompose(project, ['port', service, String(port)], { cancelSignal: cancel.signal }), `${service} ${port}`);

  const get = (name: string): ReplicaState => {
    const state = replicas.get(name);
    if (!state) throw new ComposeStackError(`no replica named "${name}"; known: ${[...replicas.keys()].join(', ')}`);
    return state;
  };
  const controlOf = (state: ReplicaState): ContainerControl => {
    if (!state.control) {
      throw new ComposeStackError(`${state.plan.name} is replaced by ${state.plan.external} (x-faultline.upstreams): process faults need its container`);
    }
    return state.control;
  };

  const info = (state: ReplicaState): ReplicaInfo => {
    const direct = state.directPort ? local(state.directPort) : state.plan.external ? `http://${state.plan.external}` : '';
    return {
      name: state.plan.name,
      service: state.plan.service,
      // A container has no process of ours on this host.
      pid: 0,
      port: SERVICE_PORT,
      proxy: state.plan.proxy && state.proxyPort ? { name: state.plan.proxy.name, listenPort: state.proxyPort } : undefined,
      url: state.proxyPort ? local(state.proxyPort) : direct,
      directUrl: direct,
      running: state.control?.running ?? true,
      paused: state.control?.paused ?? false,
    };
  };

  const registration = (state: ReplicaState): RegistrationRequest => ({
    namespace: DEFAULT_NAMESPACE,
    service: state.plan.discoveryService ?? state.plan.service,
    replica: state.plan.name,
    // Addresses as the processors see them on the compose network: the proxy, or the container.
    ip: (state.proxyPort ? toxiproxyIp : state.ip) ?? '',
    port: state.proxyPort ?? SERVICE_PORT,
  });
  const register = async (state: ReplicaState): Promise<void> => {
    if (state.plan.discoveryService) await registerReplica(discoveryAdmin, registration(state));
  };
  const deregister = async (state: ReplicaState): Promise<void> => {
    if (state.plan.discoveryService) await deregisterReplica(discoveryAdmin, state.plan.discoveryService, state.plan.name);
  };

  /** The pod moved: its proxy listens on a spare port now, and the old address goes dead. */
  const moveProxy = async (state: ReplicaState): Promise<void> => {
    const proxy = state.plan.proxy;
    if (!proxy || !toxiproxy) {
      throw new ComposeStackError(`${state.plan.name}: a restart on a new port needs its Toxiproxy proxy in compose mode (topology.proxies on)`);
    }
    const next = freePorts.shift();
    if (next === undefined) throw new ComposeStackError(`${state.plan.name}: no spare proxy port left (${SPARE_PROXY_PORTS[0]}-${SPARE_PROXY_PORTS.at(-1)})`);
    const upstream = state.plan.external ?? proxy.upstream;
    await (await toxiproxy.get(proxy.name)).remove();
    await toxiproxy.createProxy({ name: proxy.name, listen: `0.0.0.0:${next}`, upstream });
    if (state.proxyPort !== null) freePorts.push(state.proxyPort);
    state.proxyPort = next;
  };

  try {
    stackMayExist = true;
    log(`docker compose up (project ${project.name}): ${plan.services.join(', ')}`);
    await runCompose(project, ['up', '-d', '--wait', ...plan.services], { timeoutMs: opts.upTimeoutMs ?? 900_000, cancelSignal: cancel.signal });

    await Promise.all(
      [...replicas.values()]
        .filter((r) => r.control)
        .map(async (r) => {
          r.directPort = await publishedPort(r.plan.name, SERVICE_PORT);
        }),
    );
    const toxiproxyUrl = opts.toxiproxyUrl ?? local(await publishedPort('toxiproxy', TOXIPROXY_API_PORT));
    discoveryAdmin ||= info(get('discovery')).directUrl;
    // Discovery holds IPs, as Kubernetes Endpoints do: the containers' addresses on the compose network.
    if (plan.proxies.length > 0) toxiproxyIp = await containerIp(containerName(project.name, 'toxiproxy'));
    await Promise.all(
      [...replicas.values()]
        .filter((r) => r.control && r.plan.discoveryService && !r.proxyPort)
        .map(async (r) => {
          r.ip = await containerIp(controlOf(r).container);
        }),
    );

    const checkpoint = (): void => {
      if (cancel.signal.aborted) throw new ComposeStackError('compose start interrupted');
    };
    checkpoint();
    toxiproxy = new Toxiproxy(toxiproxyUrl);
    log(`Toxiproxy ${(await toxiproxy.getVersion()).trim()} at ${toxiproxyUrl}`);
    await toxiproxy.populate(plan.proxies);
    await toxiproxy.reset();
    checkpoint();

    for (const state of replicas.values()) await register(state);
    for (const name of spec.scaled_to_zero) await createEmptyService(discoveryAdmin, name);
    await waitForRouters([...replicas.values()].filter((r) => r.plan.service === 'card-processor').map(info), cancel.signal);
    starting = false;
  } catch (err) {
    starting = false;
    // Docker could not run at all: nothing was started.
    if (err instanceof DockerUnavailableError) stackMayExist = false;
    await down();
    removeSignalHandlers();
    throw err;
  }

  const list = (service: string): string[] => [...replicas.values()].filter((r) => r.plan.service === service).map((r) => info(r).url);
  const urls: TopologyUrls = {
    toxiproxy: toxiproxy.host,
    discovery: discoveryAdmin,
    ledgerStore: info(get('ledger-store')).directUrl,
    get processors() {
      return list('card-processor');
    },
    get feeds() {
      return list('feed');
    },
    get ledgers() {
      return list('ledger');
    },
  };

  const topology: RunningTopology = {
    mode: 'compose',
    startupMs: performance.now() - started,
    urls,
    replicas(service?: string): ReplicaInfo[] {
      return [...replicas.values()].filter((r) => !service || r.plan.service === service).map(info);
    },
    resolveTarget(target: string): ReplicaInfo[] {
      const byService = [...replicas.values()].filter((r) => r.plan.service === target);
      if (byService.length > 0) return byService.map(info);
      const one = replicas.get(target);
      if (one) return [info(one)];
      throw new ComposeStackError(`unknown target "${target}"; known: ${topology.targetNames().join(', ')}`);
    },
    targetNames(): string[] {
      return [...new Set([...replicas.values()].flatMap((r) => [r.plan.service, r.plan.name]))];
    },
    signal(name: string, signal: NodeJS.Signals): void {
      controlOf(get(name)).signal(signal);
    },
    async terminate(name: string, options: TerminateOptions): Promise<void> {
      const state = get(name);
      const control = controlOf(state);
      if (options.deregisterFirst) {
        await deregister(state);
        await sleep(options.graceMs ?? 1000);
      }
      if (control.running) control.signal('SIGTERM');
      await control.idle();
      log(`${name}: SIGTERM${options.deregisterFirst ? ' after deregistering' : ' while still registered'}`);
      if (!options.deregisterFirst) {
        // The endpoints controller notices only once the pod is gone: deregister after the container exits.
        state.exitWatch = docker(['wait', control.container])
          .then(() => deregister(state))
          .catch((err: Error) => log(`${name}: deregistering after exit failed: ${err.message}`));
      }
    },
    async restart(name: string, options: { newPort: boolean }): Promise<ReplicaInfo> {
      const state = get(name);
      const control = controlOf(state);
      if (options.newPort && !state.plan.proxy) {
        throw new ComposeStackError(`${name}: a restart on a new port needs its Toxiproxy proxy in compose mode (topology.proxies on)`);
      }
      // Let a pending deregistration land first, so the registration below is the last word.
      if (state.exitWatch) await Promise.race([state.exitWatch, sleep(10_000)]);
      state.exitWatch = null;
      await control.restart();
      await waitContainerHealthy(control.container, opts.healthTimeoutMs ?? 60_000);
      state.directPort = await publishedPort(name, SERVICE_PORT);
      if (!state.proxyPort && state.plan.discoveryService) state.ip = await containerIp(control.container);
      if (options.newPort) await moveProxy(state);
      await register(state);
      return info(state);
    },
    async register(name: string): Promise<void> {
      await register(get(name));
    },
    async deregister(name: string): Promise<void> {
      await deregister(get(name));
    },
    async stop(): Promise<void> {
      await down();
      removeSignalHandlers();
    },
  };
  log(`compose topology up in ${Math.round(topology.startupMs)} ms`);
  return topology;
}
