// Ctrl-C and SIGTERM handling for long-running commands: the first signal asks the command to wind down
// (stop traffic, heal faults, stop processes, write what was measured); a second one exits at once.

export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  let count = 0;
  const listener = (signal: NodeJS.Signals): void => {
    count++;
    if (count > 1) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${signal}: stopping traffic, healing faults and stopping processes…\n`);
    handler(signal);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
