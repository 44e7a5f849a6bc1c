// The deliberate defect `idempotency_by_id_only` (checker tests only): this replica's answers cached by the
// network's id alone, as the processor did before idempotency keys were judged by content. A reused id is
// answered from the first answer whatever its content, and a replica knows only its own first answers.
// Concurrent duplicates share one in-flight call. Errors are not cached.
import type { Dedup } from './in-flight.ts';

export class IdOnlyAnswers<T> implements Dedup<T> {
  private readonly answers = new Map<string, T>();
  private readonly inflight = new Map<string, Promise<T>>();

  constructor(private readonly maxEntries = 500_000) {}

  /** Returns [answer, replayed]; `content` is ignored: that is the defect. */
  async run(key: string, _content: string, work: () => Promise<T>): Promise<[T, boolean]> {
    const done = this.answers.get(key);
    if (done !== undefined) return [done, true];
    const pending = this.inflight.get(key);
    if (pending) return [await pending, true];
    const promise = work();
    this.inflight.set(key, promise);
    try {
      const answer = await promise;
      this.remember(key, answer);
      return [answer, false];
    } finally {
      this.inflight.delete(key);
    }
  }

  private remember(key: string, answer: T): void {
    if (this.answers.size >= this.maxEntries) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
    this.answers.set(key, answer);
  }
}
