// The streaming aggregator: fed one HistoryRecord at a time while the run goes, it keeps only counters,
// HdrHistograms, per-second buckets and the outcome of each authorization id (for the checkers), never
// the records, and produces the numbers of summary.json.
//
// Conventions (documented here because the report and the gate read them):
// - Authorizations, phases, the timeseries and failure attribution use the record's intended send time
//   (`intended_ms`); the achieved rate (`sent` per second) uses `sent_ms`.
// - Dropped records (never sent) count only in `load.dropped`: the pipeline never saw them.
// - The achieved rate is the measured part's sends per wall second: sends with intended_ms >= 0 over
//   the seconds from t = 0 to the end of the schedule, or to the last of those sends if it came later.
// - `load` counts the arrivals the driver sent (authorizations, reversals, balance and feed reads);
//   advices and the network's own timeout reversals (`forwarded`) are delivered by the card network after
//   faults heal and are not arrivals: they are in no load, lateness or per-second `sent` figure.
// - The warm-up: records with a negative intended time (the first `warmup_s` seconds of traffic) are
//   counted apart (`warmup`), charted in the timeseries (t < 0) and kept for the checkers, but they are in
//   no phase, no whole-run figure, no load figure and no failure attribution: nothing gated reads them.
// - Phases come from the fault windows given to the constructor (the scenario's schedule): for each
//   window, before = [0, start) when start > 0, during = [start, end), after = [end, duration) when
//   end < duration; no window: one `whole`.
// - Send lateness (sent_ms - intended_ms) of the measured part feeds the run's validity figures.
// - A rate with nothing to divide by is 0.
// - Failure attribution: failed and unknown authorizations, and stand-in outcomes (their underlying
//   error), by `error.hop` and `error.cause` (`unattributed`/`other` when the record names none). Per fault:
//   the windows active at the intended send time (the record's `faults`, else the schedule); with none
//   active, the fault window that ended last before it (its aftermath, e.g. a resolver still poisoned);
//   before any fault, `(none)`.
// - Approval rate: approved / (approved + declined), what the issuer approved of what it answered; null
//   (not 0) when it answered nothing, whole run, per phase and per second.
// - Retry amplification: mean `attempts` over authorizations that reached the ledger (attempts >= 1, or
//   an issuer decision with attempts unreported = 1); 0 when none did.
import type { HistoryRecord } from './record.ts';
import type { AggregateResult, PhaseSummary, TimeseriesPoint } from '../summary/types.ts';
import { LatencyHistogram } from './latency.ts';
import { OutcomeIndex } from './outcomes.ts';
import { bump, countsOf, nullableRate, OUTCOME_SLOT, PerSecond, rate, toObject, type PhaseAccumulator } from './tallies.ts';

export interface AggregatorWindow {
  name: string;
  start_s: number;
  end_s: number;
}

export interface AggregatorOptions {
  /** Planned traffic duration; finish() may override it (e.g. an interrupted run). */
  duration_s: number;
  /** The scenario's fault windows (scheduled times). */
  faults?: readonly AggregatorWindow[];
  /**
   * Seconds behind the newest record after which a per-second latency histogram is closed and reused
   * (keeps memory flat on long runs). Later records for a closed second still count, without latency.
   * Default 120.
   */
  settle_s?: number;
  /** Keep each authorization's outcome for the checkers (default true). */
  keepOutcomes?: boolean;
  /** Seconds of warm-up before t = 0 (records with intended_ms < 0). Default 0. */
  warmup_s?: number;
  /** A send later than this is `late` in the lateness share (default 10 ms). */
  lateToleranceMs?: number;
}

export const NO_FAULT = '(none)';
export const UNATTRIBUTED_HOP = 'unattributed';

export type { AggregateResult } from '../summary/types.ts';

export class HistoryAggregator {
  private readonly duration_s: number;
  private readonly windows: readonly AggregatorWindow[];
  private readonly settle_s: number;
  private readonly outcomeIndex: OutcomeIndex | null;

