// JSON schemas for the feed/balance API's routes (types are in contract.ts).
import { CURRENCIES, MAX_AMOUNT_MINOR } from '../common/money.ts';
import { idPageQuerySchema, idPageSchema, MAX_ID_PAGE } from '../common/id-pages.ts';

const id = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' } as const;
const int = { type: 'integer' } as const;

export const MAX_EVENTS_PER_BATCH = 1000;
export const MAX_FEED_PAGE = 100;

export const FEED_EVENT_KINDS = ['hold', 'release', 'posting', 'capture', 'refund'] as const;

/** The ledger's AccountView as carried in an event. */
const accountSnapshotSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['account_id', 'currency', 'opening_balance', 'balance', 'available', 'holds', 'version'],
  properties: {
    account_id: id,
    currency: { type: 'string', enum: Object.keys(CURRENCIES) },
    opening_balance: int,
    balance: int,
    available: int,
    holds: int,
    version: { type: 'integer', minimum: 0 },
  },
} as const;

export const feedEventBatchSchema = {
  type: 'object',
  description: 'A batch of events from the card processor\'s outbox (FeedEventBatch), checked whole before any is applied.',
  additionalProperties: false,
  required: ['events'],
  properties: {
    events: {
      type: 'array',
      maxItems: MAX_EVENTS_PER_BATCH,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['event_id', 'account_id', 'kind', 'authorization_id', 'amount', 'currency', 'account', 'at'],
        properties: {
          event_id: { ...id, maxLength: 200 },
          account_id: id,
          kind: { type: 'string', enum: FEED_EVENT_KINDS },
          authorization_id: id,
          amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT_MINOR },
          currency: { type: 'string', enum: Object.keys(CURRENCIES) },
          merchant_name: { type: 'string', maxLength: 200 },
          card_last4: { type: 'string', pattern: '^[0-9]{4}$' },
          account: accountSnapshotSchema,
          at: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
} as const;

export const eventsResponseSchema = {
  type: 'object',
  description: 'The batch was taken (a repeated event_id counts as a duplicate and changes nothing).',
  required: ['received', 'applied', 'duplicates'],
  properties: {
    received: { ...int, description: 'Events in the batch.' },
    applied: { ...int, description: 'Events applied for the first time.' },
    duplicates: { ...int, description: 'Events already applied before (by event_id).' },
  },
} as const;

export const accountParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id },
} as const;

export const feedQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_FEED_PAGE, description: 'At most this many items, newest first.' } },
} as const;

export const balanceViewSchema = {
  type: 'object',
  description: 'What the app shows (BalanceView): the ledger snapshot with the highest version received, or the opening balance before any event.',
  required: ['account_id', 'currency', 'balance', 'available', 'version'],
  properties: {
    account_id: { type: 'string' },
    currency: { type: 'string' },
    balance: { ...int, description: 'available + held, integer minor units.' },
    available: { ...int, description: 'Integer minor units.' },
    version: { ...int, description: 'The ledger account version this balance reflects.' },
  },
} as const;

/** GET /v1/balances?after=&limit= */
export const balancesQuerySchema = idPageQuerySchema;

export const balancesPageSchema = idPageSchema('balances', balanceViewSchema, 'One page of the balances in ascending account id order (BalancesPage), each the same BalanceView as GET /v1/accounts/{id}/balance.');

export const feedPageSchema = {
  type: 'object',
  description: 'The account\'s transaction feed, newest first (FeedPage).',
  required: ['account_id', 'items'],
  properties: {
    account_id: { type: 'string' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['event_id', 'kind', 'authorization_id', 'amount', 'currency', 'at'],
        properties: {
          event_id: { type: 'string' },
          kind: { type: 'string' },
          authorization_id: { type: 'string' },
          amount: int,
          currency: { type: 'string' },
          merchant_name: { type: 'string' },
          card_last4: { type: 'string' },
          at: int,
        },
      },
    },
  },
} as const;

export const feedHealthSchema = {
  type: 'object',
  description: 'The process is up, with its event counters.',
  required: ['status', 'service', 'replica'],
  properties: {
    status: { type: 'string' },
    service: { type: 'string' },
    replica: { type: 'string' },
    events_applied: int,
    events_duplicate: int,
    events_missed: int,
    accounts_seen: int,
  },
} as const;
