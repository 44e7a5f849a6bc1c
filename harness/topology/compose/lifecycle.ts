// When a compose stack comes down: `down -v --remove-orphans` on stop(), on any failure while it starts,
// and on SIGINT/SIGTERM or exit while it runs (containers outlive the process that started them). Once.
import { composeArgs, DockerUnavailableError, runCompose, runComposeSync, type ComposeProject } from './docker.ts';
import { ComposeStackError } from './stack.ts';
import { guardTeardown } from './teardown-on-signal.ts';

const DOWN = ['down', '-v', '--remove-orphans'];

export class StackLifecycle {
  /** Aborted when a start is interrupted or the stack comes down. */
  readonly cancel = new AbortController();
  /** The command that cleans up by hand, for messages. */
  readonly cleanup: string;
  private starting = true;
  private mayExist = false;
  private isDown = false;
  private teardown: Promise<void> | null = null;
  private readonly removeHandlers: () => void;

  constructor(
    private readonly project: ComposeProject,
    private readonly log: (line: string) => void,
    handleSignals: boolean,
  ) {
    this.cleanup = `docker ${composeArgs(project, DOWN).join(' ')}`;
    this.removeHandlers = handleSignals
      ? guardTeardown({
          teardown: () => this.down(),
          teardownSync: () => {
            this.isDown = runComposeSync(project, DOWN);
          },
          interruptStart: () => {
            if (!this.starting) return false;
            this.cancel.abort();
            return true;
          },
          isDone: () => !this.mayExist || this.isDown,
          log,
          cleanup: this.cleanup,
        })
      : () => {};
  }

  /** Called just before `up`: from here on, a failure brings the stack down. */
  upcoming(): void {
    this.mayExist = true;
  }

  /** Throws if the start was interrupted (Ctrl-C while starting). */
  checkpoint(): void {
    if (this.cancel.signal.aborted) throw new ComposeStackError('compose start interrupted');
  }

  started(): void {
    this.starting = false;
  }

  /** The start failed: bring down what may have started, and stop watching for signals. */
  async failed(err: unknown): Promise<void> {
    this.starting = false;
    // Docker could not run at all: nothing was started.
    if (err instanceof DockerUnavailableError) this.mayExist = false;
    await this.stop();
  }

  async stop(): Promise<void> {
    await this.down();
    this.removeHandlers();
  }

  private down(): Promise<void> {
    this.teardown ??= (async () => {
      this.cancel.abort();
      if (!this.mayExist) return;
      try {
        await runCompose(this.project, DOWN, { timeoutMs: 180_000 });
        this.isDown = true;
        this.log(`compose project ${this.project.name} is down`);
      } catch (err) {
        this.log(`docker compose down failed (clean up with: ${this.cleanup}): ${(err as Error).message}`);
      }
    })();
    return this.teardown;
  }
}
