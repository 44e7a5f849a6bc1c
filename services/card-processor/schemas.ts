// JSON schemas for the processor's responses (request bodies are in contract.ts): every route answers
// through one, so the bodies a network sees are exactly these fields.

export const hopFailureSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    hop: { type: 'string' },
    cause: { type: 'string' },
    attempts: { type: 'integer' },
  },
} as const;

const moneyOut = { type: 'object', properties: { value: { type: 'integer' }, currency: { type: 'string' } } } as const;
const nullableMoneyOut = { anyOf: [moneyOut, { type: 'null' }] } as const;

/** Every 4xx the processor answers (RefusalBody), so `key` and `fields` are serialised. */
export const refusalSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    code: { type: 'string' },
    status: { type: 'integer' },
    field: { type: 'string' },
    key: { type: 'string' },
    fields: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const adviceResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    authorization_id: { type: 'string' },
    result: { type: 'string', enum: ['posted', 'captured'] },
    replayed: { type: 'boolean' },
  },
} as const;

export const reversalResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    authorization_id: { type: 'string' },
    result: { type: 'string', enum: ['released', 'refunded', 'nothing_to_reverse'] },
    amount: nullableMoneyOut,
    replayed: { type: 'boolean' },
  },
} as const;

export const authorizationResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    decision: { type: 'string', enum: ['approved', 'declined'] },
    reason: { type: 'string' },
    account_id: { type: 'string' },
    amount: moneyOut,
    replayed: { type: 'boolean' },
    ledger_attempts: { type: 'integer' },
  },
} as const;
