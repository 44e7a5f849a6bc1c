// What every topology does the same way, over its replica table: answering for its replicas, process
// faults through each replica's runtime (refused up front when the runtime says so), and keeping
// discovery in step (register, deregister, deregister-after-exit, re-register after a restart). A
// topology adds how it starts and stops, how a proxy moves, and the address it registers.
import { DEFAULT_NAMESPACE } from '../../services/discovery/contract.ts';
import { deregisterReplica, registerReplica } from './discovery-admin.ts';
import { settleWithin, sleep, type Replica } from './replica.ts';
import type { ReplicaTable } from './replica-table.ts';
import type { ProcessExit, ReplicaInfo, RestartOptions, TerminateOptions, TopologyControl, TopologyUrls } from './types.ts';

/** How long a restart waits for a deregistration still pending from an undrained SIGTERM. */
const PENDING_DEREGISTRATION_MS = 10_000;

export abstract class ReplicaTopology implements TopologyControl {
  urls: TopologyUrls;
  /** The discovery stub's own (admin) address; '' until the topology knows it. */
  protected discoveryAdmin = '';
  private readonly exits: ProcessExit[] = [];

  protected constructor(
    protected readonly table: ReplicaTable,
    protected readonly log: (line: string) => void,
  ) {
    this.urls = table.urls({ toxiproxy: '', discovery: '', ledgerStore: '' });
  }

  /** The address discovery hands out for a replica: its proxy's, or its own. */
  protected abstract registrationAddress(replica: Replica): { ip: string; port: number };

  /** The pod moved: puts the replica's proxy on a new port (the old one goes dead) and updates replica.proxy. */
  protected abstract moveProxy(replica: Replica): Promise<void>;

  processExits(): readonly ProcessExit[] {
    return this.exits;
  }

  /** Records every end of the replica's process from now on; one faultline did not cause is logged. */
  protected watchExits(replica: Replica): void {
    replica.runtime.onExit?.((exit) => {
      this.exits.push({ replica: replica.name, service: replica.service, ...exit });
      if (!exit.expected) this.log(`${replica.name} (pid ${exit.pid}) exited on its own with ${exit.signal ?? `code ${exit.code}`}`);
    });
  }

  replicas(service?: string): ReplicaInfo[] {
    return this.table.replicas(service);
  }

  resolveTarget(target: string): ReplicaInfo[] {
    return this.table.resolveTarget(target);
  }

  targetNames(): string[] {
    return this.table.targetNames();
  }

  signal(name: string, signal: NodeJS.Signals): void {
    this.controlled(name, `sending ${signal} to ${name}`).runtime.signal(signal);
  }

  async terminate(name: string, options: TerminateOptions): Promise<void> {
    const replica = this.controlled(name, `terminating ${name}`);
    if (options.deregisterFirst) {
      await this.deregisterReplica(replica);
      await sleep(options.graceMs ?? 1000);
    }
    await replica.runtime.terminate();
    this.log(`${name}: SIGTERM${options.deregisterFirst ? ' after deregistering' : ' while still registered'}`);
    if (!options.deregisterFirst) {
      // The endpoints controller notices only once the pod is gone: deregister after it exits.
      replica.exitWatch = replica.runtime
        .exited()
        .then(() => this.deregisterReplica(replica))
        .catch((err: Error) => this.log(`${name}: deregistering after exit failed: ${err.message}`));
    }
  }

  async restart(name: string, options: RestartOptions): Promise<ReplicaInfo> {
    const replica = this.controlled(name, `restarting ${name}`);
    await replica.runtime.restart(options.newPort, options.onStopped);
    if (options.newPort && replica.proxy) await this.moveProxy(replica);
    // A deregistration pending since a SIGTERM lands first, so the registration below is the last word.
    if (replica.exitWatch) await settleWithin(replica.exitWatch, PENDING_DEREGISTRATION_MS);
    replica.exitWatch = null;
    await this.registerReplica(replica);
    return this.table.info(replica);
  }

  async register(name: string): Promise<void> {
    await this.registerReplica(this.table.get(name));
  }

  async deregister(name: string): Promise<void> {
    await this.deregisterReplica(this.table.get(name));
  }

  /** The replica, if its runtime lets faultline do `action` to it; else the runtime's refusal. */
  protected controlled(name: string, action: string): Replica {
    const replica = this.table.get(name);
    const refusal = replica.runtime.refusal(action);
    if (refusal) throw refusal;
    return replica;
  }

  protected async registerReplica(replica: Replica): Promise<void> {
    if (!replica.discoveryService) return;
    const address = this.registrationAddress(replica);
    await registerReplica(this.discoveryAdmin, {
      namespace: DEFAULT_NAMESPACE,
      service: replica.discoveryService,
      replica: replica.name,
      ip: address.ip,
      port: address.port,
    });
    replica.registered = true;
  }

  protected async deregisterReplica(replica: Replica): Promise<void> {
    if (!replica.discoveryService) return;
    await deregisterReplica(this.discoveryAdmin, replica.discoveryService, replica.name);
    replica.registered = false;
  }
}
