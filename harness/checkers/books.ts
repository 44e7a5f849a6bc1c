// The ledger's books and what each journal entry kind does to them (services/ledger/contract.ts):
//   opening   available +X, equity:opening -X
//   hold      available -A, held +A
//   release   held -A, available +A
//   posting   available -A, settlement +A
//   capture   held -A, settlement +A
//   refund    settlement -A, available +A
// A capture consumes the hold that was left (its held leg), which may differ from the amount it posts after a
// partial reversal: the difference moves through available (availableDelta/heldDelta).
import type { JournalEntry, JournalKind, JournalLeg } from '../../services/ledger/contract.ts';

import { EQUITY_OPENING, SETTLEMENT, availableBook, heldBook } from '../../services/ledger/books.ts';

// The book names are the ledger's own: one definition, so a checker can never disagree on spelling.
export { EQUITY_OPENING, SETTLEMENT, availableBook, heldBook };

/** Sign of each kind's effect on the account's available book (x amount). */
export const AVAILABLE_SIGN: Readonly<Record<JournalKind, -1 | 0 | 1>> = {
  opening: 1,
  hold: -1,
  release: 1,
  posting: -1,
  capture: 0,
  refund: 1,
};

/** Sign of each kind's effect on the account's held book (x amount). */
export const HELD_SIGN: Readonly<Record<JournalKind, -1 | 0 | 1>> = {
  opening: 0,
  hold: 1,
  release: -1,
  posting: 0,
  capture: -1,
  refund: 0,
};

/** The two legs an entry of this kind must have. Undefined for a kind the contract does not know. */
export function expectedLegs(e: Pick<JournalEntry, 'kind' | 'account_id' | 'amount'>): [JournalLeg, JournalLeg] | undefined {
  const a = e.amount;
  const available = availableBook(e.account_id);
  const held = heldBook(e.account_id);
  switch (e.kind) {
    case 'opening':
      return [{ book: available, amount: a }, { book: EQUITY_OPENING, amount: -a }];
    case 'hold':
      return [{ book: available, amount: -a }, { book: held, amount: a }];
    case 'release':
      return [{ book: held, amount: -a }, { book: available, amount: a }];
    case 'posting':
      return [{ book: available, amount: -a }, { book: SETTLEMENT, amount: a }];
    case 'capture':
      return [{ book: held, amount: -a }, { book: SETTLEMENT, amount: a }];
    case 'refund':
      return [{ book: SETTLEMENT, amount: -a }, { book: available, amount: a }];
    default:
      return undefined;
  }
}

/** The hold a capture consumed: its held leg; the entry's amount when it has none (double-entry flags that). */
function capturedHold(e: JournalEntry): number {
  for (const leg of e.legs) if (leg.amount < 0 && leg.book.endsWith(':held')) return -leg.amount;
  return e.amount;
}

/** What an entry does to its account's available book. */
export function availableDelta(e: JournalEntry): number {
  if (e.kind === 'capture') return capturedHold(e) - e.amount;
  return (AVAILABLE_SIGN[e.kind] ?? 0) * e.amount;
}

/** What an entry does to its account's held book. */
export function heldDelta(e: JournalEntry): number {
  if (e.kind === 'capture') return -capturedHold(e);
  return (HELD_SIGN[e.kind] ?? 0) * e.amount;
}
