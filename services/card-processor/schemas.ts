// JSON schemas for the processor's responses (request bodies are in contract.ts): every route answers
// through one, so the bodies a network sees are exactly these fields. The card network reads the answers
// against the same schemas (harness/traffic/card-network/answers.ts): a 2xx outside them is a bad answer.
import { DECLINE_REASONS } from './contract.ts';

export const hopFailureSchema = {
  type: 'object',
  description:
    'A technical failure, never a decline (HopFailureBody): a hop downstream failed and no usable answer came back. ' +
    '502: an upstream failed or answered 5xx; 503: the ledger could not be resolved from discovery (discovery_*) or a circuit is open; ' +
    '504: the ledger call ran out of its deadline. After a timeout or a reset the hold may have been placed: the processor keeps ' +
    'settling it, and the network answers the authorization with a timeout reversal.',
  properties: {
    error: { type: 'string', description: 'What failed, for humans.' },
    hop: { type: 'string', description: 'Where it failed, e.g. `processor->ledger`, `processor->discovery`, `ledger->store`.' },
    cause: {
      type: 'string',
      description:
        'Why: connection_refused, reset, timeout, http_5xx, http_4xx, discovery_empty, discovery_null, discovery_unavailable, circuit_open, ' +
        'bad_answer (the hop answered outside its contract, e.g. `200 {}`: a technical failure, never a decline) or other.',
    },
    attempts: { type: 'integer', description: 'Attempts made at that hop before giving up.' },
    may_have_committed: {
      type: 'boolean',
      description:
        'true when an earlier attempt was sent and never answered (a reset or a timeout the processor retried after): the hold may have ' +
        'been placed even though the last attempt failed in a way that writes nothing (refused, 5xx). Absent: judge by `cause`.',
    },
  },
} as const;

const moneyOut = {
  type: 'object',
  properties: { value: { type: 'integer', description: 'Integer minor units.' }, currency: { type: 'string', description: 'ISO 4217 code.' } },
} as const;
const nullableMoneyOut = { anyOf: [moneyOut, { type: 'null' }] } as const;

/** Every 4xx the processor answers (RefusalBody), so `key` and `fields` are serialised. */
export const refusalSchema = {
  type: 'object',
  description:
    'The request was refused whole and nothing was written (RefusalBody): a body that fails the schema (400), a reused id with ' +
    'other content (409 `idempotency_conflict`), another advice for the same authorization with other content (409 ' +
    '`authorization_conflict`), a new hold for an authorization already released in full (409 `one_hold_per_authorization`), ' +
    'an unknown account on an advice (404 `unknown_account`), or a reversal or advice the ledger ' +
    "refuses (422 `currency_mismatch`, `amount_exceeds_remaining`). A refused request does not use up its id.",
  properties: {
    error: { type: 'string', description: 'What is wrong, naming the field (e.g. `body/amount/value must be integer`).' },
    code: { type: 'string', description: 'Machine-readable reason, e.g. `FST_ERR_VALIDATION`, `idempotency_conflict`, `currency_mismatch`.' },
    status: { type: 'integer', description: 'The HTTP status, repeated.' },
    field: { type: 'string', description: 'The request field at fault (e.g. `amount/currency`).' },
    key: { type: 'string', description: 'For a conflict: the reused key.' },
    fields: { type: 'array', items: { type: 'string' }, description: 'For a conflict: the fields (dotted paths, e.g. `amount.value`) that differ from the first use, sorted.' },
  },
} as const;

export const adviceResponseSchema = {
  type: 'object',
  description: 'The advice is posted: the stand-in approval is now money owed to the network (AdviceResponse).',
  required: ['id', 'result'],
  properties: {
    id: { type: 'string', description: "The advice's id, as sent." },
    authorization_id: { type: 'string', description: 'The authorization the network approved in stand-in.' },
    result: {
      type: 'string',
      enum: ['posted', 'captured'],
      description: 'posted: a new forced posting (even into overdraft); captured: the hold placed for the authorization became the posting.',
    },
    replayed: { type: 'boolean', description: 'True when this is the answer to an earlier request with the same id and content, or the authorization was already posted.' },
  },
} as const;

export const reversalResponseSchema = {
  type: 'object',
  description: 'What the reversal did (ReversalResponse).',
  required: ['id', 'result'],
  properties: {
    id: { type: 'string', description: "The reversal's id, as sent." },
    authorization_id: { type: 'string', description: 'The authorization reversed.' },
    result: {
      type: 'string',
      enum: ['released', 'refunded', 'nothing_to_reverse'],
      description: 'released: (part of) a hold was released; refunded: (part of) a posted advice was refunded; nothing_to_reverse: no hold or posting was left.',
    },
    amount: { ...nullableMoneyOut, description: 'What the ledger released or refunded; null for nothing_to_reverse.' },
    replayed: { type: 'boolean', description: 'True when this is the answer to an earlier request with the same id and content.' },
  },
} as const;

export const authorizationResponseSchema = {
  type: 'object',
  description:
    "The issuer's decision (AuthorizationResponse). A decline is a business answer; a technical failure is a 5xx, never a decline. " +
    'The network reads a 2xx without a decision, a decline for a reason not listed here, or an approval whose reason is not `ok` ' +
    'as a technical failure (bad_answer), never as a decline.',
  required: ['id', 'decision', 'reason'],
  properties: {
    id: { type: 'string', description: "The authorization's id, as sent." },
    decision: { type: 'string', enum: ['approved', 'declined'], description: 'approved: the amount is held on the account.' },
    reason: {
      type: 'string',
      enum: ['ok', ...DECLINE_REASONS],
      description: '`ok` when approved; else insufficient_funds, unknown_account, currency_mismatch, card_mismatch (the card is not the account\'s) or reversed (its reversal arrived first).',
    },
    account_id: { type: 'string', description: 'The account, as sent.' },
    amount: { ...moneyOut, description: 'The amount, as sent.' },
    replayed: { type: 'boolean', description: 'True when this is the answer to an earlier request with the same id and content.' },
    ledger_attempts: { type: 'integer', description: 'Attempts made at the ledger for this authorization (retry amplification).' },
  },
} as const;
