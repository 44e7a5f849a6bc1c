// The error a topology throws when it cannot start or cannot do what it was asked; its message names
// the replica (or the port, or the file) at fault. Compose and remote topologies throw subclasses.
export class TopologyError extends Error {}
