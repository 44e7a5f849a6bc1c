// How a seeded account looks before any traffic: shared by the ledger (which writes an opening journal
// entry for every account with a positive opening balance) and the feed (which shows the same view
// until it hears about the account), so the two agree on untouched accounts, version included.
import type { AccountSeed } from '../common/accounts.ts';
import type { AccountView } from './contract.ts';

/** An opening entry is written only for a positive balance (journal amounts are positive). */
export function hasOpeningEntry(seed: AccountSeed): boolean {
  return seed.opening_balance > 0;
}

export function openingView(seed: AccountSeed): AccountView {
  return {
    account_id: seed.id,
    currency: seed.currency,
    opening_balance: seed.opening_balance,
    balance: seed.opening_balance,
    available: seed.opening_balance,
    holds: 0,
    version: hasOpeningEntry(seed) ? 1 : 0,
  };
}
