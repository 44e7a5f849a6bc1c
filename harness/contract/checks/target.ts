// The service under check, reached the way a run would reach it:
// - by URL: a service already running on 127.0.0.1, checked where it is (it must answer something on its
//   health route within the bound, or it cannot be reached);
// - by command: the embedded topology started with that one service replaced by the command (the replace
//   machinery: its PORT, FAULTLINE_LEDGER_STORE_URL, FAULTLINE_DISCOVERY_URL… and a ledger store, discovery
//   and the other mocks behind it), each replica checked at its own direct address. Stopping it stops
//   every process it started and frees every port, also when the checks fail or are interrupted.
import { normalizeLoopbackUrl } from '../../scenario/loopback-url.ts';
import { settleReplicaCounts, type ScaledService } from '../../scenario/replacements.ts';
import { topologySchema, type Replacement, type ReplaceableService } from '../../scenario/schema.ts';
import { startEmbeddedTopology, TopologyError } from '../../topology/embedded.ts';
import { StartInterrupted } from '../../topology/errors.ts';
import { httpStatus } from '../../topology/health.ts';
import { sleep } from '../../topology/replica.ts';
import { ServiceStartError } from '../../topology/service-process.ts';
import { InterruptedError } from './client.ts';

/** The service could not be started or reached: nothing was checked (exit 3). */
export class TargetUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnavailable';
  }
}

export interface ContractTarget {
  /** `the URL http://127.0.0.1:9000`, `command "node my-ledger.js" (2 replicas)`. */
  description: string;
  /** Direct base URLs of its replicas. */
  replicas: string[];
  /** The ledger store behind it, when faultline runs one (for balances the processor does not show). */
  ledgerUrl?: string;
  /** The feed/balance API behind a processor, when faultline runs one (the read-back compares it with the ledger). */
  feedUrl?: string;
  /** How many seeded accounts the service was told (FAULTLINE_ACCOUNTS), when faultline started it. */
  accounts?: number;
  /** What runs beside it, or how it is reached (for the header: `with faultline's ledger store behind it`). */
  beside?: string;
  stop(): Promise<void>;
}

/**
 * A service already running: it must answer GET `health` (any status, its whole answer) within `timeoutMs`.
 * Aborting `signal` (Ctrl-C) stops waiting: InterruptedError.
 */
export async function urlTarget(service: ReplaceableService, url: string, health: string, timeoutMs: number, signal?: AbortSignal): Promise<ContractTarget> {
  const base = normalizeLoopbackUrl(url);
  const until = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (signal?.aborted) throw new InterruptedError();
    try {
      await httpStatus(`${base}${health}`, Math.max(100, Math.min(2000, until - Date.now())));
      break;
    } catch (err) {
      last = (err as { code?: string }).code === 'ECONNREFUSED' ? 'connection refused' : (err as Error).message;
    }
    if (Date.now() >= until) throw new TargetUnavailable(`${service} at the URL ${url} cannot be reached: GET ${base}${health}: ${last} (for ${timeoutMs / 1000} s)`);
    await sleep(100);
  }
  return { description: `the URL ${url}`, replicas: [base], stop: async () => {} };
}

/** The embedded topology with `service` replaced by `replacement` (a command); resolves once every replica is healthy. */
export async function commandTarget(
  service: ReplaceableService,
  replacement: Replacement,
  counts: Partial<Record<ScaledService, number>>,
  seed: number,
  log: (line: string) => void = () => {},
  signal?: AbortSignal,
): Promise<ContractTarget> {
  const spec = topologySchema.parse({ processors: 1, ledgers: 1, feeds: 1, proxies: false });
  const replace = { [service]: replacement };
  settleReplicaCounts(spec, replace, counts);
  let topology;
  try {
    topology = await startEmbeddedTopology(spec, { seed, replace, log, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (err instanceof StartInterrupted) throw new InterruptedError();
    if (err instanceof TopologyError || err instanceof ServiceStartError) throw new TargetUnavailable(err.message);
    throw err;
  }
  const replicas = topology.replicas(service).map((r) => r.directUrl);
  const n = replicas.length;
  const target: ContractTarget = {
    description: `command "${replacement.command ?? ''}" (${n} replica${n === 1 ? '' : 's'})`,
    replicas,
    beside: besideOf(service),
    accounts: spec.accounts,
    stop: () => topology.stop(),
  };
  if (service === 'card-processor') {
    target.ledgerUrl = topology.urls.ledgerStore;
    const feed = topology.replicas('feed')[0]?.directUrl;
    if (feed) target.feedUrl = feed;
  }
  return target;
}

function besideOf(service: ReplaceableService): string {
  switch (service) {
    case 'ledger':
      return "with faultline's ledger store behind it";
    case 'ledger-store':
      // A store's routes are the replicas' routes, and a request through a replica would be judged by the replica's
      // own validation first: the checks reach the store at its own address.
      return "directly (in a run faultline's ledger replicas stand in front of it and forward each request unchanged)";
    case 'card-processor':
      return "with faultline's discovery, ledger and feed behind it";
    case 'feed':
      return "with faultline's pipeline around it";
  }
}