  private readonly outcomeCounts = [0, 0, 0, 0, 0, 0];
  private readonly latency = new LatencyHistogram();
  private readonly warmupCounts = [0, 0, 0, 0, 0, 0];
  private readonly warmupLatency = new LatencyHistogram();
  private readonly lateness = new LatencyHistogram();
  private lateBeyondTolerance = 0;
  private readonly warmup_s: number;
  /** Index of second t in the per-second arrays: t + offset (the warm-up's seconds come first). */
  private readonly offset: number;
  private readonly lateToleranceMs: number;
  private readonly phases: PhaseAccumulator[] = [];

  private readonly authPerSecond = new PerSecond();
  private readonly successPerSecond = new PerSecond();
  private readonly issuerPerSecond = new PerSecond();
  private readonly approvedPerSecond = new PerSecond();
  private readonly appPerSecond = new PerSecond();
  private readonly appOkPerSecond = new PerSecond();
  private readonly sentPerSecond = new PerSecond();
  /** Per-second latency histograms still open, by second. */
  private readonly openSeconds = new Map<number, LatencyHistogram>();
  private readonly closedP50 = new Map<number, number | null>();
  private readonly closedP99 = new Map<number, number | null>();
  private readonly pool: LatencyHistogram[] = [];
  private newestSecond = -1;

  private sent = 0;
  /** The latest actual send of the measured part (ms from t = 0). */
  private lastSentMs = 0;
  private late = 0;
  private dropped = 0;
  private balanceTotal = 0;
  private balanceOk = 0;
  private feedTotal = 0;
  private feedOk = 0;
  private reversalTotal = 0;
  private reversalOk = 0;
  private adviceTotal = 0;
  private adviceOk = 0;
  private attemptsSum = 0;
  private attemptsCount = 0;
  private readonly causes = new Map<string, Map<string, number>>();
  private readonly causesByFault = new Map<string, Map<string, number>>();

  constructor(options: AggregatorOptions) {
    this.duration_s = options.duration_s;
    this.windows = [...(options.faults ?? [])].sort((a, b) => a.start_s - b.start_s);
    this.settle_s = options.settle_s ?? 120;
    this.outcomeIndex = options.keepOutcomes === false ? null : new OutcomeIndex();
    this.warmup_s = Math.max(0, options.warmup_s ?? 0);
    this.offset = Math.ceil(this.warmup_s);
    this.lateToleranceMs = options.lateToleranceMs ?? 10;
    if (this.windows.length === 0) {
      this.phases.push(this.phase('whole', null, 0, null));
    } else {
      for (const w of this.windows) {
        if (w.start_s > 0) this.phases.push(this.phase('before', w.name, 0, w.start_s));
        this.phases.push(this.phase('during', w.name, w.start_s, w.end_s));
        if (w.end_s < this.duration_s) this.phases.push(this.phase('after', w.name, w.end_s, null));
      }
    }
  }

  /** The per-second array index of a record's second (warm-up seconds first). */
  private slot(ms: number): number {
    return Math.max(0, Math.floor(ms / 1000) + this.offset);
  }

  /** Each authorization's outcome, for the checkers (empty when keepOutcomes was false). */
  get outcomes(): OutcomeIndex {
    return this.outcomeIndex ?? new OutcomeIndex();
  }

  add(r: HistoryRecord): void {
    const warm = r.intended_ms < 0 && r.kind !== 'advice';
    if (r.dropped) {
      if (r.kind !== 'advice' && !warm) this.dropped++;
      return;
    }
    const second = this.slot(r.intended_ms);
    if (r.kind !== 'advice' && r.forwarded !== true) {
      this.sentPerSecond.inc(this.slot(r.sent_ms));
      if (!warm) {
        this.sent++;
        if (r.sent_ms > this.lastSentMs) this.lastSentMs = r.sent_ms;
        if (r.late) this.late++;
        // A conflicting retry's wait for its original is the network's rule, not the driver falling behind.
        const behind = r.sent_ms - (r.waited_ms ?? 0) - r.intended_ms;
        this.lateness.record(behind);
        if (behind > this.lateToleranceMs) this.lateBeyondTolerance++;
      }
    }
    if (warm) return this.addWarmup(r, second);
    switch (r.kind) {
      case 'authorization':
        this.addAuthorization(r, second);
        break;
      case 'balance':
      case 'feed': {
        const ok = r.outcome === 'ok';
        if (r.kind === 'balance') {
          this.balanceTotal++;
          if (ok) this.balanceOk++;
        } else {
          this.feedTotal++;
          if (ok) this.feedOk++;
        }
        this.appPerSecond.inc(second);
        if (ok) this.appOkPerSecond.inc(second);
        break;
      }
      case 'reversal':
        this.reversalTotal++;
        if (r.outcome === 'ok') this.reversalOk++;
        break;
      case 'advice':
        this.adviceTotal++;
        if (r.outcome === 'ok') this.adviceOk++;
        break;
    }
  }

