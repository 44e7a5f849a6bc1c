// One replica's container, driven by docker commands that run one at a time, in the order asked.
//
// signal() must return at once (the fault API calls it synchronously, as it signals a local process),
// so commands queue here and failures are logged. Pause and unpause coalesce: a SIGSTOP/SIGCONT duty
// cycle faster than docker can follow ends in the last state asked for instead of a growing backlog.
import { composeProcessSignal, composeRestart } from './process-signal.ts';

export type DockerRunner = (args: string[]) => Promise<string>;

const TERMINATING: ReadonlySet<NodeJS.Signals> = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP']);

export class ContainerControl {
  /** As asked: false once a terminating signal was sent, true again after restart(). */
  running = true;
  paused = false;
  private pausedNow = false;
  private readonly pending: string[][] = [];
  private worker: Promise<void> | null = null;

  constructor(
    readonly replica: string,
    readonly container: string,
    private readonly docker: DockerRunner,
    private readonly log: (line: string) => void,
  ) {}

  /** Queues the docker command for `signal`; throws at once if the replica is not running. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) throw new Error(`${this.replica} is not running`);
    if (signal === 'SIGSTOP') this.paused = true;
    else if (signal === 'SIGCONT') this.paused = false;
    else {
      this.pending.push(composeProcessSignal(signal));
      if (TERMINATING.has(signal)) {
        this.running = false;
        this.paused = false;
      }
    }
    this.kick();
  }

  /** Resolves once every queued command has run. */
  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** Restarts the container (running, killed or paused) at once; throws if docker cannot. */
  async restart(): Promise<void> {
    this.pending.length = 0;
    this.paused = false;
    await this.idle();
    if (this.pausedNow) {
      await this.docker(['unpause', this.container]).catch(() => '');
      this.pausedNow = false;
    }
    await this.docker([...composeRestart(), this.container]);
    this.running = true;
    this.log(`${this.replica}: docker restart`);
  }

  private kick(): void {
    if (this.worker) return;
    this.worker = this.drain().finally(() => {
      this.worker = null;
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.pending.shift();
      if (next) {
        // docker refuses to kill a paused container: thaw it first, as the embedded mode sends SIGCONT.
        if (this.pausedNow) await this.run(['unpause']);
        this.pausedNow = false;
        await this.run(next);
      } else if (this.paused !== this.pausedNow) {
        const pause = this.paused;
        await this.run(composeProcessSignal(pause ? 'SIGSTOP' : 'SIGCONT'));
        this.pausedNow = pause;
      } else return;
    }
  }

  private async run(args: string[]): Promise<void> {
    try {
      await this.docker([...args, this.container]);
      this.log(`${this.replica}: docker ${args.join(' ')}`);
    } catch (err) {
      this.log(`${this.replica}: docker ${args.join(' ')} failed: ${(err as Error).message}`);
    }
  }
}
