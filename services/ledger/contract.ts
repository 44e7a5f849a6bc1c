// The ledger's HTTP contract. Ledger API replicas and the ledger store speak the same routes, so the
// processor (through the router) and the checkers (reading the journal) see one logical ledger.
//
// Books (double entry, integer minor units; every journal entry's legs sum to zero):
//   acct:<id>:available   money the customer can spend
//   acct:<id>:held        money reserved by authorization holds
//   equity:opening        the other side of opening balances
//   settlement            money paid out to the network (advices)
// An account's balance = available + held; available = available book; holds = held book.
//
// Entry kinds and their legs (A = amount):
//   opening   available +X, equity:opening -X
//   hold      available -A, held +A            (POST /v1/holds, idempotent by request_id)
//   release   held -A, available +A            (POST /v1/releases: a reversal, whole or partial: A is what it released)
//   posting   available -A, settlement +A      (POST /v1/postings, kind advice, no hold: may overdraw)
//   capture   held -H, settlement +A           (POST /v1/postings when a hold exists for the authorization; H is the
//             [available H-A]                   hold it consumed: when the advice's amount A differs, a third leg moves
//                                               the difference through the available book)
//   refund    settlement -A, available +A      (POST /v1/releases for an authorization that was posted)
//
// Idempotency keys by content: a write may carry the caller's idempotency key and the fields that define
// the operation (`idempotency`, below). The store keeps the first use of each key: a reuse with the same
// fields goes on (and the request_id replays the first answer), a reuse with other fields is refused with
// 409 `idempotency_conflict` naming the key and the differing fields. The key is recorded only when the
// operation is answered, never for a refused request. POST /v1/idempotency-records records the same for an
// answer the caller gave without a ledger write (e.g. the processor's card_mismatch decline).
import { moneySchema, type Money } from '../common/money.ts';

export type Book = string;

export interface JournalLeg {
  book: Book;
  /** Signed integer minor units. */
  amount: number;
}

export type JournalKind = 'opening' | 'hold' | 'release' | 'posting' | 'capture' | 'refund';

export interface JournalEntry {
  /** Monotonic sequence number, from 1; the journal cursor. */
  seq: number;
  kind: JournalKind;
  /** The idempotency key of the request that wrote this entry. */
  request_id: string;
  authorization_id: string | null;
  account_id: string;
  /** Positive integer minor units. */
  amount: number;
  currency: string;
  legs: JournalLeg[];
  /** Epoch milliseconds at commit. */
  at: number;
}

export interface JournalPage {
  entries: JournalEntry[];
  /** Pass as ?after= to read on; null when the page reached the end. */
  next: number | null;
}

export interface AccountView {
  account_id: string;
  currency: string;
  opening_balance: number;
  /** available + held. */
  balance: number;
  available: number;
  holds: number;
  /** Number of journal entries that touched this account (its version). */
  version: number;
}

/** GET /v1/accounts?after=&limit=: accounts in ascending id order (services/common/id-pages.ts). */
export interface AccountsPage {
  accounts: AccountView[];
  /** The page's last id: pass as ?after= to read on; null when the page reached the end. */
  next: string | null;
}

/** Which kind of caller request an idempotency key belongs to: keys of different scopes never collide. */
export const IDEMPOTENCY_SCOPES = ['authorization', 'advice', 'reversal'] as const;
export type IdempotencyScope = (typeof IDEMPOTENCY_SCOPES)[number];

/** A value of one fingerprint field: a string or an integer (minor units). */
export type FingerprintValue = string | number;

/**
 * The caller's idempotency key and the fields that define its operation, flattened to dotted paths in the
 * caller's own terms (`amount.value`, `merchant.name`, `card.token`), so a conflict names them as the
 * caller's client sent them.
 */
export interface IdempotencyClaim {
  scope: IdempotencyScope;
  key: string;
  fields: Record<string, FingerprintValue>;
}

/** 409 body for a reused idempotency key (or request_id) whose content differs from its first use. */
export interface IdempotencyConflictBody {
  error: string;
  code: 'idempotency_conflict';
  /** The key as the caller sent it. */
  key: string;
  /** The fields whose values differ from the first use, sorted. */
  fields: string[];
  status: 409;
  field?: string;
}

export interface HoldRequest {
  request_id: string;
  authorization_id: string;
  account_id: string;
  amount: Money;
  /** Card last four digits, kept for the journal's readers; never a PAN. */
  card_last4?: string;
  idempotency?: IdempotencyClaim;
}