  /** A warm-up record: its own counters and the timeseries, nothing gated. */
  private addWarmup(r: HistoryRecord, second: number): void {
    if (r.kind === 'balance' || r.kind === 'feed') {
      this.appPerSecond.inc(second);
      if (r.outcome === 'ok') this.appOkPerSecond.inc(second);
      return;
    }
    if (r.kind !== 'authorization' || r.outcome === 'ok' || r.outcome === 'error') return;
    const slot = OUTCOME_SLOT[r.outcome];
    if (slot === undefined) return;
    this.warmupCounts[slot]++;
    this.outcomeIndex?.set(r.id, r.outcome);
    this.warmupLatency.record(r.latency_ms);
    this.authPerSecond.inc(second);
    if (slot <= 3) this.successPerSecond.inc(second);
    if (slot <= 1) this.issuerPerSecond.inc(second);
    if (slot === 0) this.approvedPerSecond.inc(second);
    this.recordSecondLatency(second, r.latency_ms);
  }

  private addAuthorization(r: HistoryRecord, second: number): void {
    const outcome = r.outcome;
    if (outcome === 'ok' || outcome === 'error') return;
    const slot = OUTCOME_SLOT[outcome];
    if (slot === undefined) return;
    this.outcomeCounts[slot]++;
    this.outcomeIndex?.set(r.id, outcome);
    const success = slot <= 3;
    const issuer = slot <= 1;

    this.latency.record(r.latency_ms);
    this.authPerSecond.inc(second);
    if (success) this.successPerSecond.inc(second);
    if (issuer) this.issuerPerSecond.inc(second);
    if (slot === 0) this.approvedPerSecond.inc(second);
    this.recordSecondLatency(second, r.latency_ms);

    const t = r.intended_ms / 1000;
    for (let i = 0; i < this.phases.length; i++) {
      const p = this.phases[i];
      if (t < p.start_s || (p.end_s !== null && t >= p.end_s)) continue;
      p.authorizations++;
      if (success) p.success++;
      if (issuer) p.issuer++;
      if (slot === 0) p.approved++;
      p.histogram.record(r.latency_ms);
    }

    if (typeof r.attempts === 'number' && r.attempts >= 1) {
      this.attemptsSum += r.attempts;
      this.attemptsCount++;
    } else if (r.issuer_decision !== undefined) {
      this.attemptsSum += 1;
      this.attemptsCount++;
    }

    if (slot >= 2 && (slot >= 4 || r.error !== undefined)) this.attribute(r, t);
  }

  private attribute(r: HistoryRecord, t: number): void {
    const hop = r.error?.hop ?? UNATTRIBUTED_HOP;
    const cause = r.error?.cause ?? 'other';
    bump(this.causes, hop, cause);
    const key = `${hop}:${cause}`;
    if (r.faults && r.faults.length > 0) {
      for (const f of r.faults) bump(this.causesByFault, f, key);
      return;
    }
    let active = false;
    let aftermath: string | null = null;
    let aftermathEnd = -Infinity;
    for (const w of this.windows) {
      if (t >= w.start_s && t < w.end_s) {
        bump(this.causesByFault, w.name, key);
        active = true;
      } else if (t >= w.end_s && w.end_s > aftermathEnd) {
        aftermath = w.name;
        aftermathEnd = w.end_s;
      }
    }
    if (!active) bump(this.causesByFault, aftermath ?? NO_FAULT, key);
  }

