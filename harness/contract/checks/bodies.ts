// Realistic request bodies, as the card network, the card processor and the outbox send them: the
// building blocks of the fixed examples, the idempotency checks and the payment rules. Money is integer
// minor units; a card is a token and its last four digits.
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { JsonObject } from '../types.ts';

export interface Money extends JsonObject {
  value: number;
  currency: string;
}

export const money = (value: number, currency = 'GBP'): Money => ({ value, currency });

/** Another currency than the account's, for the currency rules. */
export function otherCurrency(currency: string): string {
  return currency === 'EUR' ? 'USD' : 'EUR';
}

const MERCHANTS = [
  { name: 'Pret A Manger', mcc: '5814', country: 'GB' },
  { name: 'Transport for London', mcc: '4111', country: 'GB' },
  { name: 'Tesco Express', mcc: '5411', country: 'GB' },
] as const;

export function merchant(i = 0): JsonObject {
  return { ...MERCHANTS[i % MERCHANTS.length] };
}

// ---- ledger (replica or store) ----------------------------------------------------------------

export interface LedgerWrite {
  request_id: string;
  authorization_id: string;
  account_id: string;
  amount: Money;
}

export function hold(w: LedgerWrite, card?: AccountSeed): JsonObject {
  return { request_id: w.request_id, authorization_id: w.authorization_id, account_id: w.account_id, amount: w.amount, ...(card ? { card_last4: card.card_last4 } : {}) };
}

export function release(w: LedgerWrite): JsonObject {
  return { request_id: w.request_id, authorization_id: w.authorization_id, account_id: w.account_id, amount: w.amount };
}

export function posting(w: LedgerWrite): JsonObject {
  return { request_id: w.request_id, authorization_id: w.authorization_id, account_id: w.account_id, amount: w.amount, kind: 'advice' };
}

export function idempotencyRecord(key: string, account: AccountSeed, value: number, outcome = 'card_mismatch'): JsonObject {
  return {
    idempotency: { scope: 'authorization', key, fields: { account_id: account.id, 'amount.value': value, 'amount.currency': account.currency, 'card.last4': account.card_last4 } },
    outcome,
  };
}

// ---- card processor ---------------------------------------------------------------------------

export interface CardPayment {
  id: string;
  account: AccountSeed;
  amount: Money;
  /** Another card than the account's (a card_mismatch decline). */
  card?: { token: string; last4: string };
  merchant?: number;
}

export function authorization(p: CardPayment): JsonObject {
  return {
    id: p.id,
    account_id: p.account.id,
    card: p.card ?? { token: p.account.card_token, last4: p.account.card_last4 },
    amount: p.amount,
    merchant: merchant(p.merchant),
    channel: 'contactless',
  };
}

export function advice(p: CardPayment & { authorizationId: string }): JsonObject {
  return { ...authorization(p), authorization_id: p.authorizationId, channel: 'pos' };
}

export function reversal(r: { id: string; authorizationId: string; account: AccountSeed | string; amount: Money }): JsonObject {
  return { id: r.id, authorization_id: r.authorizationId, account_id: typeof r.account === 'string' ? r.account : r.account.id, amount: r.amount };
}

// ---- feed ---------------------------------------------------------------------------------------

export interface FeedSnapshot {
  account: AccountSeed;
  /** The ledger account's version this event carries. */
  version: number;
  /** What the ledger says is available after the event. */
  available: number;
  holds: number;
}

export function feedEvent(eventId: string, authorizationId: string, kind: 'hold' | 'release' | 'posting' | 'capture' | 'refund', value: number, s: FeedSnapshot, at: number): JsonObject {
  return {
    event_id: eventId,
    account_id: s.account.id,
    kind,
    authorization_id: authorizationId,
    amount: value,
    currency: s.account.currency,
    merchant_name: 'Pret A Manger',
    card_last4: s.account.card_last4,
    account: {
      account_id: s.account.id,
      currency: s.account.currency,
      opening_balance: s.account.opening_balance,
      balance: s.available + s.holds,
      available: s.available,
      holds: s.holds,
      version: s.version,
    },
    at,
  };
}
