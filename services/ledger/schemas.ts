// JSON schemas for the ledger's params, querystrings and responses (request bodies are in contract.ts).
// Shared by the store and the replicas so both validate and answer exactly alike.
import { MAX_JOURNAL_PAGE } from './book.ts';

const id = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' } as const;
const int = { type: 'integer' } as const;

export const idParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id },
} as const;

export const journalQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_JOURNAL_PAGE },
  },
} as const;

export const accountViewSchema = {
  type: 'object',
  required: ['account_id', 'currency', 'opening_balance', 'balance', 'available', 'holds', 'version'],
  properties: {
    account_id: { type: 'string' },
    currency: { type: 'string' },
    opening_balance: int,
    balance: int,
    available: int,
    holds: int,
    version: int,
  },
} as const;

const nullableAccount = { anyOf: [accountViewSchema, { type: 'null' }] } as const;

function operationResponse(results: readonly string[]) {
  return {
    type: 'object',
    required: ['request_id', 'authorization_id', 'result', 'account', 'replayed'],
    properties: {
      request_id: { type: 'string' },
      authorization_id: { type: 'string' },
      result: { type: 'string', enum: results },
      account: nullableAccount,
      replayed: { type: 'boolean' },
    },
  } as const;
}

/** The amount a release or posting moved; null when nothing moved. */
const movedAmount = {
  anyOf: [{ type: 'object', required: ['value', 'currency'], properties: { value: int, currency: { type: 'string' } } }, { type: 'null' }],
} as const;

function movingResponse(results: readonly string[]) {
  const base = operationResponse(results);
  return {
    ...base,
    required: [...base.required, 'amount'],
    properties: { ...base.properties, amount: movedAmount },
  } as const;
}

export const holdResponseSchema = operationResponse(['held', 'insufficient_funds', 'unknown_account', 'currency_mismatch', 'reversed']);
export const releaseResponseSchema = movingResponse(['released', 'refunded', 'nothing_to_reverse']);
export const postingResponseSchema = movingResponse(['posted', 'captured']);

export const idempotencyRecordResponseSchema = {
  type: 'object',
  required: ['scope', 'key', 'outcome', 'replayed'],
  properties: {
    scope: { type: 'string' },
    key: { type: 'string' },
    outcome: { type: 'string' },
    replayed: { type: 'boolean' },
  },
} as const;

export const journalPageSchema = {
  type: 'object',
  required: ['entries', 'next'],
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['seq', 'kind', 'request_id', 'authorization_id', 'account_id', 'amount', 'currency', 'legs', 'at'],
        properties: {
          seq: int,
          kind: { type: 'string' },
          request_id: { type: 'string' },
          authorization_id: { type: ['string', 'null'] },
          account_id: { type: 'string' },
          amount: int,
          currency: { type: 'string' },
          legs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['book', 'amount'],
              properties: { book: { type: 'string' }, amount: int },
            },
          },
          at: int,
        },
      },
    },
    next: { type: ['integer', 'null'] },
  },
} as const;

export const authorizationStateSchema = {
  type: 'object',
  required: ['authorization_id', 'holds', 'releases', 'postings', 'captures', 'refunds', 'held'],
  properties: {
    authorization_id: { type: 'string' },
    holds: int,
    releases: int,
    postings: int,
    captures: int,
    refunds: int,
    held: { type: 'boolean' },
  },
} as const;

export const healthSchema = {
  type: 'object',
  required: ['status', 'service', 'replica'],
  properties: {
    status: { type: 'string' },
    service: { type: 'string' },
    replica: { type: 'string' },
    entries: int,
    accounts: int,
    authorizations: int,
    idempotency: { type: 'boolean' },
    idempotency_keys: int,
    store: { type: 'string' },
  },
} as const;
