// What the rest of the harness (faults, runner, CLI) may ask of a running topology.
import type { ScaledField, ServiceDefects, ServiceName } from '../../services/catalogue.ts';
import type { Replacements } from '../scenario/schema.ts';

/** The services, as the catalogue (services/catalogue.ts) names them. */
export type { ServiceName };

export interface ReplicaInfo {
  /** Replica name: `ledger-1`, `card-processor-2`, `feed-1`, `discovery`, `ledger-store`. */
  name: string;
  service: ServiceName;
  pid: number;
  /** The port the process itself listens on (127.0.0.1). */
  port: number;
  /** The Toxiproxy proxy in front of this replica, when proxies are on. */
  proxy?: { name: string; listenPort: number };
  /** The address clients use: the proxy's when there is one, else the process's. */
  url: string;
  /** The process's own address, bypassing the proxy. */
  directUrl: string;
  /** False while stopped, killed or paused. */
  running: boolean;
  paused: boolean;
  /**
   * What faultline controls of it: its local `process`, its `container`, or nothing but its `address`
   * (a service someone else runs: process faults on it are refused).
   */
  runtime?: RuntimeKind;
}

export type RuntimeKind = 'process' | 'container' | 'address';

/** A replica's process that ended while the topology ran. */
export interface ProcessExit {
  replica: string;
  service: ServiceName;
  pid: number;
  /** performance.now() when it ended. */
  atMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** faultline ended it (a process fault, a restart, the topology stopping); false: it died on its own. */
  expected: boolean;
}

export interface RestartOptions {
  newPort: boolean;
  onStopped?: () => void;
}

export interface TerminateOptions {
  /** Remove the replica from discovery first (a clean rolling deploy) and wait graceMs before the signal. */
  deregisterFirst: boolean;
  graceMs?: number;
}

export interface TopologyControl {
  /** Every replica, or those of one service. */
  replicas(service?: string): ReplicaInfo[];
  /** A target in a scenario: a service name (all its replicas) or one replica name. Throws naming the target. */
  resolveTarget(target: string): ReplicaInfo[];
  /** Known service names and replica names, for validating a scenario before traffic. */
  targetNames(): string[];
  /** Sends a signal to a replica's process (SIGKILL, SIGTERM, SIGSTOP, SIGCONT). */
  signal(replica: string, signal: NodeJS.Signals): void;
  /** SIGTERM with or without deregistering first. */
  terminate(replica: string, options: TerminateOptions): Promise<void>;
  /**
   * Starts a stopped or killed replica again; newPort moves it (and its proxy) to new ports. `onStopped`
   * is called once the old process is gone, before the new one is up (when a move takes effect).
   */
  restart(replica: string, options: RestartOptions): Promise<ReplicaInfo>;
  register(replica: string): Promise<void>;
  deregister(replica: string): Promise<void>;
  readonly urls: TopologyUrls;
  /** Every end of a replica's process so far, in order (topologies that run local processes). */
  processExits?(): readonly ProcessExit[];
}

/**
 * The topology's addresses: its fixed ones, and for each scaled service (its topology field: `processors`,
 * `ledgers`, `feeds`) the addresses of its replicas through their proxies — where the card network sends
 * to the processors, the app reads the feeds.
 */
export interface TopologyUrls extends Readonly<Record<ScaledField, string[]>> {
  /** Toxiproxy-compatible API (embedded proxy server, or the real one in compose mode). */
  toxiproxy: string;
  discovery: string;
  ledgerStore: string;
}

/** A started topology (embedded processes or compose containers): control plus teardown. */
export interface RunningTopology extends TopologyControl {
  mode: 'embedded' | 'compose';
  /** Stops every process/container it started and frees every port. Safe to call twice. */
  stop(): Promise<void>;
  /** Milliseconds from start() to every replica healthy and registered. */
  readonly startupMs: number;
}

export interface StartTopologyOptions {
  /** Scenario seed: accounts and proxy toxicity draws derive from it. */
  seed: number;
  /** Port for the Toxiproxy-compatible API (embedded default 0 = ephemeral; `faultline up` uses 8474). */
  toxiproxyPort?: number;
  /** Deliberate defects for checker tests, per service (services/catalogue.ts lists them): handed to the replicas' config as they are. */
  defects?: ServiceDefects;
  /** Mocks replaced by the user's own services, by command or URL (embedded mode). */
  replace?: Replacements;
  log?: (line: string) => void;
  /** Aborting it interrupts the start (Ctrl-C): every wait ends, what started is stopped, StartInterrupted is thrown. */
  signal?: AbortSignal;
}
