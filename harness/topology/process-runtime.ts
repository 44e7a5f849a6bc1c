// A replica that is a local process: started by a launcher (a mock service's entry file, or a user's
// command: command-process.ts), signalled through its process group, restarted on the same or a new
// port, stopped with SIGTERM then SIGKILL. Each runs in its own process group (detached-process.ts).
// Every end of its process is told to the topology (onExit), marked expected when faultline caused it: a
// replica that dies on its own during a run is then reported as what happened.
import { stopServiceProcess, type ServiceProcess } from './service-process.ts';
import { TopologyError } from './errors.ts';
import { performance } from 'node:perf_hooks';
import { loopbackUrl, type ReplicaRuntime, type RuntimeExit } from './replica.ts';

/** Starts the replica's process listening on `port` (0 = any free port); resolves once it is ready. */
export type Launcher = (port: number) => Promise<ServiceProcess>;

export class ProcessRuntime implements ReplicaRuntime {
  readonly kind = 'process';
  paused = false;
  private proc: ServiceProcess | null = null;
  /** faultline has signalled, restarted or stopped the current process: its end is no surprise. */
  private ending = false;
  private exitListener: ((exit: RuntimeExit) => void) | null = null;

  constructor(
    readonly replica: string,
    private readonly launch: Launcher,
    private readonly log: (line: string) => void,
  ) {}

  get pid(): number {
    return this.proc?.info.pid ?? 0;
  }

  /** The port it listens on (its last one once it has exited; 0 before it ever started). */
  get port(): number {
    return this.proc?.info.port ?? 0;
  }

  get directUrl(): string {
    return loopbackUrl(this.port);
  }

  get running(): boolean {
    return this.proc?.alive() ?? false;
  }

  refusal(): null {
    return null;
  }

  onExit(listener: (exit: RuntimeExit) => void): void {
    this.exitListener = listener;
  }

  async start(port = 0): Promise<void> {
    const proc = await this.launch(port);
    this.proc = proc;
    this.ending = false;
    this.paused = false;
    this.watch(proc);
    this.log(`${this.replica} up on ${this.directUrl} (pid ${this.pid})`);
  }

  /** Tells the listener when `proc` ends (its leader: the group may take a moment longer). */
  private watch(proc: ServiceProcess): void {
    const report = (code: number | null, signal: NodeJS.Signals | null): void => {
      this.exitListener?.({ pid: proc.info.pid, atMs: performance.now(), code, signal, expected: this.ending || this.proc !== proc });
    };
    const { child } = proc;
    if (child.exitCode !== null || child.signalCode !== null) report(child.exitCode, child.signalCode);
    else child.once('exit', report);
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.proc?.alive()) throw new TopologyError(`${this.replica} is not running`);
    if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') this.ending = true;
    try {
      this.proc.signal(signal);
    } catch {
      throw new TopologyError(`${this.replica} is not running`); // it exited a moment ago
    }
    if (signal === 'SIGSTOP') this.paused = true;
    if (signal === 'SIGCONT') this.paused = false;
    this.log(`${this.replica}: ${signal}`);
  }

  async terminate(): Promise<void> {
    if (!this.proc?.alive()) return;
    this.ending = true;
    this.quietly('SIGCONT'); // a stopped process cannot handle SIGTERM
    this.quietly('SIGTERM');
  }

  /** Signals its group if it is still there; nothing if it exited meanwhile. */
  private quietly(signal: NodeJS.Signals): void {
    try {
      this.proc?.signal(signal);
    } catch {
      /* gone */
    }
  }

  exited(): Promise<void> {
    return this.proc ? this.proc.exited.then(() => {}) : Promise.resolve();
  }

  async restart(newPort: boolean, onStopped?: () => void): Promise<void> {
    const oldPort = this.port;
    this.ending = true;
    if (this.proc) {
      if (this.proc.alive()) this.quietly('SIGKILL');
      await this.proc.exited; // and what its command started (a shell's children), so the port is free
    }
    onStopped?.();
    await this.start(newPort ? 0 : oldPort);
  }

  async stop(graceMs = 3000): Promise<void> {
    this.ending = true;
    if (this.proc) await stopServiceProcess(this.proc, graceMs);
  }
}
