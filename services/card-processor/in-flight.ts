// Concurrent duplicates on this replica. The same key with the same content while the first is in flight
// shares its call (and its answer, marked replayed); the same key with other content waits until the first
// has settled and then goes to the ledger store like any request, where the key's first use is judged (a
// conflict if the first committed, a fresh first use if it was refused). Nothing is cached here: the store,
// shared by every replica, is the one place a reused key is answered from.

export interface Dedup<T> {
  /** Runs `work` for a key unless a duplicate may share another call; returns [answer, shared]. */
  run(key: string, content: string, work: () => Promise<T>): Promise<[T, boolean]>;
}

interface Pending<T> {
  content: string;
  promise: Promise<T>;
}

export class InFlight<T> implements Dedup<T> {
  private readonly pending = new Map<string, Pending<T>>();

  async run(key: string, content: string, work: () => Promise<T>): Promise<[T, boolean]> {
    for (let current = this.pending.get(key); current; current = this.pending.get(key)) {
      if (current.content === content) return [await current.promise, true];
      await current.promise.then(
        () => undefined,
        () => undefined,
      );
    }
    const entry: Pending<T> = { content, promise: work() };
    this.pending.set(key, entry);
    try {
      return [await entry.promise, false];
    } finally {
      if (this.pending.get(key) === entry) this.pending.delete(key);
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