  private recordSecondLatency(second: number, latencyMs: number): void {
    if (second > this.newestSecond) {
      this.newestSecond = second;
      const horizon = second - this.settle_s;
      for (const [s, h] of this.openSeconds) {
        if (s < horizon) this.closeSecond(s, h);
      }
    }
    if (this.closedP50.has(second)) return; // too late for its second's percentiles
    let h = this.openSeconds.get(second);
    if (!h) {
      h = this.pool.pop() ?? new LatencyHistogram({ digits: 2 });
      this.openSeconds.set(second, h);
    }
    h.record(latencyMs);
  }

  private closeSecond(second: number, h: LatencyHistogram): void {
    this.closedP50.set(second, h.percentile(50));
    this.closedP99.set(second, h.percentile(99));
    this.openSeconds.delete(second);
    h.reset();
    this.pool.push(h);
  }

  private phase(name: PhaseSummary['name'], fault: string | null, start_s: number, end_s: number | null): PhaseAccumulator {
    return { name, fault, start_s, end_s, authorizations: 0, success: 0, issuer: 0, approved: 0, histogram: new LatencyHistogram() };
  }

  /** The numbers for summary.json. Can be called more than once (e.g. for a progress snapshot). */
  finish(options: { duration_s?: number } = {}): AggregateResult {
    const duration = options.duration_s ?? this.duration_s;
    const authorizations = countsOf(this.outcomeCounts);

    const phases: PhaseSummary[] = this.phases.map((p) => ({
      name: p.name,
      fault: p.fault,
      start_s: p.start_s,
      end_s: p.end_s ?? duration,
      authorizations: p.authorizations,
      success_rate: rate(p.success, p.authorizations),
      issuer_success_rate: rate(p.issuer, p.authorizations),
      issuer_answers: p.issuer,
      approval_rate: nullableRate(p.approved, p.issuer),
      latency_ms: p.histogram.summary(),
    }));

    const seconds = Math.max(1, Math.ceil(duration));
    const timeseries: TimeseriesPoint[] = [];
    for (let i = 0; i < seconds + this.offset; i++) {
      const t = i - this.offset;
      const auths = this.authPerSecond.get(i);
      const app = this.appPerSecond.get(i);
      const open = this.openSeconds.get(i);
      timeseries.push({
        t,
        authorizations: auths,
        success_rate: nullableRate(this.successPerSecond.get(i), auths),
        issuer_success_rate: nullableRate(this.issuerPerSecond.get(i), auths),
        approval_rate: nullableRate(this.approvedPerSecond.get(i), this.issuerPerSecond.get(i)),
        p50: open ? open.percentile(50) : (this.closedP50.get(i) ?? null),
        p99: open ? open.percentile(99) : (this.closedP99.get(i) ?? null),
        app_total: app,
        app_success_rate: nullableRate(this.appOkPerSecond.get(i), app),
        sent: this.sentPerSecond.get(i),
      });
    }

    const appTotal = this.balanceTotal + this.feedTotal;
    const lateness = this.lateness.summary();
    return {
      duration_s: duration,
      warmup: { duration_s: this.warmup_s, authorizations: countsOf(this.warmupCounts), latency_ms: this.warmupLatency.summary() },
      lateness: { p50: lateness.p50, p99: lateness.p99, max: lateness.max, late_share: rate(this.lateBeyondTolerance, this.sent), sends: this.sent },
      authorizations,
      latency_ms: this.latency.summary(),
      load: {
        sent: this.sent,
        late: this.late,
        dropped: this.dropped,
        // Sends per wall second of the measured part: a driver that fell behind took longer to send it.
        achieved_rate: duration > 0 ? Math.round((this.sent / Math.max(duration, this.lastSentMs / 1000)) * 1000) / 1000 : 0,
      },
      phases,
      app: {
        total: appTotal,
        success_rate: rate(this.balanceOk + this.feedOk, appTotal),
        balance: { total: this.balanceTotal, ok: this.balanceOk },
        feed: { total: this.feedTotal, ok: this.feedOk },
      },
      reversals: { total: this.reversalTotal, ok: this.reversalOk },
      advices: { total: this.adviceTotal, ok: this.adviceOk },
      causes: toObject(this.causes),
      causes_by_fault: toObject(this.causesByFault),
      retry_amplification: this.attemptsCount === 0 ? 0 : Math.round((this.attemptsSum / this.attemptsCount) * 1e4) / 1e4,
      timeseries,
    };
  }
}
