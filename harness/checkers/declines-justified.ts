// Invariant 6: every decline is justified by the book. A decline the book does not justify is a false
// decline (a technical failure wearing a decline's clothes): invalid, always. Each issuer decline carries the
// processor's reason code (services/card-processor/contract.ts), judged against what the book said while the
// request was alive:
//   insufficient_funds  the account's available balance, replayed from the journal in seq order, was below
//                       the amount at some moment from the request's first send to its answer (the history's
//                       times on the journal's clock, RunFacts.trafficClock, give or take its slack)
//   unknown_account     the account is not a seeded one
//   currency_mismatch   the request's currency is not the account's
//   card_mismatch       the card (its token; its last four when no token was recorded) is not the account's
//   reversed            a reversal for the authorization was sent before the decline was answered
//   none, or a reason outside the contract: false.
// The network's own stand-in declines are judged too: with stand-in on, the card's approved stand-in total
// over the whole run (an upper bound of its total at the moment) plus the amount must exceed the per-card limit.
//
// Memory and time: the history fold keeps declines only (and each authorization's earliest reversal send,
// each card's stand-in total); the journal pass replays each account's available balance once, with the
// account's pending decline windows sorted by start: a window opens with the balance at its start, takes the
// balance after every entry inside it, and is dropped as soon as it is justified or over. Linear in the
// journal, times the (few) windows open at once on one account.
import type { AccountSeed } from '../../services/common/accounts.ts';
import type { JournalEntry } from '../../services/ledger/contract.ts';
import type { HistoryRecord } from '../history/record.ts';
import type { DeclineSummary, InvariantResult } from '../summary/types.ts';
import { availableDelta } from './books.ts';
import type { CheckContext, Checker, CheckerFigures, RunFacts, TrafficClock } from './checker.ts';
import {
  DECLINE_REASONS,
  DECLINES_JUSTIFIED,
  DEFAULT_SLACK_MS,
  isContractReason,
  NO_REASON,
  STANDIN_REASON,
  bump,
  type AccountReplay,
  type Decline,
  type Judgement,
  type Window,
} from './decline.ts';
import { declineVerdict } from './decline-verdict.ts';

export { DECLINE_REASONS, DECLINES_JUSTIFIED, DEFAULT_SLACK_MS, NO_FAULT, NO_REASON, STANDIN_HOP, STANDIN_REASON } from './decline.ts';

export class DeclinesJustifiedCheck implements Checker {
  readonly name = DECLINES_JUSTIFIED;
  private readonly declines: Decline[] = [];
  /** Each decline by id: an id answered twice (a retransmission replayed its first answer) is one request's life. */
  private readonly byId = new Map<string, Decline>();
  /** Declines per reason as recorded (a retransmitted one counts each time, as the outcome counts do). */
  private readonly recorded: Record<string, number> = {};
  private recordedIssuer = 0;
  private recordedStandIn = 0;
  /** Issuer declines' insufficient_funds windows and the journal replay, per account (built at the first entry). */
  private replays: Map<string, AccountReplay> | null = null;
  /** The earliest send (history ms) of a reversal, per authorization id. */
  private readonly reversalSent = new Map<string, number>();
  /** Stand-in approvals per card token. */
  private readonly standInApproved = new Map<string, number>();
  private clock: TrafficClock | null = null;
  private summary: DeclineSummary | null = null;

  record(r: HistoryRecord): void {
    if (r.dropped) return;
    if (r.kind === 'reversal') {
      const id = r.authorization_id;
      if (id === undefined) return;
      const before = this.reversalSent.get(id);
      if (before === undefined || r.sent_ms < before) this.reversalSent.set(id, r.sent_ms);
      return;
    }
    if (r.kind !== 'authorization') return;
    if (r.outcome === 'standin_approved') {
      if (r.card_token !== undefined && r.amount !== undefined) this.standInApproved.set(r.card_token, (this.standInApproved.get(r.card_token) ?? 0) + r.amount);
      return;
    }
    if (r.outcome !== 'declined' && r.outcome !== 'standin_declined') return;
    const standIn = r.outcome === 'standin_declined';
    const reason = standIn ? STANDIN_REASON : r.reason === undefined || r.reason === '' ? NO_REASON : r.reason;
    if (standIn) this.recordedStandIn++;
    else {
      this.recordedIssuer++;
      bump(this.recorded, reason);
    }
    const answerMs = r.intended_ms + r.latency_ms;
    const seen = this.byId.get(r.id);
    if (seen && seen.standIn === standIn) {
      // The same request again: its life runs from its first send to its last answer.
      seen.sentMs = Math.min(seen.sentMs, r.sent_ms);
      seen.answerMs = Math.max(seen.answerMs, answerMs);
      return;
    }
    const decline: Decline = {
      id: r.id,
      standIn,
      reason,
      account_id: r.account_id,
      amount: typeof r.amount === 'number' ? r.amount : null,
      currency: r.currency ?? null,
      token: r.card_token ?? null,
      last4: r.card_last4 ?? null,
      attempts: typeof r.attempts === 'number' ? r.attempts : null,
      sentMs: r.sent_ms,
      answerMs,
      faults: r.faults ?? [],
      judgement: 'pending',
      why: '',
      lowest: null,
    };
    this.declines.push(decline);
    this.byId.set(r.id, decline);
  }

