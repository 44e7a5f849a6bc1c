// The legs of each journal entry kind (the table in contract.ts), in one place: the book applies them
// to its balances when it commits, and rebuilds them from the compact entry when the journal is read.
import type { JournalKind, JournalLeg } from './contract.ts';
import { EQUITY_OPENING, SETTLEMENT } from './books.ts';

export interface AccountBooks {
  availableBook: string;
  heldBook: string;
}

/**
 * `amount` is the entry's amount; `heldAmount` matters only for a capture, where the hold taken may
 * differ from the advice's amount (the difference moves through the available book).
 */
export function legsOf(kind: JournalKind, books: AccountBooks, amount: number, heldAmount: number): JournalLeg[] {
  switch (kind) {
    case 'opening':
      return [
        { book: books.availableBook, amount },
        { book: EQUITY_OPENING, amount: -amount },
      ];
    case 'hold':
      return [
        { book: books.availableBook, amount: -amount },
        { book: books.heldBook, amount },
      ];
    case 'release':
      return [
        { book: books.heldBook, amount: -amount },
        { book: books.availableBook, amount },
      ];
    case 'posting':
      return [
        { book: books.availableBook, amount: -amount },
        { book: SETTLEMENT, amount },
      ];
    case 'capture': {
      const legs: JournalLeg[] = [
        { book: books.heldBook, amount: -heldAmount },
        { book: SETTLEMENT, amount },
      ];
      if (amount !== heldAmount) legs.push({ book: books.availableBook, amount: heldAmount - amount });
      return legs;
    }
    case 'refund':
      return [
        { book: SETTLEMENT, amount: -amount },
        { book: books.availableBook, amount },
      ];
  }
}