/** reversed: the network already reversed this authorization (its reversal overtook it): nothing is held. */
export type HoldResult = 'held' | 'insufficient_funds' | 'unknown_account' | 'currency_mismatch' | 'reversed';

export interface HoldResponse {
  request_id: string;
  authorization_id: string;
  result: HoldResult;
  account: AccountView | null;
  /** True when the ledger answered from its idempotency record. */
  replayed: boolean;
}

/**
 * A reversal of (part of) an authorization. `amount` must be in the authorization's currency and at most
 * what is still held (or, for a posted authorization, still posted): less is a partial reversal that
 * releases exactly that much and leaves the rest; more is refused (422 `amount_exceeds_remaining`), another
 * currency too (422 `currency_mismatch`). With nothing left to reverse the answer is `nothing_to_reverse`.
 */
export interface ReleaseRequest {
  request_id: string;
  authorization_id: string;
  account_id: string;
  amount: Money;
  idempotency?: IdempotencyClaim;
}

export interface ReleaseResponse {
  request_id: string;
  authorization_id: string;
  result: 'released' | 'refunded' | 'nothing_to_reverse';
  /** What the ledger released or refunded (in the account's currency); null for nothing_to_reverse. */
  amount: Money | null;
  account: AccountView | null;
  replayed: boolean;
}

export interface PostingRequest {
  request_id: string;
  authorization_id: string;
  account_id: string;
  amount: Money;
  kind: 'advice';
  idempotency?: IdempotencyClaim;
}

export interface PostingResponse {
  request_id: string;
  authorization_id: string;
  result: 'posted' | 'captured';
  /** What the ledger posted to settlement for the authorization (the first posting's, on a replay). */
  amount: Money | null;
  account: AccountView | null;
  replayed: boolean;
}

/** POST /v1/idempotency-records: the first use of a key for an answer given without a ledger write. */
export interface IdempotencyRecordRequest {
  idempotency: IdempotencyClaim;
  /** The caller's answer, e.g. `card_mismatch`. */
  outcome: string;
}

export interface IdempotencyRecordResponse {
  scope: IdempotencyScope;
  key: string;
  /** The outcome recorded with the key's first use. */
  outcome: string;
  /** True when the key was already recorded with the same fields. */
  replayed: boolean;
}

/** What the ledger knows of one authorization: used to resolve `unknown` outcomes after a run. */
export interface AuthorizationState {
  authorization_id: string;
  holds: number;
  releases: number;
  postings: number;
  captures: number;
  refunds: number;
  /** A hold was ever placed for it. */
  held: boolean;
}

const requestId = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' } as const;

/** At most this many fingerprint fields per key. */
export const MAX_FINGERPRINT_FIELDS = 16;

export const idempotencyClaimSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'key', 'fields'],
  properties: {
    scope: { type: 'string', enum: [...IDEMPOTENCY_SCOPES] },
    key: requestId,
    fields: {
      type: 'object',
      minProperties: 1,
      maxProperties: MAX_FINGERPRINT_FIELDS,
      propertyNames: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9_]+(\\.[a-z0-9_]+)*$' },
      additionalProperties: { anyOf: [{ type: 'string', maxLength: 256 }, { type: 'integer' }] },
    },
  },
} as const;

export const holdRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['request_id', 'authorization_id', 'account_id', 'amount'],
  properties: {
    request_id: requestId,
    authorization_id: requestId,
    account_id: requestId,
    amount: moneySchema,
    card_last4: { type: 'string', pattern: '^[0-9]{4}$' },
    idempotency: idempotencyClaimSchema,
  },
} as const;

export const releaseRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['request_id', 'authorization_id', 'account_id', 'amount'],
  properties: {
    request_id: requestId,
    authorization_id: requestId,
    account_id: requestId,
    amount: moneySchema,
    idempotency: idempotencyClaimSchema,
  },
} as const;

export const postingRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['request_id', 'authorization_id', 'account_id', 'amount', 'kind'],
  properties: {
    request_id: requestId,
    authorization_id: requestId,
    account_id: requestId,
    amount: moneySchema,
    kind: { type: 'string', enum: ['advice'] },
    idempotency: idempotencyClaimSchema,
  },
} as const;

export const idempotencyRecordRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['idempotency', 'outcome'],
  properties: {
    idempotency: idempotencyClaimSchema,
    outcome: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z_]+$' },
  },
} as const;
