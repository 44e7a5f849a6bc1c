// The ledger book's records, small fixed-shape objects (a long run keeps every entry and answer, so they
// point at shared account state; journal legs and response objects are built when they are read):
// an account's balances, a journal entry, an idempotency record (Answer), an authorization's state.
import type { AccountSeed } from '../common/accounts.ts';
import type {
  AccountView,
  HoldResponse,
  JournalEntry,
  JournalKind,
  PostingResponse,
  ReleaseResponse,
} from './contract.ts';
import { availableBook, heldBook } from './books.ts';
import { legsOf } from './legs.ts';

export type Operation = 'hold' | 'release' | 'post';
export type AnyResult = HoldResponse['result'] | ReleaseResponse['result'] | PostingResponse['result'];
export type AnyResponse = HoldResponse | ReleaseResponse | PostingResponse;

export class Account {
  /** Book names, built once and shared by every leg that names them. */
  readonly availableBook: string;
  readonly heldBook: string;
  available = 0;
  held = 0;
  version = 0;

  constructor(readonly seed: AccountSeed) {
    this.availableBook = availableBook(seed.id);
    this.heldBook = heldBook(seed.id);
  }
}

export interface EntryFields {
  seq: number;
  kind: JournalKind;
  requestId: string;
  authorizationId: string | null;
  account: Account;
  amount: number;
  /** For a capture: the hold it consumed. */
  heldAmount: number;
  at: number;
}

/** One committed journal entry, compact; legs are derived from kind and amounts (legs.ts). */
export class Entry {
  readonly seq: number;
  readonly kind: JournalKind;
  readonly requestId: string;
  readonly authorizationId: string | null;
  readonly account: Account;
  readonly amount: number;
  readonly heldAmount: number;
  readonly at: number;

  constructor(f: EntryFields) {
    this.seq = f.seq;
    this.kind = f.kind;
    this.requestId = f.requestId;
    this.authorizationId = f.authorizationId;
    this.account = f.account;
    this.amount = f.amount;
    this.heldAmount = f.heldAmount;
    this.at = f.at;
  }
}

/** What a request asks, as far as idempotency compares it: a reused request_id must ask the same. */
export interface Asked {
  requestId: string;
  op: Operation;
  authorizationId: string;
  accountId: string;
  /** Amount asked. */
  value: number;
  currency: string;
}

/** What the book answered: the result, the account it concerns (null answers `account: null`), what moved. */
export interface Outcome {
  result: AnyResult;
  account: Account | null;
  /** Amount released, refunded or posted (0 when nothing moved); answered as `amount`. */
  moved?: number;
}

/** An idempotency record: what a request asked (to detect a reused request_id) and what it was answered. */
export class Answer {
  readonly op: Operation;
  readonly authorizationId: string;
  readonly accountId: string;
  readonly value: number;
  readonly currency: string;
  readonly result: AnyResult;
  /** The account as it was right after the answer; null answers `account: null`. */
  readonly account: Account | null;
  readonly available: number;
  readonly held: number;
  readonly version: number;
  readonly moved: number;

  /** Takes the account's balances as they are now, unless `balances` gives them (a replayed first answer). */
  constructor(asked: Omit<Asked, 'requestId'>, outcome: Outcome, balances?: { available: number; held: number; version: number }) {
    this.op = asked.op;
    this.authorizationId = asked.authorizationId;
    this.accountId = asked.accountId;
    this.value = asked.value;
    this.currency = asked.currency;
    this.result = outcome.result;
    this.account = outcome.account;
    const from = balances ?? outcome.account;
    this.available = from?.available ?? 0;
    this.held = from?.held ?? 0;
    this.version = from?.version ?? 0;
    this.moved = outcome.moved ?? 0;
  }

  /** The parts of a request that differ from this one's (empty: the same request). */
  differences(asked: Asked): string[] {
    const out: string[] = [];
    if (this.op !== asked.op) out.push('operation');
    if (this.authorizationId !== asked.authorizationId) out.push('authorization_id');
    if (this.accountId !== asked.accountId) out.push('account_id');
    if (this.value !== asked.value) out.push('amount.value');
    if (this.currency !== asked.currency) out.push('amount.currency');
    return out;
  }

  describe(): string {
    return `${this.op} ${this.authorizationId} ${this.accountId} ${this.value} ${this.currency}`;
  }

  /** The response this answer gives to requestId. */
  response(requestId: string, replayed: boolean): AnyResponse {
    const account = this.account ? viewOf(this.account, this.available, this.held, this.version) : null;
    if (this.op === 'hold') {
      const hold: HoldResponse = { request_id: requestId, authorization_id: this.authorizationId, result: this.result as HoldResponse['result'], account, replayed };
      return hold;
    }
    // What moved is in the account's currency (the book refuses any other before moving anything).
    const amount = this.moved > 0 && this.account ? { value: this.moved, currency: this.account.seed.currency } : null;
    return {
      request_id: requestId,
      authorization_id: this.authorizationId,
      result: this.result,
      amount,
      account,
      replayed,
    } as ReleaseResponse | PostingResponse;
  }
}

export class Authorization {
  /** Amount of the active hold still held (less than the hold after a partial reversal); 0 when none. */
  active = 0;
  /** Amount of the first hold placed; 0 when none. */
  firstHold = 0;
  /** Further active holds: only ever used with idempotency off (the defect). */
  moreActive: number[] | null = null;
  /** Amount posted or captured and not refunded; 0 when none. */
  posted = 0;
  firstPosting: Answer | null = null;
  holds = 0;
  releases = 0;
  postings = 0;
  captures = 0;
  refunds = 0;
  /** A reversal arrived before any hold (it overtook a slow authorization): a late hold is refused. */
  reversedBeforeHold = false;

  constructor(readonly account: Account) {}

  takeActive(): number {
    const amount = this.active;
    this.active = this.moreActive?.shift() ?? 0;
    return amount;
  }

  /** Releases part (or all) of the active hold; amount is at most `active`. */
  releaseActive(amount: number): void {
    this.active -= amount;
    if (this.active === 0) this.active = this.moreActive?.shift() ?? 0;
  }

  addActive(amount: number): void {
    if (this.active === 0) this.active = amount;
    else (this.moreActive ??= []).push(amount);
  }
}

export function viewOf(account: Account, available: number, held: number, version: number): AccountView {
  return {
    account_id: account.seed.id,
    currency: account.seed.currency,
    opening_balance: account.seed.opening_balance,
    balance: available + held,
    available,
    holds: held,
    version,
  };
}

export function entryView(entry: Entry): JournalEntry {
  return {
    seq: entry.seq,
    kind: entry.kind,
    request_id: entry.requestId,
    authorization_id: entry.authorizationId,
    account_id: entry.account.seed.id,
    amount: entry.amount,
    currency: entry.account.seed.currency,
    legs: legsOf(entry.kind, entry.account, entry.amount, entry.heldAmount),
    at: entry.at,
  };
}
