// Invariant 3a, double entry: every journal entry's legs sum to zero and are the legs its kind must have
// (books.ts), amounts are integer minor units, and the whole journal sums to zero. A capture that posts
// another amount than the hold it consumed (after a partial reversal) has a third leg: held -H,
// settlement +A, available H-A.
// A journal fold: reads nothing else. Offending ids are request ids.
import type { JournalEntry } from '../../services/ledger/contract.ts';
import type { InvariantResult } from '../summary/types.ts';
import { availableBook, EQUITY_OPENING, heldBook, SETTLEMENT } from './books.ts';
import type { Checker } from './checker.ts';
import { describe, invariantResult, Offenders } from './result.ts';

export const DOUBLE_ENTRY = 'double-entry';

export class DoubleEntryCheck implements Checker {
  readonly name = DOUBLE_ENTRY;
  private readonly unbalanced = new Offenders();
  private readonly wrongLegs = new Offenders();
  private readonly all = new Offenders();
  private entries = 0;
  private total = 0;
  /** Book names per account, built once (no string building per entry). */
  private readonly books = new Map<string, { available: string; held: string }>();

  /** The two legs' books and signs this entry's kind requires, or undefined for an unknown kind. */
  private expected(e: JournalEntry): [string, number, string, number] | undefined {
    let b = this.books.get(e.account_id);
    if (!b) {
      b = { available: availableBook(e.account_id), held: heldBook(e.account_id) };
      this.books.set(e.account_id, b);
    }
    switch (e.kind) {
      case 'opening':
        return [b.available, 1, EQUITY_OPENING, -1];
      case 'hold':
        return [b.available, -1, b.held, 1];
      case 'release':
        return [b.held, -1, b.available, 1];
      case 'posting':
        return [b.available, -1, SETTLEMENT, 1];
      case 'capture':
        return [b.held, -1, SETTLEMENT, 1];
      case 'refund':
        return [SETTLEMENT, -1, b.available, 1];
      default:
        return undefined;
    }
  }

  /** held -H, settlement +A, available H-A (H != A, H > 0), in any order. The sum was checked already. */
  private capturesAnotherAmount(e: JournalEntry): boolean {
    const b = this.books.get(e.account_id);
    if (!b) return false;
    let held = 0;
    let settled = 0;
    let available = 0;
    let seen = 0;
    for (const leg of e.legs) {
      if (leg.book === b.held) {
        held -= leg.amount;
        seen |= 1;
      } else if (leg.book === b.available) {
        available += leg.amount;
        seen |= 2;
      } else if (leg.book === SETTLEMENT) {
        settled += leg.amount;
        seen |= 4;
      } else {
        return false;
      }
    }
    return seen === 7 && held > 0 && settled === e.amount && available === held - e.amount && available !== 0;
  }

  entry(e: JournalEntry): void {
    this.entries++;
    let sum = 0;
    let integers = Number.isSafeInteger(e.amount) && e.amount > 0;
    for (const leg of e.legs) {
      sum += leg.amount;
      if (!Number.isSafeInteger(leg.amount)) integers = false;
    }
    this.total += sum;
    const id = e.request_id || `seq:${e.seq}`;
    if (sum !== 0 || !integers) {
      this.unbalanced.add(id);
      this.all.add(id);
      return;
    }
    // The same table as books.ts expectedLegs(), without allocating per entry.
    const want = this.expected(e);
    const legs = e.legs;
    const a = e.amount;
    const ok =
      want !== undefined &&
      ((legs.length === 2 &&
        ((legs[0].book === want[0] && legs[0].amount === want[1] * a && legs[1].book === want[2] && legs[1].amount === want[3] * a) ||
          (legs[0].book === want[2] && legs[0].amount === want[3] * a && legs[1].book === want[0] && legs[1].amount === want[1] * a))) ||
        (legs.length === 3 && e.kind === 'capture' && this.capturesAnotherAmount(e)));
    if (!ok) {
      this.wrongLegs.add(id);
      this.all.add(id);
    }
  }

  result(): InvariantResult {
    const detail =
      `${this.entries} journal entries, journal total ${this.total}: ` +
      [
        describe('entries whose legs do not sum to zero (or are not integer minor units)', this.unbalanced.ids, this.unbalanced.count),
        describe("entries whose legs do not match their kind", this.wrongLegs.ids, this.wrongLegs.count),
      ].join('; ');
    if (this.total !== 0 && this.all.count === 0) this.all.add('journal-total');
    return invariantResult(DOUBLE_ENTRY, this.all, detail);
  }
}
