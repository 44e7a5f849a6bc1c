// The feed/balance API's contract: what the customer's app reads, and the events the processor sends it.
import type { AccountView, JournalKind } from '../ledger/contract.ts';

export interface FeedEvent {
  /** Idempotency key: a repeated event is applied once. */
  event_id: string;
  account_id: string;
  kind: Exclude<JournalKind, 'opening'>;
  authorization_id: string;
  amount: number;
  currency: string;
  merchant_name?: string;
  card_last4?: string;
  /** The ledger's view of the account right after the operation; the feed keeps the highest version. */
  account: AccountView;
  at: number;
}

export interface FeedEventBatch {
  events: FeedEvent[];
}

export interface BalanceView {
  account_id: string;
  currency: string;
  balance: number;
  available: number;
  /** The ledger account version this balance reflects. */
  version: number;
}

/** GET /v1/balances?after=&limit=: balances in ascending account id order (services/common/id-pages.ts). */
export interface BalancesPage {
  balances: BalanceView[];
  /** The page's last account id: pass as ?after= to read on; null when the page reached the end. */
  next: string | null;
}

export interface FeedItem {
  event_id: string;
  kind: FeedEvent['kind'];
  authorization_id: string;
  amount: number;
  currency: string;
  merchant_name?: string;
  card_last4?: string;
  at: number;
}

export interface FeedPage {
  account_id: string;
  items: FeedItem[];
}
