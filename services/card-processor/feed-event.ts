// A feed event for one committed ledger change: what the ledger did (its amounts, not the request's).
import type { AccountView } from '../ledger/contract.ts';
import type { FeedEvent } from '../feed/contract.ts';

export interface FeedEventFields {
  eventId: string;
  kind: FeedEvent['kind'];
  authorizationId: string;
  /** The account as the ledger answered it, right after the change. */
  account: AccountView;
  /** What moved, as the ledger answered it. */
  moved: { value: number; currency: string };
  /** Present on holds and postings: what the customer's feed shows. */
  merchantName?: string;
  cardLast4?: string;
}

export function feedEvent(f: FeedEventFields): FeedEvent {
  return {
    event_id: f.eventId,
    account_id: f.account.account_id,
    kind: f.kind,
    authorization_id: f.authorizationId,
    amount: f.moved.value,
    currency: f.moved.currency,
    ...(f.merchantName !== undefined ? { merchant_name: f.merchantName } : {}),
    ...(f.cardLast4 !== undefined ? { card_last4: f.cardLast4 } : {}),
    account: f.account,
    at: Date.now(),
  };
}
