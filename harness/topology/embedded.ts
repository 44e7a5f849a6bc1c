// The embedded topology: every replica is its own process on an ephemeral loopback port, with a
// Toxiproxy-compatible proxy in front of each, registered with the discovery stub (the way an endpoints
// controller would). Stopping it leaves no process and no bound port behind.
import { Toxiproxy } from 'toxiproxy-node-client';
import { startServiceProcess, stopServiceProcess, type ServiceProcess } from './service-process.ts';
import type { TopologySpec } from '../scenario/schema.ts';
import type { ReplicaInfo, RunningTopology, ServiceName, StartTopologyOptions, TerminateOptions, TopologyUrls } from './types.ts';
import { DEFAULT_NAMESPACE, type RegistrationRequest } from '../../services/discovery/contract.ts';

export class TopologyError extends Error {}

interface ReplicaState {
  name: string;
  service: ServiceName;
  entry: string;
  config: Record<string, unknown>;
  /** Registered in discovery under this service name (ledger, feed); null for infrastructure. */
  discoveryService: string | null;
  proxied: boolean;
  proc: ServiceProcess | null;
  proxyName?: string;
  proxyPort?: number;
  paused: boolean;
  registered: boolean;
}

const ENTRY: Record<ServiceName, string> = {
  'card-processor': 'services/card-processor/main.ts',
  ledger: 'services/ledger/main.ts',
  'ledger-store': 'services/ledger/main-store.ts',
  feed: 'services/feed/main.ts',
  discovery: 'services/discovery/main.ts',
};

function url(port: number): string {
  return `http://127.0.0.1:${port}`;
}

async function postJson(target: string, body: unknown, timeoutMs = 5000): Promise<void> {
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new TopologyError(`${target} answered ${res.status}: ${await res.text()}`);
}

