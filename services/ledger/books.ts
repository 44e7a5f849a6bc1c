// The names of the ledger's books (see contract.ts). Checkers parse them back to recompute balances.

export const EQUITY_OPENING = 'equity:opening';
export const SETTLEMENT = 'settlement';

export function availableBook(accountId: string): string {
  return `acct:${accountId}:available`;
}

export function heldBook(accountId: string): string {
  return `acct:${accountId}:held`;
}

export interface AccountBookRef {
  account_id: string;
  side: 'available' | 'held';
}

/** `acct:<id>:available` -> {account_id, side}; null for equity:opening, settlement or anything else. */
export function parseAccountBook(book: string): AccountBookRef | null {
  if (!book.startsWith('acct:')) return null;
  if (book.endsWith(':available')) return { account_id: book.slice(5, -':available'.length), side: 'available' };
  if (book.endsWith(':held')) return { account_id: book.slice(5, -':held'.length), side: 'held' };
  return null;
}
