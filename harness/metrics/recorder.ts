// Counts every history record into the run's metrics, as the history aggregator counts it for
// summary.json (history/aggregate.ts), so a final scrape and the summary agree:
// - dropped records count only as dropped; advices are counted from the card network's queue, not here;
// - every other record is a send (its lateness observed), then by kind: authorizations by outcome, hop,
//   cause, phase and fault, with latency, stand-in and ledger attempts; app reads; reversals.
// The summary's measured figures are the series with phase != "warmup"; its warm-up figures phase="warmup".
// Counters are tallied in plain maps and handed over by flush(), which the scrape endpoint calls first;
// histograms are observed at once.
import type { HistoryRecord } from '../history/record.ts';
import type { RunMetrics } from './definitions.ts';
import { attribution, isAuthOutcome, type PhaseLabeler, type PhaseLabels } from './labels.ts';
import { CounterTally } from './tally.ts';

export class MetricsRecorder {
  /** Records the metrics could not count (a defect, reported; the run goes on). */
  failures = 0;
  lastFailure: string | null = null;
  private readonly tally = new CounterTally();

  constructor(
    private readonly m: RunMetrics,
    private readonly labeler: PhaseLabeler,
  ) {}

  readonly record = (r: HistoryRecord): void => {
    try {
      this.count(r);
    } catch (err) {
      this.failures++;
      this.lastFailure = (err as Error).message;
    }
  };

  /** Hands the tallied counts to the counters: call before reading the registry. */
  flush(): void {
    this.tally.flush();
  }

  private count(r: HistoryRecord): void {
    if (r.kind === 'advice') return;
    const at = this.labeler.of(r);
    const { phase } = at;
    const kind = r.kind;
    if (r.dropped) {
      this.tally.add(this.m.dropped, { kind, phase });
      return;
    }
    this.tally.add(this.m.sent, { kind, phase });
    if (r.late) this.tally.add(this.m.late, { kind, phase });
    this.m.sendLateness.observe({ phase }, Math.max(0, r.sent_ms - r.intended_ms) / 1000);
    switch (kind) {
      case 'authorization':
        this.authorization(r, at);
        break;
      case 'balance':
      case 'feed':
        this.tally.add(this.m.appRequests, { kind, outcome: r.outcome === 'ok' ? 'ok' : 'error', phase, fault: at.fault });
        break;
      case 'reversal':
        this.tally.add(this.m.reversals, { outcome: r.outcome === 'ok' ? 'ok' : 'error', phase });
        break;
      default:
        break;
    }
  }

  private authorization(r: HistoryRecord, { phase, fault }: PhaseLabels): void {
    const outcome = r.outcome;
    if (!isAuthOutcome(outcome)) return;
    this.tally.add(this.m.authorizations, { outcome, ...attribution(r, outcome), phase, fault });
    this.m.latency.observe({ outcome, phase }, Math.max(0, r.latency_ms) / 1000);
    if (outcome === 'standin_approved' || outcome === 'standin_declined') {
      this.tally.add(this.m.standin, { decision: outcome === 'standin_approved' ? 'approved' : 'declined', phase, fault });
    }
    const attempts = typeof r.attempts === 'number' && r.attempts >= 1 ? r.attempts : r.issuer_decision !== undefined ? 1 : 0;
    if (attempts > 0) {
      this.tally.add(this.m.ledgerAttempts, { phase }, attempts);
      this.tally.add(this.m.ledgerAuthorizations, { phase });
      this.tally.add(this.m.retries, { phase }, attempts - 1);
    }
  }
}
