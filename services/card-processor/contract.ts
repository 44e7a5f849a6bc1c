// The card processor's HTTP contract, as the card network (the driver) and replay files speak it.
//
// Idempotency: every request's `id` is the network's idempotency key (per route). A reuse with the same
// content gets the original answer (`replayed: true`); a reuse with other content is refused with 409
// (IdempotencyConflictBody: the key and the differing fields), on every replica. Requests the ledger
// refuses whole (a reversal in another currency or over what is still held, an advice in another currency)
// get its 4xx (RefusalBody) and write nothing; such a refused request does not use up its key.
import { moneySchema, type Money } from '../common/money.ts';

export const CHANNELS = ['pos', 'contactless', 'ecommerce', 'atm', 'recurring'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Card {
  /** Network token for the card: never a PAN. */
  token: string;
  last4: string;
}

export interface Merchant {
  /** Untrusted text from traffic: escape before showing anywhere. */
  name: string;
  /** ISO 18245 merchant category code, four digits. */
  mcc: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface AuthorizationRequest {
  /** The network's idempotency key: a repeat with the same content gets the first answer and never holds twice. */
  id: string;
  account_id: string;
  card: Card;
  amount: Money;
  merchant: Merchant;
  channel: Channel;
}

/** Every reason the issuer declines for: a decline for any other reason is outside the contract (a bad answer). */
export const DECLINE_REASONS = ['insufficient_funds', 'unknown_account', 'currency_mismatch', 'card_mismatch', 'reversed'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export interface AuthorizationResponse {
  id: string;
  decision: 'approved' | 'declined';
  reason: 'ok' | DeclineReason;
  account_id: string;
  amount: Money;
  /** True when this answer was replayed for a repeated id. */
  replayed: boolean;
  /** Attempts made at the ledger for this authorization (retry amplification). */
  ledger_attempts: number;
}

/** A stand-in advice: the network approved while the issuer was unreachable; it must be posted, even into overdraft. */
export interface AdviceRequest {
  id: string;
  authorization_id: string;
  account_id: string;
  card: Card;
  amount: Money;
  merchant: Merchant;
  channel: Channel;
}

export interface AdviceResponse {
  id: string;
  authorization_id: string;
  /** posted: a new forced posting; captured: an existing hold for the authorization became the posting. */
  result: 'posted' | 'captured';
  replayed: boolean;
}

/**
 * A reversal of all or part of an authorization: `amount` in the authorization's currency, at most what it
 * still holds (a partial reversal releases exactly that much; the rest stays held).
 */
export interface ReversalRequest {
  id: string;
  authorization_id: string;
  account_id: string;
  amount: Money;
}

export interface ReversalResponse {
  id: string;
  authorization_id: string;
  /** released: a hold was released; refunded: a posted advice was refunded; nothing_to_reverse: no hold or posting. */
  result: 'released' | 'refunded' | 'nothing_to_reverse';
  /** What the ledger released or refunded; null for nothing_to_reverse. */
  amount: Money | null;
  replayed: boolean;
}

/** A 4xx the processor answers: a validation error, a reused key with other content, or a ledger refusal. */
export interface RefusalBody {
  error: string;
  code: string;
  status: number;
  /** The request field at fault (e.g. `amount/currency`). */
  field?: string;
  /** For `idempotency_conflict`: the reused key and the fields that differ from its first use. */
  key?: string;
  fields?: string[];
}

const idSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' } as const;
const accountIdSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' } as const;

export const cardSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'last4'],
  properties: {
    token: { type: 'string', minLength: 4, maxLength: 64, pattern: '^tok_[A-Za-z0-9]+$' },
    last4: { type: 'string', pattern: '^[0-9]{4}$' },
  },
} as const;

export const merchantSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'mcc', 'country'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    mcc: { type: 'string', pattern: '^[0-9]{4}$' },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
  },
} as const;

export const authorizationRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'account_id', 'card', 'amount', 'merchant', 'channel'],
  properties: {
    id: idSchema,
    account_id: accountIdSchema,
    card: cardSchema,
    amount: moneySchema,
    merchant: merchantSchema,
    channel: { type: 'string', enum: [...CHANNELS] },
  },
} as const;

export const adviceRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'authorization_id', 'account_id', 'card', 'amount', 'merchant', 'channel'],
  properties: {
    id: idSchema,
    authorization_id: idSchema,
    account_id: accountIdSchema,
    card: cardSchema,
    amount: moneySchema,
    merchant: merchantSchema,
    channel: { type: 'string', enum: [...CHANNELS] },
  },
} as const;

export const reversalRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'authorization_id', 'account_id', 'amount'],
  properties: {
    id: idSchema,
    authorization_id: idSchema,
    account_id: accountIdSchema,
    amount: moneySchema,
  },
} as const;
