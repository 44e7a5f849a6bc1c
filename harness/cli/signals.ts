// Ctrl-C and SIGTERM handling for long-running commands: the first signal asks the command to wind down
// (stop traffic, heal faults, check, write what was measured, stop processes); a second one exits at once
// (the exit hook still stops every service process, so nothing is left behind).
//
// One Ctrl-C can arrive twice: the terminal signals the whole foreground process group, and `npm run`
// forwards the signal it got to its child as well. Signals within `sameSignalMs` of the first count as
// that same Ctrl-C. Once a signal came, the listener stays until the process ends, whatever the command
// releases: a second Ctrl-C while the command returns is still "exiting now", exit 130.

export function onInterrupt(handler: (signal: NodeJS.Signals) => void, sameSignalMs = 1000): () => void {
  let first = 0;
  const listener = (signal: NodeJS.Signals): void => {
    const now = Date.now();
    if (first !== 0) {
      if (now - first < sameSignalMs) return;
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(130);
    }
    first = now;
    process.stderr.write(`\n${signal}: stopping traffic, healing faults and stopping processes…\n`);
    handler(signal);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    // After a first signal the command is winding down to its exit: a second one must still exit at once
    // (through the exit hook), not meet Node's default action in the moments between here and the end.
    if (first !== 0) return;
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
