// Ledger writes whose outcome the processor never learnt (it gave up on a timeout or a reset after
// sending): the ledger may have committed them. They are re-sent in the background with the same
// idempotency key until the ledger answers, so every committed change gets its feed event and nothing
// is left half-known. Re-sending is safe: the ledger answers a repeated request id with its first answer,
// and a hold whose reversal already arrived is refused.
// A pass that settles nothing doubles the wait before the next (up to maxIntervalMs): a ledger that keeps
// failing (down, or answering outside its contract) is not hammered with every pending write four times a
// second while new authorizations wait behind them. The first write settled brings the wait back down.

export class AmbiguousWrites {
  private readonly pending = new Map<string, () => Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  resolved = 0;

  private intervalMs: number;

  constructor(private readonly opts = { intervalMs: 250, maxIntervalMs: 4000, concurrency: 16, maxPending: 200_000 }) {
    this.intervalMs = opts.intervalMs;
  }

  /** Remembers a write to settle later; a key already pending is kept once. */
  add(key: string, settle: () => Promise<void>): void {
    if (this.stopped || this.pending.has(key) || this.pending.size >= this.opts.maxPending) return;
    this.pending.set(key, settle);
    this.schedule();
  }

  get size(): number {
    return this.pending.size;
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pass();
    }, this.intervalMs);
  }

  /** One pass over what is pending; what still fails waits for the next pass. */
  private async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const before = this.resolved;
    try {
      const keys = [...this.pending.keys()];
      for (let i = 0; i < keys.length && !this.stopped; i += this.opts.concurrency) {
        await Promise.all(
          keys.slice(i, i + this.opts.concurrency).map(async (key) => {
            const settle = this.pending.get(key);
            if (!settle) return;
            try {
              await settle();
              this.pending.delete(key);
              this.resolved++;
            } catch {
              /* still unreachable: next pass */
            }
          }),
        );
      }
    } finally {
      this.running = false;
    }
    this.intervalMs = this.resolved > before ? this.opts.intervalMs : Math.min(this.opts.maxIntervalMs, this.intervalMs * 2);
    if (this.pending.size > 0) this.schedule();
  }

  /** Settles everything pending, trying until empty or the deadline passes. */
  async drain(deadlineMs: number): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    while (this.pending.size > 0 && Date.now() < until) {
      await this.pass();
      if (this.pending.size > 0) await new Promise((r) => setTimeout(r, 50));
    }
    return this.pending.size === 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
