// Invariant 5: replaying the journal in seq order, no account's available goes below zero except through
// advices (a stand-in approval must be posted even into overdraft): a posting, or a capture that posts more
// than the hold it consumed (after a partial reversal). An entry that lowers available
// and leaves it negative is offending unless it is a posting; offending ids are authorization ids (the
// request id when the entry has none). Accounts start from their opening entries, or from the ledger's
// opening_balance when the journal has none for them.
// A journal fold in seq order (the opening balances come from the facts read before the journal).
// Out-of-order input makes it `unknown`.
import type { JournalEntry } from '../../services/ledger/contract.ts';
import type { InvariantResult } from '../summary/types.ts';
import { availableDelta } from './books.ts';
import type { Checker, RunFacts } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const NO_NEGATIVE = 'no-negative';

export class NoNegativeCheck implements Checker {
  readonly name = NO_NEGATIVE;
  private readonly available = new Map<string, number>();
  /** The ledger's opening balances, read from the facts the first time an account has no opening entry. */
  private openings: ReadonlyMap<string, number> | undefined;
  private readonly offenders = new Offenders();
  private readonly examples: string[] = [];
  private lastSeq = -Infinity;
  private outOfOrder = 0;
  private readonly overdrawnByAdvice = new Set<string>();

  entry(e: JournalEntry, facts: RunFacts): void {
    if (e.seq <= this.lastSeq) this.outOfOrder++;
    else this.lastSeq = e.seq;
    let before = this.available.get(e.account_id);
    if (before === undefined) before = e.kind === 'opening' ? 0 : this.openingBalance(e.account_id, facts);
    const delta = availableDelta(e);
    const after = before + delta;
    this.available.set(e.account_id, after);
    if (delta < 0 && after < 0) {
      if (e.kind === 'posting' || e.kind === 'capture') {
        this.overdrawnByAdvice.add(e.account_id);
      } else {
        const id = e.authorization_id ?? e.request_id;
        this.offenders.add(id);
        if (this.examples.length < 3) this.examples.push(`${id}: ${e.kind} of ${e.amount} on ${e.account_id} left available ${after} (seq ${e.seq})`);
      }
    }
  }

  private openingBalance(accountId: string, facts: RunFacts): number {
    this.openings ??= new Map(facts.accounts.map((a) => [a.account_id, a.opening_balance]));
    return this.openings.get(accountId) ?? 0;
  }

  result(): InvariantResult {
    let detail = `${this.available.size} accounts replayed: ${describe('entries took available below zero other than advice postings', this.offenders.ids, this.offenders.count)}`;
    if (this.examples.length > 0) detail += ` [${this.examples.join('; ')}]`;
    detail += `; ${this.overdrawnByAdvice.size} accounts overdrawn by advices (allowed)`;
    if (this.outOfOrder > 0) detail += `; ${this.outOfOrder} entries out of seq order: replay not trustworthy`;
    return invariantResult(NO_NEGATIVE, this.offenders, detail, { unknown: this.outOfOrder > 0 });
  }
}
