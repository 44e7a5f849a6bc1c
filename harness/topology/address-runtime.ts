// A replica that is only an address: a service faultline did not start and holds no handle on (a remote
// Toxiproxy's upstream, a compose replica replaced by a URL, a team's own service already running). It is
// reached, proxied and registered like any other; process faults on it are refused with the topology's
// own message, before anything else is done.
import type { ReplicaRuntime } from './replica.ts';

export interface AddressRuntimeOptions {
  /** Its address from this host, e.g. http://127.0.0.1:9300. */
  directUrl: string;
  /** The port it listens on, as the topology reports it. */
  port: number;
  /** The error for a process fault ("restarting ledger-1", "sending SIGKILL to ledger-1"). */
  refuse: (action: string) => Error;
  /** Waits until it answers, if the topology wants that before registering it. */
  ready?: () => Promise<void>;
}

export class AddressRuntime implements ReplicaRuntime {
  readonly kind = 'address';
  readonly pid = 0;
  readonly running = true;
  readonly paused = false;
  readonly directUrl: string;
  readonly port: number;

  constructor(private readonly options: AddressRuntimeOptions) {
    this.directUrl = options.directUrl;
    this.port = options.port;
  }

  refusal(action: string): Error {
    return this.options.refuse(action);
  }

  async start(): Promise<void> {
    await this.options.ready?.();
  }

  signal(signal: NodeJS.Signals): void {
    throw this.refusal(`sending ${signal}`);
  }

  async terminate(): Promise<void> {
    throw this.refusal('terminating');
  }

  /** It never exits as far as faultline can tell. */
  exited(): Promise<void> {
    return new Promise(() => {});
  }

  async restart(): Promise<void> {
    throw this.refusal('restarting');
  }

  async stop(): Promise<void> {
    // Not ours to stop.
  }
}
