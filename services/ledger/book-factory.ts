// Builds the store's book from its config: the seeded accounts and the idempotency switch.
import { seedAccounts } from '../common/accounts.ts';
import { LedgerBook } from './book.ts';
import type { LedgerStoreConfig } from './config.ts';

export function createLedgerBook(config: Pick<LedgerStoreConfig, 'seed' | 'accounts' | 'idempotency'>): LedgerBook {
  return new LedgerBook({ accounts: seedAccounts(config.seed, config.accounts), idempotency: config.idempotency });
}
