// JSON schemas for the ledger's params, querystrings and responses (request bodies are in contract.ts).
// Shared by the store and the replicas so both validate and answer exactly alike.
import { DEFAULT_JOURNAL_PAGE, MAX_JOURNAL_PAGE } from './book.ts';
import { DEFAULT_ID_PAGE, idPageQuerySchema, idPageSchema, MAX_ID_PAGE } from '../common/id-pages.ts';

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
    after: { type: 'integer', minimum: 0, description: 'Entries with a sequence number above this (the previous page\'s `next`); default 0.' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_JOURNAL_PAGE, description: `At most this many entries; default ${DEFAULT_JOURNAL_PAGE}.` },
  },
} as const;

export const accountViewSchema = {
  type: 'object',
  description: "The account's balances right after the operation (AccountView), in integer minor units.",
  required: ['account_id', 'currency', 'opening_balance', 'balance', 'available', 'holds', 'version'],
  properties: {
    account_id: { type: 'string' },
    currency: { type: 'string', description: "The account's currency (ISO 4217)." },
    opening_balance: int,
    balance: { ...int, description: 'available + holds.' },
    available: { ...int, description: 'What the customer can spend; negative only after an advice overdrew it.' },
    holds: { ...int, description: 'Money reserved by holds.' },
    version: { ...int, description: 'Journal entries that touched this account: a newer snapshot has a higher version.' },
  },
} as const;

/** GET /v1/accounts?after=&limit= */
export const accountsQuerySchema = idPageQuerySchema;

export const accountsPageSchema = idPageSchema('accounts', accountViewSchema, 'One page of the accounts in ascending id order (AccountsPage), each the same AccountView as GET /v1/accounts/{id}.');

const nullableAccount = { anyOf: [accountViewSchema, { type: 'null' }] } as const;

function operationResponse(results: readonly string[], description: string) {
  return {
    type: 'object',
    description,
    required: ['request_id', 'authorization_id', 'result', 'account', 'replayed'],
    properties: {
      request_id: { type: 'string', description: 'The request id, as sent.' },
      authorization_id: { type: 'string', description: 'The authorization, as sent.' },
      result: { type: 'string', enum: results },
      account: { ...nullableAccount, description: 'The account after the operation; null when the account is unknown.' },
      replayed: { type: 'boolean', description: 'True when the ledger answered from the first use of this request_id (nothing new was written).' },
    },
  } as const;
}

/** The amount a release or posting moved; null when nothing moved. */
const movedAmount = {
  anyOf: [{ type: 'object', required: ['value', 'currency'], properties: { value: int, currency: { type: 'string' } } }, { type: 'null' }],
  description: 'What the ledger moved, in the account\'s currency; null when nothing moved.',
} as const;

function movingResponse(results: readonly string[], description: string) {
  const base = operationResponse(results, description);
  return {
    ...base,
    required: [...base.required, 'amount'],
    properties: { ...base.properties, amount: movedAmount },
  } as const;
}

export const holdResponseSchema = operationResponse(
  ['held', 'insufficient_funds', 'unknown_account', 'currency_mismatch', 'reversed'],
  'The hold\'s outcome (HoldResponse): `held`, or a business refusal that wrote nothing (`reversed`: the authorization was reversed before its hold arrived).',
);
export const releaseResponseSchema = movingResponse(
  ['released', 'refunded', 'nothing_to_reverse'],
  'What the reversal did (ReleaseResponse): released (part of) a hold, refunded (part of) a posting, or found nothing to reverse.',
);
export const postingResponseSchema = movingResponse(
  ['posted', 'captured'],
  'The advice is posted (PostingResponse): a new posting, or the capture of the authorization\'s hold.',
);

export const idempotencyRecordResponseSchema = {
  type: 'object',
  description: 'The key\'s first use (IdempotencyRecordResponse).',
  required: ['scope', 'key', 'outcome', 'replayed'],
  properties: {
    scope: { type: 'string' },
    key: { type: 'string' },
    outcome: { type: 'string', description: 'The outcome recorded with the key\'s first use.' },
    replayed: { type: 'boolean', description: 'True when the key was already recorded with the same fields.' },
  },
} as const;

export const journalPageSchema = {
  type: 'object',
  description: 'One page of the double-entry journal, oldest first (JournalPage). Every entry\'s legs sum to zero.',
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
    next: { type: ['integer', 'null'], description: 'Pass as `after` to read on; null when this page reached the end.' },
  },
} as const;

