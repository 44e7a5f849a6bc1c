// The accounts every service seeds from the same seed value, so ledger and feed agree on opening balances
// and a run can be repeated. A card is a token plus its last four digits: no full card number exists anywhere.
import { createRng, hashSeed } from './random.ts';

export interface AccountSeed {
  id: string;
  currency: string;
  /** Opening balance in integer minor units. */
  opening_balance: number;
  card_token: string;
  card_last4: string;
}

export const DEFAULT_ACCOUNT_COUNT = 1000;

export function accountId(index: number): string {
  return `acc-${String(index + 1).padStart(6, '0')}`;
}

/**
 * Deterministic accounts for a seed. Balances spread from a few pounds to a few thousand so that
 * some authorizations decline for insufficient funds, as real traffic does.
 */
export function seedAccounts(seed: number, count: number = DEFAULT_ACCOUNT_COUNT): AccountSeed[] {
  const rng = createRng(hashSeed('accounts', seed));
  const accounts: AccountSeed[] = [];
  for (let i = 0; i < count; i++) {
    const bucket = rng.next();
    let opening: number;
    if (bucket < 0.1) opening = rng.int(0, 2_000); // nearly empty: drives declines
    else if (bucket < 0.8) opening = rng.int(20_000, 300_000);
    else opening = rng.int(300_000, 2_000_000);
    let token = 'tok_';
    for (let k = 0; k < 4; k++) token += rng.int(0, 0xffff).toString(16).padStart(4, '0');
    accounts.push({
      id: accountId(i),
      currency: 'GBP',
      opening_balance: opening,
      card_token: token,
      card_last4: String(rng.int(0, 9999)).padStart(4, '0'),
    });
  }
  return accounts;
}