  entry(e: JournalEntry, facts: RunFacts): void {
    const replays = this.replays ?? this.index(facts);
    const acc = replays.get(e.account_id);
    if (!acc) return;
    if (!acc.touched) {
      acc.touched = true;
      // A journal with opening entries starts from nothing; one without (a replacement ledger) from the opening balance.
      if (e.kind === 'opening') acc.available = 0;
      acc.lowest = acc.available;
    }
    const delta = availableDelta(e);
    if (e.kind === 'opening') {
      acc.available += delta;
      acc.lowest = acc.available;
      return;
    }
    if (this.clock === null) {
      acc.lowest = Math.min(acc.lowest, acc.available + delta);
      acc.available += delta;
      return;
    }
    const at = e.at;
    // Windows that started before this entry see the balance as it was just before it.
    while (acc.next < acc.windows.length && (acc.windows[acc.next] as Window).start < at) this.openWindow(acc, acc.windows[acc.next++] as Window);
    acc.available += delta;
    const open = acc.open;
    let kept = 0;
    for (let i = 0; i < open.length; i++) {
      const w = open[i] as Window;
      if (w.end < at) {
        this.closeWindow(w);
        continue;
      }
      if (acc.available < w.lowest) w.lowest = acc.available;
      if (w.lowest < (w.decline.amount as number)) {
        this.closeWindow(w);
        continue;
      }
      open[kept++] = w;
    }
    open.length = kept;
  }

  result(ctx: CheckContext): InvariantResult {
    const replays = this.replays ?? this.index(ctx);
    // What the journal never moved past: windows still waiting see the final balance.
    for (const acc of replays.values()) {
      if (this.clock === null) {
        for (const w of acc.windows) {
          w.lowest = acc.touched ? Math.min(acc.lowest, acc.available) : acc.available;
          this.closeWindow(w);
        }
        continue;
      }
      while (acc.next < acc.windows.length) this.openWindow(acc, acc.windows[acc.next++] as Window);
      for (const w of acc.open) this.closeWindow(w);
      acc.open.length = 0;
    }
    const seeds = seedsOf(ctx);
    const limit = ctx.standIn;
    for (const d of this.declines) {
      if (d.judgement !== 'pending') continue;
      this.judge(d, seeds, limit);
    }
    return this.verdict(ctx);
  }

  figures(): CheckerFigures {
    return this.summary ? { declines: this.summary } : {};
  }

  /** Builds the per-account windows once the facts are known (the first journal entry, or the verdict). */
  private index(facts: RunFacts): Map<string, AccountReplay> {
    this.clock = facts.trafficClock ?? null;
    const seeds = seedsOf(facts);
    const replays = new Map<string, AccountReplay>();
    for (const d of this.declines) {
      if (d.standIn || d.reason !== 'insufficient_funds') continue;
      const account = seeds.get(d.account_id);
      if (!account) {
        if (seeds.size === 0) this.settle(d, 'unjudged', 'the seeded accounts were not given');
        else this.settle(d, 'false', `${d.account_id} is not a seeded account: it has no balance to be short of`);
        continue;
      }
      if (d.amount === null) {
        this.settle(d, 'unjudged', 'the history recorded no amount');
        continue;
      }
      let acc = replays.get(d.account_id);
      if (!acc) {
        acc = { available: account.opening, touched: false, lowest: account.opening, windows: [], next: 0, open: [] };
        replays.set(d.account_id, acc);
      }
      const slack = this.clock?.slack_ms ?? DEFAULT_SLACK_MS;
      const base = this.clock?.start_epoch_ms ?? 0;
      acc.windows.push({ decline: d, start: base + d.sentMs - slack, end: base + d.answerMs + slack, lowest: Number.POSITIVE_INFINITY });
    }
    for (const acc of replays.values()) acc.windows.sort((a, b) => a.start - b.start);
    this.replays = replays;
    return replays;
  }

  private openWindow(acc: AccountReplay, w: Window): void {
    w.lowest = acc.available;
    if (w.lowest < (w.decline.amount as number)) this.closeWindow(w);
    else acc.open.push(w);
  }

  /** An insufficient_funds window is over: justified when the balance was ever below the amount in it. */
  private closeWindow(w: Window): void {
    const d = w.decline;
    if (d.judgement !== 'pending') return;
    d.lowest = Number.isFinite(w.lowest) ? w.lowest : null;
    const amount = d.amount as number;
    if (d.lowest !== null && d.lowest < amount) this.settle(d, 'justified', '');
    else {
      const when = this.clock === null ? 'at any moment of the run' : 'from its send to its answer';
      this.settle(d, 'false', `available never below ${amount} ${when} (lowest ${d.lowest ?? 'unknown'})`);
    }
  }

