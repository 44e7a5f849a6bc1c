// Invariant 3b: each account's balance, available and holds recomputed from the journal equal the
// ledger's AccountView: available = opening - holds - postings + releases + refunds, held = holds -
// releases - captures, balance = available + held. The opening balance comes from the account's opening
// entries, or from the view when the journal has none for it. Offending ids are account ids.
// A fold: feed entries with entry(), compare with result(accounts).
import type { AccountView, JournalEntry } from '../../services/ledger/contract.ts';
import type { InvariantResult } from '../summary/types.ts';
import { AVAILABLE_SIGN, HELD_SIGN } from './books.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const BALANCES = 'balances';

interface Recomputed {
  opening: number;
  openingSeen: boolean;
  /** Change to available from everything but openings. */
  available: number;
  held: number;
}

export class BalancesCheck {
  private readonly accounts = new Map<string, Recomputed>();

  entry(e: JournalEntry): void {
    let acc = this.accounts.get(e.account_id);
    if (!acc) {
      acc = { opening: 0, openingSeen: false, available: 0, held: 0 };
      this.accounts.set(e.account_id, acc);
    }
    if (e.kind === 'opening') {
      acc.opening += e.amount;
      acc.openingSeen = true;
      return;
    }
    const a = AVAILABLE_SIGN[e.kind];
    const h = HELD_SIGN[e.kind];
    if (a !== undefined) acc.available += a * e.amount;
    if (h !== undefined) acc.held += h * e.amount;
  }

  result(views: readonly AccountView[]): InvariantResult {
    const wrong = new Offenders();
    const examples: string[] = [];
    const seen = new Set<string>();
    for (const v of views) {
      seen.add(v.account_id);
      const r = this.accounts.get(v.account_id);
      const opening = r?.openingSeen ? r.opening : v.opening_balance;
      const available = opening + (r?.available ?? 0);
      const held = r?.held ?? 0;
      const balance = available + held;
      const diffs: string[] = [];
      if (r?.openingSeen && r.opening !== v.opening_balance) diffs.push(`opening ${r.opening} vs ${v.opening_balance}`);
      if (available !== v.available) diffs.push(`available ${available} vs ${v.available}`);
      if (held !== v.holds) diffs.push(`holds ${held} vs ${v.holds}`);
      if (balance !== v.balance) diffs.push(`balance ${balance} vs ${v.balance}`);
      if (diffs.length > 0) {
        wrong.add(v.account_id);
        if (examples.length < 3) examples.push(`${v.account_id}: journal ${diffs.join(', ')} (ledger)`);
      }
    }
    const missing: string[] = [];
    for (const id of this.accounts.keys()) if (!seen.has(id)) missing.push(id);
    let detail = `${views.length} accounts: ${describe('differ from the journal', wrong.ids, wrong.count)}`;
    if (examples.length > 0) detail += ` [${examples.join('; ')}]`;
    if (missing.length > 0) detail += `; ${describe('in the journal but not read from the ledger', missing, missing.length)}`;
    return invariantResult(BALANCES, wrong, detail, { unknown: missing.length > 0 });
  }
}

export function checkBalances(journal: Iterable<JournalEntry>, views: readonly AccountView[]): InvariantResult {
  const check = new BalancesCheck();
  for (const e of journal) check.entry(e);
  return check.result(views);
}