export const authorizationStateSchema = {
  type: 'object',
  description: 'What the ledger knows of one authorization (AuthorizationState): counts of each kind of entry; all zero for an unknown one.',
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
  description: 'The process is up. A store adds its book\'s sizes; a replica names the store it forwards to.',
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

/** A route's documentation (OpenAPI summary and description), shared by the replicas and the store. */
interface RouteDocs {
  readonly summary: string;
  readonly description: string;
}

const IDEMPOTENT_BY_REQUEST_ID =
  'Idempotent by `request_id`: the same request_id with the same operation gets the first answer with `replayed: true` and ' +
  'writes nothing; with another operation (authorization, account, amount or currency) it is refused with 409 ' +
  '`idempotency_conflict` naming the key and the differing fields. A write may also carry the caller\'s own key and content ' +
  '(`idempotency`): a reuse of that key with other fields is refused with 409 `idempotency_conflict` before anything runs. ' +
  'A refused request records nothing, so its keys stay free.';

/** The documentation of the ledger's routes, the same on a replica and on the store. */
export const LEDGER_ROUTE_DOCS = {
  holds: {
    summary: 'Hold an authorization\'s amount',
    description:
      'Moves `amount` from the account\'s available book to its held book, if it is available. Refusals that write nothing ' +
      'are answers (200): insufficient_funds, unknown_account, currency_mismatch, and `reversed` when a reversal for the ' +
      'authorization arrived first. A second hold for an authorization already held answers `held` (replayed) if the amount ' +
      'is the same, 409 `authorization_conflict` if not (or if the account differs). One hold per authorization, ever: once ' +
      'it was held (or posted) and then released (or refunded) in full, a hold under a new request_id is 409 ' +
      '`one_hold_per_authorization` and writes nothing.\n\n' +
      IDEMPOTENT_BY_REQUEST_ID,
  },
  releases: {
    summary: 'Reverse all or part of an authorization',
    description:
      'Releases `amount` of the authorization\'s hold back to available (`released`), or refunds it from settlement if the ' +
      'authorization was posted (`refunded`). The amount must be in the authorization\'s currency (else 422 ' +
      '`currency_mismatch`) and at most what is left (else 422 `amount_exceeds_remaining`): less is a partial reversal. With ' +
      'nothing left, or no such authorization, the answer is `nothing_to_reverse`; a reversal that arrives before its ' +
      'authorization is remembered, so the late hold answers `reversed`. Another account than the authorization\'s is 409 ' +
      '`authorization_conflict`.\n\n' +
      IDEMPOTENT_BY_REQUEST_ID,
  },
  postings: {
    summary: 'Post an advice (a stand-in approval), even into overdraft',
    description:
      'Posts `amount` to settlement: the authorization\'s hold is captured if there is one (`captured`; a different amount ' +
      'moves the difference through available), else it is taken from available even below zero (`posted`). An ' +
      'authorization is posted once: a later posting for it (another request_id) replays the first answer. Unknown account ' +
      '404 `unknown_account`; another currency 422 `currency_mismatch`; another account than the authorization\'s 409 ' +
      '`authorization_conflict`.\n\n' +
      IDEMPOTENT_BY_REQUEST_ID,
  },
  idempotencyRecords: {
    summary: 'Record a caller\'s key for an answer given without a ledger write',
    description:
      'The card processor declines some authorizations without writing (a card that is not the account\'s) and records the ' +
      'network\'s key here, so a reuse of that key with other content is refused on every processor replica. The first use ' +
      'is recorded with its `outcome`; the same key and fields again answer that outcome with `replayed: true`; other fields ' +
      'are 409 `idempotency_conflict` naming the key and fields.',
  },
  account: {
    summary: 'An account\'s balances',
    description: 'The account\'s current AccountView; 404 `unknown_account` for an account the ledger does not know.',
  },
  accounts: {
    summary: 'List the accounts, a page at a time',
    description:
      'The accounts with ids after `after` in ascending order (by code unit: byte order for the ids allowed), at most `limit` ' +
      `(1..${MAX_ID_PAGE}, default ${DEFAULT_ID_PAGE}), each the same AccountView as \`GET /v1/accounts/{id}\`; \`next\` is the ` +
      "page's last id while more follow, null at the end. The checkers read every account with it after a run. Optional for " +
      'a replacement: one that answers 404 or 405 here is read one account at a time.',
  },
  journal: {
    summary: 'Read the journal, a page at a time',
    description:
      'Entries with a sequence number above `after`, oldest first, at most `limit`. The checkers read the whole journal with ' +
      'it after a run (double entry, balances, exactly-once holds), so it must list every entry, each once, in commit order.',
  },
  authorization: {
    summary: 'What the ledger knows of one authorization',
    description: 'Counts of holds, releases, postings, captures and refunds for the authorization; used after a run to resolve authorizations whose outcome was unknown.',
  },
  health: {
    summary: 'Liveness',
    description: 'Answers 200 as soon as the process can serve requests. faultline waits for it before traffic and after every restart.',
  },
} as const satisfies Record<string, RouteDocs>;
