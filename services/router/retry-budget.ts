// A retry budget (Finagle's shape): every request deposits `ratio` of a retry, a floor of `minPerSec`
// retries accrues with time, and a retry spends one. Retries can never multiply load under failure.
export class RetryBudget {
  private tokens: number;
  private last: number;
  private readonly cap: number;

  constructor(
    private readonly ratio: number,
    private readonly minPerSec: number,
    now: number,
  ) {
    this.cap = Math.max(10, minPerSec * 10);
    this.tokens = minPerSec;
    this.last = now;
  }

  onRequest(now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.cap, this.tokens + this.ratio);
  }

  tryRetry(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get balance(): number {
    return this.tokens;
  }

  private refill(now: number): void {
    const elapsed = now - this.last;
    if (elapsed <= 0) return;
    this.last = now;
    this.tokens = Math.min(this.cap, this.tokens + (elapsed / 1000) * this.minPerSec);
  }
}
