// A small, consistent run to break on purpose: two accounts, a journal, the ledger's and the feed's views,
// and the history's outcomes. Every defect test starts from a fresh copy of this world.
import type { AccountView, JournalEntry, JournalKind } from '../../services/ledger/contract.ts';
import type { BalanceView } from '../../services/feed/contract.ts';
import type { AuthOutcome, HistoryRecord } from '../../harness/history/record.ts';
import type { InvariantResult } from '../../harness/summary/types.ts';
import { expectedLegs } from '../../harness/checkers/books.ts';
import { runChecks, type Checker, type CheckInput } from '../../harness/checkers/index.ts';

export interface World {
  journal: JournalEntry[];
  accounts: AccountView[];
  feed: BalanceView[];
  history: HistoryRecord[];
}

export function entry(seq: number, kind: JournalKind, account_id: string, amount: number, authorization_id: string | null, request_id?: string): JournalEntry {
  const e: JournalEntry = {
    seq,
    kind,
    request_id: request_id ?? `${kind}-${authorization_id ?? account_id}-${seq}`,
    authorization_id,
    account_id,
    amount,
    currency: 'GBP',
    legs: [],
    at: 1_700_000_000_000 + seq,
  };
  e.legs = expectedLegs(e) ?? [];
  return e;
}

export function auth(id: string, outcome: AuthOutcome, account_id = 'acc-1', extra: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    id,
    kind: 'authorization',
    account_id,
    amount: 100,
    currency: 'GBP',
    card_last4: '4242',
    intended_ms: 0,
    sent_ms: 0,
    latency_ms: 5,
    outcome,
    status: outcome === 'failed' || outcome === 'unknown' ? 0 : 200,
    faults: [],
    late: false,
    ...extra,
  };
}

/**
 * acc-1: opening 10000; a1 approved (hold 1000); u1 unknown (hold 300, released by a timeout reversal).
 *        available 9000, holds 1000, balance 10000.
 * acc-2: opening 500; a2 approved (hold 200); s1 stand-in approved (advice posting 800: overdraft allowed).
 *        available -500, holds 200, balance -300.
 * a3 declined (400, insufficient_funds: acc-2 had 300 after a2's hold), u2 unknown (never reached the ledger), f1 failed: no entries.
 */
export function world(): World {
  const journal = [
    entry(1, 'opening', 'acc-1', 10_000, null),
    entry(2, 'opening', 'acc-2', 500, null),
    entry(3, 'hold', 'acc-1', 1000, 'a1'),
    entry(4, 'hold', 'acc-2', 200, 'a2'),
    entry(5, 'hold', 'acc-1', 300, 'u1'),
    entry(6, 'posting', 'acc-2', 800, 's1', 'adv-s1'),
    entry(7, 'release', 'acc-1', 300, 'u1'),
  ];
  const accounts: AccountView[] = [
    { account_id: 'acc-1', currency: 'GBP', opening_balance: 10_000, balance: 10_000, available: 9000, holds: 1000, version: 4 },
    { account_id: 'acc-2', currency: 'GBP', opening_balance: 500, balance: -300, available: -500, holds: 200, version: 3 },
  ];
  const feed: BalanceView[] = accounts.map((a) => ({ account_id: a.account_id, currency: a.currency, balance: a.balance, available: a.available, version: a.version }));
  const history = [
    auth('a1', 'approved'),
    auth('a2', 'approved', 'acc-2'),
    auth('a3', 'declined', 'acc-2', { amount: 400, issuer_decision: 'declined', reason: 'insufficient_funds' }),
    auth('s1', 'standin_approved', 'acc-2', { error: { hop: 'processor->ledger', cause: 'timeout' } }),
    auth('u1', 'unknown'),
    auth('u2', 'unknown'),
    auth('f1', 'failed', 'acc-1', { error: { hop: 'processor->discovery', cause: 'discovery_null' } }),
  ];
  return { journal, accounts, feed, history };
}

/** Renumbers seq after an edit so the journal stays in order. */
export function renumber(journal: JournalEntry[]): JournalEntry[] {
  return journal.map((e, i) => ({ ...e, seq: i + 1 }));
}

/** The world as the checks' input (history, journal, ledger and feed views, nothing pending). */
export function input(w: World, extra: Partial<CheckInput> = {}): CheckInput {
  return { history: w.history, journal: w.journal, accounts: w.accounts, feedBalances: w.feed, advicesPending: [], ...extra };
}

/** One checker over a world, through the composer, as a run judges it. */
export function judge(checker: Checker, w: World, extra: Partial<CheckInput> = {}): InvariantResult {
  const [result] = runChecks(input(w, extra), [checker]).invariants;
  return result;
}
