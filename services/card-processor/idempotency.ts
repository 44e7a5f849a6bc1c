// The processor's answer cache keyed by the network's authorization id: concurrent duplicates share one
// in-flight call, and a repeated id gets the first answer. Errors are not cached (a retry asks the
// ledger again, which is itself idempotent by request id, so it never holds twice).

export class AnswerCache<T> {
  private readonly answers = new Map<string, T>();
  private readonly inflight = new Map<string, Promise<T>>();

  constructor(private readonly maxEntries = 500_000) {}

  /** Returns [answer, replayed]. */
  async run(id: string, work: () => Promise<T>): Promise<[T, boolean]> {
    const done = this.answers.get(id);
    if (done !== undefined) return [done, true];
    const pending = this.inflight.get(id);
    if (pending) return [await pending, true];
    const promise = work();
    this.inflight.set(id, promise);
    try {
      const answer = await promise;
      this.remember(id, answer);
      return [answer, false];
    } finally {
      this.inflight.delete(id);
    }
  }

  private remember(id: string, answer: T): void {
    if (this.answers.size >= this.maxEntries) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
    this.answers.set(id, answer);
  }

  get size(): number {
    return this.answers.size;
  }
}
