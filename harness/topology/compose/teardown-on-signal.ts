// While a compose stack runs, Ctrl-C or SIGTERM must still bring it down: containers outlive the process
// that started them.
//
// - Nobody else listening for the signal: tear down at once, then let the signal end the process as it
//   would have. A second signal exits at once (the exit hook below still tears down).
// - Someone else listening (the CLI winds a run down: heals faults, reads the ledger, writes the report,
//   then calls stop()): leave it to them, with a backstop timer in case stop() never comes. A start still
//   in progress is cancelled either way (it tears down on its way out).
// - The process exits with the stack still up (process.exit from anywhere, a second Ctrl-C in the CLI):
//   a synchronous teardown runs in the exit hook.

export interface TeardownGuardOptions {
  teardown: () => Promise<void>;
  /** Cancels a start still in progress (its failure path then tears down); false once started. */
  interruptStart: () => boolean;
  /** Blocking teardown for the exit hook, where nothing asynchronous runs any more. */
  teardownSync: () => void;
  /** True once the stack is down (or never came up). */
  isDone: () => boolean;
  log: (line: string) => void;
  /** The command that cleans up by hand, for messages. */
  cleanup: string;
  /** With other listeners: tear down anyway if stop() has not come after this long. Default 5 minutes. */
  othersGraceMs?: number;
}

/** Installs the handlers; returns the function that removes them. */
export function guardTeardown(opts: TeardownGuardOptions): () => void {
  let firstSignal: NodeJS.Signals | null = null;
  let backstop: NodeJS.Timeout | undefined;

  const onExit = (): void => {
    if (opts.isDone()) return;
    process.stderr.write(`faultline: the process is exiting with the compose stack up; running: ${opts.cleanup}\n`);
    opts.teardownSync();
  };
  const remove = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    clearTimeout(backstop);
  };

  function onSignal(signal: NodeJS.Signals): void {
    // Nobody can call stop() on a stack that is still starting: cancel the start in any case.
    if (opts.interruptStart()) opts.log(`${signal}: cancelling the compose start`);
    if (process.listenerCount(signal) > 1) {
      if (!backstop) {
        backstop = setTimeout(() => {
          opts.log(`${signal}: the run did not stop the compose stack within ${opts.othersGraceMs ?? 300_000} ms; tearing it down`);
          void opts.teardown();
        }, opts.othersGraceMs ?? 300_000);
        backstop.unref();
      }
      return;
    }
    if (firstSignal) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(130);
    }
    firstSignal = signal;
    opts.log(`${signal}: tearing down the compose stack`);
    void opts
      .teardown()
      .catch((err: Error) => opts.log(`teardown after ${signal} failed (clean up with: ${opts.cleanup}): ${err.message}`))
      .finally(() => {
        remove();
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
  }

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  return remove;
}
