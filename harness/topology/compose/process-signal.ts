// How a process fault on a replica becomes a docker command on its container.
//
// SIGSTOP/SIGCONT become `docker pause`/`unpause` (the cgroup freezer stops every process in the
// container; a SIGSTOP would reach only PID 1, the init that compose runs with `init: true`). The other
// signals are delivered with `docker kill -s`, which the init forwards to the service.

/** The docker arguments (before the container name) for sending `signal` to a replica's container. */
export function composeProcessSignal(signal: NodeJS.Signals): string[] {
  switch (signal) {
    case 'SIGSTOP':
      return ['pause'];
    case 'SIGCONT':
      return ['unpause'];
    default:
      return ['kill', '-s', signal];
  }
}

/** `docker restart` with no grace period: the container dies at once, as an embedded restart SIGKILLs. */
export function composeRestart(): string[] {
  return ['restart', '-t', '0'];
}