  private settle(d: Decline, judgement: Exclude<Judgement, 'pending'>, why: string): void {
    d.judgement = judgement;
    d.why = why;
  }

  private judge(d: Decline, seeds: ReadonlyMap<string, SeedFacts>, standIn: RunFacts['standIn']): void {
    if (d.standIn) return this.judgeStandIn(d, standIn);
    if (d.reason === NO_REASON) return this.settle(d, 'false', 'declined without a reason code');
    if (!isContractReason(d.reason)) return this.settle(d, 'false', `"${d.reason}" is not a reason code of the contract (${DECLINE_REASONS.join(', ')})`);
    const account = seeds.get(d.account_id);
    const noSeeds = seeds.size === 0;
    switch (d.reason) {
      case 'unknown_account':
        if (noSeeds) return this.settle(d, 'unjudged', 'the seeded accounts were not given');
        return account ? this.settle(d, 'false', `${d.account_id} is a seeded account`) : this.settle(d, 'justified', '');
      case 'currency_mismatch':
        if (noSeeds) return this.settle(d, 'unjudged', 'the seeded accounts were not given');
        if (!account) return this.settle(d, 'false', `${d.account_id} is not a seeded account (unknown_account, not a currency)`);
        if (d.currency === null) return this.settle(d, 'unjudged', 'the history recorded no currency');
        return d.currency !== account.currency ? this.settle(d, 'justified', '') : this.settle(d, 'false', `${d.currency} is the account's currency`);
      case 'card_mismatch': {
        if (noSeeds) return this.settle(d, 'unjudged', 'the seeded accounts were not given');
        if (!account) return this.settle(d, 'false', `${d.account_id} is not a seeded account (unknown_account, not a card)`);
        if (account.token === null) return this.settle(d, 'unjudged', "the accounts' cards were not given");
        if (d.token !== null) return d.token !== account.token ? this.settle(d, 'justified', '') : this.settle(d, 'false', "the card is the account's card");
        if (d.last4 !== null && account.last4 !== null && d.last4 !== account.last4) return this.settle(d, 'justified', '');
        return this.settle(d, 'unjudged', 'the history recorded no card token');
      }
      case 'reversed': {
        const sent = this.reversalSent.get(d.id);
        const slack = this.clock?.slack_ms ?? DEFAULT_SLACK_MS;
        if (sent !== undefined && sent <= d.answerMs + slack) return this.settle(d, 'justified', '');
        return this.settle(d, 'false', sent === undefined ? 'no reversal was sent for it' : `its reversal was sent at ${sent} ms, after the answer at ${Math.round(d.answerMs)} ms`);
      }
      case 'insufficient_funds':
        // Judged during the journal pass; still pending means it was never indexed.
        return this.settle(d, 'unjudged', 'not replayed');
    }
  }

  private judgeStandIn(d: Decline, rules: RunFacts['standIn']): void {
    if (!rules) return this.settle(d, 'unjudged', 'the stand-in rules were not given');
    if (!rules.enabled) return this.settle(d, 'false', 'stand-in is off, yet the network declined in stand-in');
    if (d.token === null || d.amount === null) return this.settle(d, 'unjudged', 'the history recorded no card token or amount');
    const total = this.standInApproved.get(d.token) ?? 0;
    if (total + d.amount > rules.limit_per_card) return this.settle(d, 'justified', '');
    return this.settle(d, 'false', `the card's stand-in approvals (${total} over the whole run) plus ${d.amount} stay within its limit ${rules.limit_per_card}`);
  }

  private verdict(ctx: CheckContext): InvariantResult {
    const { summary, result } = declineVerdict(this.declines, { byReason: this.recorded, issuer: this.recordedIssuer, standIn: this.recordedStandIn }, ctx);
    this.summary = summary;
    return result;
  }
}

/** What a decline's reason is judged against, per account. */
interface SeedFacts {
  currency: string;
  opening: number;
  /** Null when only the ledger's views were given (no card). */
  token: string | null;
  last4: string | null;
}

/** The seeded accounts, or the ledger's views of them when the seeds were not given. */
function seedsOf(facts: Pick<RunFacts, 'seeds' | 'accounts'>): Map<string, SeedFacts> {
  const out = new Map<string, SeedFacts>();
  if (facts.seeds && facts.seeds.length > 0) {
    for (const s of facts.seeds as readonly AccountSeed[]) out.set(s.id, { currency: s.currency, opening: s.opening_balance, token: s.card_token, last4: s.card_last4 });
    return out;
  }
  for (const v of facts.accounts) out.set(v.account_id, { currency: v.currency, opening: v.opening_balance, token: null, last4: null });
  return out;
}
