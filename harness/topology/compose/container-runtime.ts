// A compose replica's runtime: its container. Signals go through the container's command queue
// (ContainerControl: docker kill -s, pause, unpause), a restart is `docker restart -t 0` followed by its
// health check, and where it runs is what `docker compose port` and `docker inspect` say.
import { loopbackUrl, settleWithin, type ReplicaRuntime } from '../replica.ts';
import type { ContainerControl, DockerRunner } from './container-control.ts';
import { containerIp, waitContainerHealthy } from './docker.ts';
import { SERVICE_PORT } from './stack.ts';

/** How long a restart waits for the container's exit after an earlier SIGTERM (it may be draining). */
const PENDING_EXIT_MS = 10_000;

export interface ContainerRuntimeOptions {
  control: ContainerControl;
  docker: DockerRunner;
  /** The host port docker published for the container's SERVICE_PORT. */
  publishedPort: () => Promise<number>;
  /** Bound on the container becoming healthy after a restart. */
  healthTimeoutMs: number;
  /** Look up its address on the compose network (what discovery hands out when no proxy is in front). */
  needsNetworkIp: boolean;
}

export class ContainerRuntime implements ReplicaRuntime {
  readonly kind = 'container';
  /** A container has no process of ours on this host. */
  readonly pid = 0;
  readonly port = SERVICE_PORT;
  /** Its address on the compose network, once looked up. */
  networkIp: string | null = null;
  private hostPort: number | null = null;
  private pendingExit: Promise<void> | null = null;

  constructor(private readonly options: ContainerRuntimeOptions) {}

  get container(): string {
    return this.options.control.container;
  }

  get directUrl(): string {
    return this.hostPort ? loopbackUrl(this.hostPort) : '';
  }

  get running(): boolean {
    return this.options.control.running;
  }

  get paused(): boolean {
    return this.options.control.paused;
  }

  refusal(): null {
    return null;
  }

  /** `compose up` started it: learns the host port docker published for it. */
  async start(): Promise<void> {
    this.hostPort = await this.options.publishedPort();
  }

  async lookupNetworkIp(): Promise<void> {
    if (this.options.needsNetworkIp) this.networkIp = await containerIp(this.container);
  }

  signal(signal: NodeJS.Signals): void {
    this.options.control.signal(signal);
  }

  async terminate(): Promise<void> {
    if (this.options.control.running) this.options.control.signal('SIGTERM');
    await this.options.control.idle();
  }

  /** `docker wait`: resolves once the container has stopped. */
  exited(): Promise<void> {
    this.pendingExit = this.options.docker(['wait', this.container]).then(() => {});
    return this.pendingExit;
  }

  /** The container's port is fixed: a new port is the proxy's business (the topology moves it). */
  async restart(_newPort?: boolean, onStopped?: () => void): Promise<void> {
    // Let an exit still pending since a SIGTERM land first (bounded: the container may be draining).
    if (this.pendingExit) await settleWithin(this.pendingExit, PENDING_EXIT_MS);
    this.pendingExit = null;
    await this.options.control.restart();
    onStopped?.(); // docker restart stops and starts in one step: the old one is gone now
    await waitContainerHealthy(this.container, this.options.healthTimeoutMs);
    await this.start();
    await this.lookupNetworkIp();
  }

  /** The stack comes down whole (`compose down`). */
  async stop(): Promise<void> {}
}
