// The error a topology throws when it cannot start or cannot do what it was asked; its message names
// the replica (or the port, or the file) at fault. Compose and remote topologies throw subclasses.
export class TopologyError extends Error {}

/** The start was interrupted (Ctrl-C): what had started is stopped again, nothing is left running. */
export class StartInterrupted extends TopologyError {
  constructor() {
    super('interrupted while the topology was starting: everything it had started is stopped');
    this.name = 'StartInterrupted';
  }
}
