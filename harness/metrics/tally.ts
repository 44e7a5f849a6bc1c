// Counter increments gathered in plain maps on the record path (a map lookup each) and handed to prom-client
// in one go before each scrape: a counter's prom-client inc() hashes and validates its labels every call,
// too much for every request of a fast run.
import type { Counter } from 'prom-client';

interface Pending {
  labels: Record<string, string>;
  n: number;
}

export class CounterTally {
  private readonly pending = new Map<Counter<string>, Map<string, Pending>>();

  add<L extends string>(counter: Counter<L>, labels: Record<L, string>, n = 1): void {
    let series = this.pending.get(counter as Counter<string>);
    if (!series) {
      series = new Map();
      this.pending.set(counter as Counter<string>, series);
    }
    let key = '';
    for (const name in labels) key += `${labels[name]}\u0001`;
    const entry = series.get(key);
    if (entry) entry.n += n;
    else series.set(key, { labels: { ...labels }, n });
  }

  /** Hands every pending increment to its counter (a series seen with 0 is created at 0). */
  flush(): void {
    for (const [counter, series] of this.pending) {
      for (const entry of series.values()) {
        counter.inc(entry.labels, entry.n);
        entry.n = 0;
      }
    }
  }
}
