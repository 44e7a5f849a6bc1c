// Invariant 3b: each account's balance, available and holds recomputed from the journal equal the
// ledger's AccountView: available = opening - holds - postings + releases + refunds, held = holds -
// releases - captures, balance = available + held. The opening balance comes from the account's opening
// entries, or from the view when the journal has none for it. Offending ids are account ids.
// Amounts: a release (a reversal, whole or partial) moves exactly its amount; a capture consumes the hold
// that was left (its held leg), which may differ from the amount it posts after a partial reversal: the
// difference moves through available (books.ts availableDelta/heldDelta, also used by no-negative and the tally).
// A journal fold, compared with the ledger's account views at the end.
import type { JournalEntry } from '../../services/ledger/contract.ts';
import type { InvariantResult } from '../summary/types.ts';
import { availableDelta, heldDelta } from './books.ts';
import type { CheckContext, Checker } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const BALANCES = 'balances';

interface Recomputed {
  opening: number;
  openingSeen: boolean;
  /** Change to available from everything but openings. */
  available: number;
  held: number;
}

export class BalancesCheck implements Checker {
  readonly name = BALANCES;
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
    acc.available += availableDelta(e);
    acc.held += heldDelta(e);
  }

  result({ accounts: views }: CheckContext): InvariantResult {
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
