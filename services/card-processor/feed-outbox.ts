// Feed events leave the processor through an outbox: batched, retried until the feed accepts them,
// flushed on shutdown. The feed applies them idempotently by event_id, so a resend is harmless.
// A batch leaves 50 ms after its first event (at most 500 events; the rest follow at once): each batch is a request
// through the fault proxy to the feed and back, five process wake-ups whatever its size, which at a few
// hundred authorizations a second cost more than the events themselves (20 ms made it one batch every five
// authorizations at 500/s). The app's balance may trail the ledger by that much more; the feed-agrees
// invariant is checked once traffic has drained, as before.
import type { FeedEvent } from '../feed/contract.ts';

export interface OutboxSender {
  (events: FeedEvent[]): Promise<void>;
}

export class FeedOutbox {
  private queue: FeedEvent[] = [];
  private sending = false;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly send: OutboxSender,
    private readonly opts = { batchSize: 500, intervalMs: 50, maxQueued: 2_000_000 },
  ) {}

  push(event: FeedEvent): void {
    if (this.queue.length >= this.opts.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push(event);
    this.schedule(this.opts.intervalMs);
  }

  get pending(): number {
    return this.queue.length;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.sending) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flushOnce();
    }, delayMs);
  }

  private async flushOnce(): Promise<boolean> {
    if (this.sending || this.queue.length === 0) return this.queue.length === 0;
    this.sending = true;
    const batch = this.queue.slice(0, this.opts.batchSize);
    let ok = false;
    try {
      await this.send(batch);
      this.queue.splice(0, batch.length);
      this.delivered += batch.length;
      this.failures = 0;
      ok = true;
    } catch {
      this.failures++;
    } finally {
      this.sending = false;
    }
    if (this.queue.length > 0) {
      // Back off while the feed (or the route to it) is failing: 100 ms .. 1 s.
      this.schedule(ok ? 0 : Math.min(1000, this.opts.intervalMs * 2 ** Math.min(this.failures, 6)));
    }
    return ok;
  }

  /** Sends everything queued, trying until empty or the deadline passes. */
  async drain(deadlineMs: number): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    while (this.queue.length > 0 && Date.now() < until) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      const ok = await this.flushOnce();
      if (!ok && this.queue.length > 0) await new Promise((r) => setTimeout(r, 50));
    }
    return this.queue.length === 0;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