export async function startEmbeddedTopology(spec: TopologySpec, opts: StartTopologyOptions): Promise<RunningTopology> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const replicas = new Map<string, ReplicaState>();
  let proxyProcess: ServiceProcess | null = null;
  let proxyUrl = '';
  let toxiproxy: Toxiproxy | null = null;
  let stopped = false;
  let discoveryDirect = '';
  let discoveryUrl = '';
  let storeUrl = '';

  const add = (name: string, service: ServiceName, config: Record<string, unknown>, discoveryService: string | null, proxied: boolean): ReplicaState => {
    const state: ReplicaState = { name, service, entry: ENTRY[service], config, discoveryService, proxied, proc: null, paused: false, registered: false };
    replicas.set(name, state);
    return state;
  };

  /** Starts several replicas; if any fails, waits for the rest (so none is orphaned) and throws the first error. */
  const launchAll = async (states: ReplicaState[]): Promise<void> => {
    const results = await Promise.allSettled(states.map((s) => launch(s)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  const launch = async (state: ReplicaState, port = 0): Promise<void> => {
    state.proc = await startServiceProcess({ replica: state.name, entry: state.entry, config: state.config, port });
    state.paused = false;
    log(`${state.name} up on ${url(state.proc.info.port)} (pid ${state.proc.info.pid})`);
  };

  const createProxy = async (state: ReplicaState): Promise<void> => {
    if (!toxiproxy || !state.proc || !spec.proxies || !state.proxied) return;
    const proxy = await toxiproxy.createProxy({
      name: state.name,
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${state.proc.info.port}`,
    });
    state.proxyName = state.name;
    state.proxyPort = Number(proxy.listen.split(':').pop());
  };

  const publicPort = (state: ReplicaState): number => {
    if (state.proxyPort) return state.proxyPort;
    if (!state.proc) throw new TopologyError(`${state.name} is not running`);
    return state.proc.info.port;
  };

  const info = (state: ReplicaState): ReplicaInfo => {
    const port = state.proc?.info.port ?? 0;
    return {
      name: state.name,
      service: state.service,
      pid: state.proc?.info.pid ?? 0,
      port,
      proxy: state.proxyName && state.proxyPort ? { name: state.proxyName, listenPort: state.proxyPort } : undefined,
      url: url(state.proxyPort ?? port),
      directUrl: url(port),
      running: state.proc?.alive() ?? false,
      paused: state.paused,
    };
  };

  const registration = (state: ReplicaState): RegistrationRequest => ({
    namespace: DEFAULT_NAMESPACE,
    service: state.discoveryService ?? state.service,
    replica: state.name,
    ip: '127.0.0.1',
    port: publicPort(state),
  });

  const register = async (state: ReplicaState): Promise<void> => {
    if (!state.discoveryService) return;
    await postJson(`${discoveryDirect}/__admin/register`, registration(state));
    state.registered = true;
  };

  const deregister = async (state: ReplicaState): Promise<void> => {
    if (!state.discoveryService) return;
    await postJson(`${discoveryDirect}/__admin/deregister`, { namespace: DEFAULT_NAMESPACE, service: state.discoveryService, replica: state.name });
    state.registered = false;
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const order: ServiceName[][] = [['card-processor'], ['ledger', 'feed'], ['ledger-store', 'discovery']];
    for (const group of order) {
      await Promise.all(
        [...replicas.values()].filter((r) => group.includes(r.service) && r.proc).map((r) => stopServiceProcess(r.proc as ServiceProcess, 3000)),
      );
    }
    if (proxyProcess) await stopServiceProcess(proxyProcess, 3000);
    log('topology stopped');
  };

  try {
    // Phase 1: the fault proxy API, discovery and the ledger store.
    // The fault proxy runs in its own process, beside the services (never in the driver's event loop).
    proxyProcess = await startServiceProcess({ replica: 'toxiproxy', entry: 'harness/proxy/main.ts', config: { seed: opts.seed }, port: opts.toxiproxyPort ?? 0 }).catch(
      (err: Error) => {
        if (/already in use/.test(err.message)) {
          throw new TopologyError(`the Toxiproxy API port ${opts.toxiproxyPort} is already in use: stop what holds it or pass --toxiproxy-port`);
        }
        throw err;
      },
    );
    proxyUrl = url(proxyProcess.info.port);
    toxiproxy = new Toxiproxy(proxyUrl);
    const discovery = add('discovery', 'discovery', { namespace: DEFAULT_NAMESPACE }, null, true);
    const store = add('ledger-store', 'ledger-store', { seed: opts.seed, accounts: spec.accounts, idempotency: opts.ledgerIdempotency ?? true }, null, false);
    await launchAll([discovery, store]);
    await createProxy(discovery);
    discoveryDirect = url((discovery.proc as ServiceProcess).info.port);
    discoveryUrl = url(publicPort(discovery));
    storeUrl = url((store.proc as ServiceProcess).info.port);

    // Phase 2: the replicas, all at once.
    const second: ReplicaState[] = [];
    for (let i = 1; i <= spec.ledgers; i++) second.push(add(`ledger-${i}`, 'ledger', { replica: `ledger-${i}`, storeUrl, seed: opts.seed }, 'ledger', true));
    for (let i = 1; i <= spec.feeds; i++)
      second.push(
        add(`feed-${i}`, 'feed', { replica: `feed-${i}`, seed: opts.seed, accounts: spec.accounts, miss_events_percent: opts.feedMissEventsPercent ?? 0 }, 'feed', true),
      );
    for (let i = 1; i <= spec.processors; i++)
      second.push(
        add(
          `card-processor-${i}`,
          'card-processor',
          {
            replica: `card-processor-${i}`,
            router: spec.router,
            discoveryUrl,
            namespace: DEFAULT_NAMESPACE,
            seed: opts.seed,
            accounts: spec.accounts,
            drop_advices_percent: opts.processorDropAdvicesPercent ?? 0,
            idempotency_by_id_only: opts.processorIdempotencyByIdOnly ?? false,
          },
          null,
          true,
        ),
      );
    await launchAll(second);
    await Promise.all(second.map((r) => createProxy(r)));
    await Promise.all(second.map((r) => register(r)));
    for (const name of spec.scaled_to_zero) {
      await postJson(`${discoveryDirect}/__admin/services`, { namespace: DEFAULT_NAMESPACE, service: name });
    }
    await waitForRouters(second.filter((r) => r.service === 'card-processor'));
  } catch (err) {
    await stop();
    if (err instanceof TopologyError) throw err;
    throw new TopologyError((err as Error).message);
  }

  const get = (name: string): ReplicaState => {
    const state = replicas.get(name);
    if (!state) throw new TopologyError(`no replica named "${name}"; known: ${[...replicas.keys()].join(', ')}`);
    return state;
  };

  const urls: TopologyUrls = {
    toxiproxy: proxyUrl,
    discovery: discoveryDirect,
    ledgerStore: storeUrl,
    get processors() {
      return [...replicas.values()].filter((r) => r.service === 'card-processor').map((r) => url(r.proxyPort ?? r.proc?.info.port ?? 0));
    },
    get feeds() {
      return [...replicas.values()].filter((r) => r.service === 'feed').map((r) => url(r.proxyPort ?? r.proc?.info.port ?? 0));
    },
    get ledgers() {
      return [...replicas.values()].filter((r) => r.service === 'ledger').map((r) => url(r.proxyPort ?? r.proc?.info.port ?? 0));
    },
  };

  const topology: RunningTopology = {
    mode: 'embedded',
    startupMs: performance.now() - started,
    urls,
    replicas(service?: string): ReplicaInfo[] {
      return [...replicas.values()].filter((r) => !service || r.service === service).map(info);
    },
    resolveTarget(target: string): ReplicaInfo[] {
      const byService = [...replicas.values()].filter((r) => r.service === target);
      if (byService.length > 0) return byService.map(info);
      const one = replicas.get(target);
      if (one) return [info(one)];
      throw new TopologyError(`unknown target "${target}"; known: ${topology.targetNames().join(', ')}`);
    },
    targetNames(): string[] {
      const names = new Set<string>();
      for (const r of replicas.values()) {
        names.add(r.service);
        names.add(r.name);
      }
      return [...names];
    },
    signal(name: string, signal: NodeJS.Signals): void {
      const state = get(name);
      if (!state.proc || !state.proc.alive()) throw new TopologyError(`${name} is not running`);
      state.proc.child.kill(signal);
      if (signal === 'SIGSTOP') state.paused = true;
      if (signal === 'SIGCONT') state.paused = false;
      log(`${name}: ${signal}`);
    },
    async terminate(name: string, options: TerminateOptions): Promise<void> {
      const state = get(name);
      if (options.deregisterFirst) {
        await deregister(state);
        await new Promise((r) => setTimeout(r, options.graceMs ?? 1000));
      }
      if (state.proc?.alive()) {
        state.proc.child.kill('SIGCONT');
        state.proc.child.kill('SIGTERM');
        log(`${name}: SIGTERM${options.deregisterFirst ? ' after deregistering' : ' while still registered'}`);
      }
      if (!options.deregisterFirst) {
        // The endpoints controller notices only once the pod is gone: deregister after it exits.
        const proc = state.proc;
        void proc?.exited.then(() => deregister(state).catch(() => {}));
      }
    },
    async restart(name: string, options: { newPort: boolean }): Promise<ReplicaInfo> {
      const state = get(name);
      const oldPort = state.proc?.info.port ?? 0;
      if (state.proc?.alive()) {
        state.proc.child.kill('SIGKILL');
        await state.proc.exited;
      }
      await launch(state, options.newPort ? 0 : oldPort);
      if (toxiproxy && state.proxyName) {
        if (options.newPort) {
          // The pod moved: a new address in front of it. The old proxy port goes dead, as the old pod IP did.
          await toxiproxy.get(state.proxyName).then((p) => p.remove()).catch(() => {});
          state.proxyPort = undefined;
          await createProxy(state);
        }
      }
      if (state.discoveryService) await register(state);
      return info(state);
    },
    async register(name: string): Promise<void> {
      await register(get(name));
    },
    async deregister(name: string): Promise<void> {
      await deregister(get(name));
    },
    stop,
  };
  log(`topology up in ${Math.round(topology.startupMs)} ms`);
  return topology;
}

/** Waits until every processor's router has resolved the ledger, so traffic does not start into a cold mesh. */
async function waitForRouters(processors: ReplicaState[], timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (const p of processors) {
    const base = url(p.proc?.info.port ?? 0);
    for (;;) {
      try {
        const res = await fetch(`${base}/__admin/router`, { signal: AbortSignal.timeout(1000) });
        const snapshot = (await res.json()) as { services?: Record<string, { endpoints?: unknown[] }> };
        const ledger = snapshot.services?.ledger?.endpoints;
        if (Array.isArray(ledger) && ledger.length > 0) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > until) throw new TopologyError(`${p.name}: its router did not resolve the ledger within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
