// One replica of a topology: what it is (name, service, the name it registers under in discovery), how it
// is reached (through its proxy, or directly) and its runtime. The runtime is the one thing that differs
// between topologies: a local process (embedded), a docker container (compose), or nothing of ours at
// all, only an address (a remote Toxiproxy's upstream, a compose replica replaced by a URL, a user's
// service already running).
import type { RuntimeKind, ServiceName } from './types.ts';

/** A replica's process ended: how, when, and whether faultline ended it. */
export interface RuntimeExit {
  pid: number;
  /** performance.now() when its process ended. */
  atMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** faultline ended it (a process fault, a restart, the topology stopping); false: it died on its own. */
  expected: boolean;
}

/** How one replica runs, and what faultline can do to it. */
export interface ReplicaRuntime {
  readonly kind: RuntimeKind;
  /** PID of its local process; 0 when it has none on this host. */
  readonly pid: number;
  /** The port the service itself listens on (where it runs: on 127.0.0.1, or inside its container). */
  readonly port: number;
  /** Its own address from this host, bypassing the proxy ('' while unknown). */
  readonly directUrl: string;
  readonly running: boolean;
  readonly paused: boolean;
  /** Why `action` (e.g. "restarting ledger-1") cannot be done to it, or null when it can. */
  refusal(action: string): Error | null;
  /** Brings it up, or learns where it runs, for the first time. */
  start(): Promise<void>;
  /** Delivers a process signal (SIGSTOP/SIGCONT pause and resume it); throws if it is not running. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, thawing it first; resolves once the signal is sent (not when it has exited). */
  terminate(): Promise<void>;
  /** Resolves once what runs now has exited. */
  exited(): Promise<void>;
  /**
   * Kills it if it still runs and starts it again; newPort: on another port, where the runtime picks ports.
   * `onStopped` is called once the old one is gone (before the new one is up).
   */
  restart(newPort: boolean, onStopped?: () => void): Promise<void>;
  /** Stops what faultline started of it and frees its port; nothing for what faultline does not own. */
  stop(): Promise<void>;
  /** Tells `listener` each time its process ends (runtimes with a local process only). */
  onExit?(listener: (exit: RuntimeExit) => void): void;
}

/** The Toxiproxy proxy in front of a replica. */
export interface ReplicaProxy {
  name: string;
  listenPort: number;
  /** The address clients use to reach the replica through it. */
  url: string;
}

export interface Replica {
  /** `ledger-1`, `card-processor-2`, `feed-1`, `discovery`, `ledger-store`. */
  readonly name: string;
  readonly service: ServiceName;
  /** Registered in discovery under this service name (`ledger`, `feed`); null for the others. */
  readonly discoveryService: string | null;
  readonly runtime: ReplicaRuntime;
  proxy: ReplicaProxy | null;
  /** In discovery now (as far as faultline registered or deregistered it). */
  registered: boolean;
  /** After a SIGTERM while still registered: settles once it has exited and been deregistered. */
  exitWatch: Promise<void> | null;
}

/** What a topology declares when it adds a replica to its table. */
export interface ReplicaSpec {
  name: string;
  service: ServiceName;
  discoveryService: string | null;
  runtime: ReplicaRuntime;
  proxy?: ReplicaProxy | null;
}

export const loopbackUrl = (port: number): string => `http://127.0.0.1:${port}`;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const noop = (): void => {};

/** Waits for `promise` to settle, or `ms` at most; leaves no timer behind. Never rejects. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.then(noop, noop), bound]).finally(() => clearTimeout(timer));
}
