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
//   release   held -A, available +A            (POST /v1/releases: a reversal or an auto-release)
//   posting   available -A, settlement +A      (POST /v1/postings, kind advice, no hold: may overdraw)
//   capture   held -A, settlement +A           (POST /v1/postings when a hold exists for the authorization)
//   refund    settlement -A, available +A      (POST /v1/releases for an authorization that was posted)
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

export interface HoldRequest {
  request_id: string;
  authorization_id: string;
  account_id: string;
  amount: Money;
  /** Card last four digits, kept for the journal's readers; never a PAN. */
  card_last4?: string;
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

export interface ReleaseRequest {
  request_id: string;
  authorization_id: string;
  account_id: string;
}

export interface ReleaseResponse {
  request_id: string;
  authorization_id: string;
  result: 'released' | 'refunded' | 'nothing_to_reverse';
  account: AccountView | null;
  replayed: boolean;
}

export interface PostingRequest {
  request_id: string;
  authorization_id: string;
  account_id: string;
  amount: Money;
  kind: 'advice';
}

export interface PostingResponse {
  request_id: string;
  authorization_id: string;
  result: 'posted' | 'captured';
  account: AccountView | null;
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
  },
} as const;

export const releaseRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['request_id', 'authorization_id', 'account_id'],
  properties: { request_id: requestId, authorization_id: requestId, account_id: requestId },
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
  },
} as const;
