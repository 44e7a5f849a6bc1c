// The ledger's state: a pure, in-memory double-entry book (no I/O). One instance lives in the ledger
// store process; every operation is synchronous, so it validates everything first and then commits
// whole (journal entry + balances + idempotency record) or throws before touching anything.
//
// Rules (contract.ts has the entry kinds, legs.ts their legs):
// - Idempotency by request_id: the same request_id with the same body replays the first answer with
//   `replayed: true`; with a different body it is a BookError `idempotency_conflict` (HTTP 409).
//   Declines and `nothing_to_reverse` are answers too: recorded, but they write no journal entry.
// - One hold per authorization_id, ever. A second hold for it while it is held (another request_id, same
//   account and amount) answers `held` with `replayed: true` and writes nothing; so does a hold for an
//   authorization already posted (its money is already taken). Once it was held (or posted) and then
//   released (or refunded) in full, a hold under a new request_id is refused whole:
//   `one_hold_per_authorization` (409). Holding it again would give one authorization two holds.
// - Holds never overdraw; advices (postings) may. An advice for an authorization with an active hold
//   captures it (no double count); for one already posted or captured it replays the first answer.
// - A release carries an amount in the authorization's currency. For an authorization with an active hold
//   it releases exactly that amount (less than held is a partial reversal: the rest stays held for a later
//   reversal or advice); for one that was posted (and not refunded) it refunds that amount. Another currency
//   is refused (`currency_mismatch`, 422), more than what is still held or posted too
//   (`amount_exceeds_remaining`, 422). With nothing left it answers `nothing_to_reverse`; when the
//   authorization is unknown that is remembered: a hold for it arriving later (the reversal overtook it)
//   answers `reversed` and writes nothing.
// - An advice in another currency than the account's (and so its authorization's hold) is refused.
// - `idempotency: false` is a deliberate defect for checker tests: no idempotency records and no
//   per-authorization de-duplication, so a retried hold holds twice and a retried advice posts twice.
//
// Memory: a long run keeps every entry and answer, so both are small fixed-shape records that point
// at shared account state; journal legs and response objects are built when they are read.
import type { AccountSeed } from '../common/accounts.ts';
import type {
  AccountView,
  AuthorizationState,
  HoldRequest,
  HoldResponse,
  JournalEntry,
  JournalKind,
  JournalPage,
  PostingRequest,
  PostingResponse,
  ReleaseRequest,
  ReleaseResponse,
} from './contract.ts';
import { EQUITY_OPENING, SETTLEMENT, availableBook, heldBook } from './books.ts';
import { legsOf } from './legs.ts';
import { hasOpeningEntry } from './opening.ts';

export type BookErrorCode =
  | 'idempotency_conflict'
  | 'authorization_conflict'
  | 'one_hold_per_authorization'
  | 'unknown_account'
  | 'currency_mismatch'
  | 'amount_exceeds_remaining';

/**
 * A request the book refuses as a whole; nothing was written. `field` names the offending body field; for an
 * idempotency conflict `key` is the reused request_id and `fields` the parts of the request that differ.
 */
export class BookError extends Error {
  constructor(
    readonly code: BookErrorCode,
    readonly field: string,
    message: string,
    readonly conflict?: { key: string; fields: string[] },
  ) {
    super(message);
    this.name = 'BookError';
  }
}

export interface BookOptions {
  accounts: readonly AccountSeed[];
  /** Default true. false = the deliberate double-hold defect. */
  idempotency?: boolean;
  now?: () => number;
}

export const DEFAULT_JOURNAL_PAGE = 1000;
export const MAX_JOURNAL_PAGE = 10_000;

export interface BookStats {
  accounts: number;
  entries: number;
  authorizations: number;
  idempotency_records: number;
  idempotency: boolean;
}

class Account {
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

/** One committed journal entry, compact; legs are derived from kind and amounts (legs.ts). */
class Entry {
  constructor(
    readonly seq: number,
    readonly kind: JournalKind,
    readonly requestId: string,
    readonly authorizationId: string | null,
    readonly account: Account,
    readonly amount: number,
    /** For a capture: the hold it consumed. */
    readonly heldAmount: number,
    readonly at: number,
  ) {}
}

type Operation = 'hold' | 'release' | 'post';
type AnyResult = HoldResponse['result'] | ReleaseResponse['result'] | PostingResponse['result'];

/** An idempotency record: what a request asked (to detect a reused request_id) and what it was answered. */
class Answer {
  constructor(
    readonly op: Operation,
    readonly authorizationId: string,
    readonly accountId: string,
    /** Amount asked. */
    readonly value: number,
    readonly currency: string,
    readonly result: AnyResult,
    /** The account as it was right after the answer; null answers `account: null`. */
    readonly account: Account | null,
    readonly available: number,
    readonly held: number,
    readonly version: number,
    /** Amount released, refunded or posted (0 when nothing moved); answered as `amount`. */
    readonly moved: number,
  ) {}

  /** The parts of a request that differ from this one's (empty: the same request). */
  differences(op: Operation, authorizationId: string, accountId: string, value: number, currency: string): string[] {
    const out: string[] = [];
    if (this.op !== op) out.push('operation');
    if (this.authorizationId !== authorizationId) out.push('authorization_id');
    if (this.accountId !== accountId) out.push('account_id');
    if (this.value !== value) out.push('amount.value');
    if (this.currency !== currency) out.push('amount.currency');
    return out;
  }

  describe(): string {
    return `${this.op} ${this.authorizationId} ${this.accountId} ${this.value} ${this.currency}`;
  }
}

class Authorization {
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

export class LedgerBook {
  private readonly accounts = new Map<string, Account>();
  private readonly authorizations = new Map<string, Authorization>();
  private readonly answers = new Map<string, Answer>();
  private readonly journal: Entry[] = [];
  private equityOpening = 0;
  private settlement = 0;
  readonly idempotency: boolean;
  private readonly now: () => number;

  constructor(options: BookOptions) {
    this.idempotency = options.idempotency !== false;
    this.now = options.now ?? Date.now;
    for (const seed of options.accounts) {
      if (this.accounts.has(seed.id)) throw new Error(`duplicate account ${seed.id}`);
      const account = new Account(seed);
      this.accounts.set(seed.id, account);
      if (hasOpeningEntry(seed)) this.commit(account, 'opening', `opening:${seed.id}`, null, seed.opening_balance, 0);
    }
  }

  // ---- operations -------------------------------------------------------------------------------

  hold(req: HoldRequest): HoldResponse {
    const { value, currency } = req.amount;
    const replay = this.replay(req.request_id, 'hold', req.authorization_id, req.account_id, value, currency);
    if (replay) return replay as HoldResponse;

    const answer = (result: HoldResponse['result'], account: Account | null, replayed = false): HoldResponse =>
      this.answer(req.request_id, 'hold', req.authorization_id, req.account_id, value, currency, result, account, replayed) as HoldResponse;

    const account = this.accounts.get(req.account_id);
    if (!account) return answer('unknown_account', null);
    if (account.seed.currency !== currency) return answer('currency_mismatch', account);

    const auth = this.authorizations.get(req.authorization_id);
    if (auth) this.checkSameAccount(auth, req.account_id);
    if (auth && this.idempotency) {
      if (auth.active !== 0) {
        if (auth.firstHold !== value) {
          throw new BookError(
            'authorization_conflict',
            'amount',
            `body/amount differs from the hold for authorization ${req.authorization_id} (${auth.firstHold} ${account.seed.currency})`,
          );
        }
        return answer('held', account, true);
      }
      if (auth.posted !== 0) return answer('held', account, true);
      if (auth.holds + auth.postings + auth.captures > 0) {
        throw new BookError(
          'one_hold_per_authorization',
          'authorization_id',
          `body/authorization_id ${req.authorization_id} was already held (or posted) and has since been released (or refunded) in full: an authorization is held once`,
        );
      }
      if (auth.reversedBeforeHold) return answer('reversed', account);
    }

    if (account.available < value) return answer('insufficient_funds', account);

    const record = auth ?? this.newAuthorization(req.authorization_id, account);
    this.commit(account, 'hold', req.request_id, req.authorization_id, value, 0);
    record.addActive(value);
    if (record.firstHold === 0) record.firstHold = value;
    record.holds++;
    return answer('held', account);
  }

  release(req: ReleaseRequest): ReleaseResponse {
    const { value, currency } = req.amount;
    const replay = this.replay(req.request_id, 'release', req.authorization_id, req.account_id, value, currency);
    if (replay) return replay as ReleaseResponse;

    const answer = (result: ReleaseResponse['result'], account: Account | null, moved = 0): ReleaseResponse =>
      this.answer(req.request_id, 'release', req.authorization_id, req.account_id, value, currency, result, account, false, moved) as ReleaseResponse;

    const auth = this.authorizations.get(req.authorization_id);
    const account = this.accounts.get(req.account_id) ?? null;
    if (!account) return answer('nothing_to_reverse', account);
    if (!auth) {
      // Remember the reversal: if the authorization it reverses is still on its way (a slow network),
      // its hold must not land after it and leave money stuck.
      if (this.idempotency) this.newAuthorization(req.authorization_id, account).reversedBeforeHold = true;
      return answer('nothing_to_reverse', account);
    }
    this.checkSameAccount(auth, req.account_id);
    // An authorization that held or posted money has the account's currency: a reversal in another is refused
    // even when nothing is left to reverse.
    if (auth.holds + auth.postings + auth.captures > 0) this.checkReversal(req, account, Number.MAX_SAFE_INTEGER, '');

    if (auth.active !== 0) {
      this.checkReversal(req, account, auth.active, 'still held');
      this.commit(account, 'release', req.request_id, req.authorization_id, value, 0);
      auth.releaseActive(value);
      auth.releases++;
      return answer('released', account, value);
    }
    if (auth.posted !== 0) {
      this.checkReversal(req, account, auth.posted, 'posted and not yet refunded');
      this.commit(account, 'refund', req.request_id, req.authorization_id, value, 0);
      auth.posted -= value;
      auth.refunds++;
      return answer('refunded', account, value);
    }
    return answer('nothing_to_reverse', account);
  }

  post(req: PostingRequest): PostingResponse {
    const { value, currency } = req.amount;
    const replay = this.replay(req.request_id, 'post', req.authorization_id, req.account_id, value, currency);
    if (replay) return replay as PostingResponse;

    const account = this.accounts.get(req.account_id);
    if (!account) throw new BookError('unknown_account', 'account_id', `body/account_id names an unknown account: ${req.account_id}`);
    const existing = this.authorizations.get(req.authorization_id);
    if (account.seed.currency !== currency) {
      const what = existing && existing.active !== 0 ? `the currency of authorization ${req.authorization_id}'s hold` : "the account's currency";
      throw new BookError('currency_mismatch', 'amount/currency', `body/amount/currency ${currency} does not match ${what} ${account.seed.currency}`);
    }
    if (existing) this.checkSameAccount(existing, req.account_id);

    const first = existing?.firstPosting;
    if (first && this.idempotency) {
      // Posted once already (under another request_id): replay that answer, never post twice.
      const again = new Answer('post', req.authorization_id, account.seed.id, value, currency, first.result, account, first.available, first.held, first.version, first.moved);
      this.answers.set(req.request_id, again);
      return this.respond(req.request_id, again, true) as PostingResponse;
    }

    const auth = existing ?? this.newAuthorization(req.authorization_id, account);
    let result: PostingResponse['result'];
    if (auth.active !== 0) {
      // Capture: the hold becomes the posting; a different advice amount moves the difference.
      this.commit(account, 'capture', req.request_id, req.authorization_id, value, auth.takeActive());
      auth.captures++;
      result = 'captured';
    } else {
      this.commit(account, 'posting', req.request_id, req.authorization_id, value, 0);
      auth.postings++;
      result = 'posted';
    }
    auth.posted += value;
    const answer = this.record(req.request_id, 'post', req.authorization_id, account.seed.id, value, currency, result, account, value);
    auth.firstPosting ??= answer;
    return this.respond(req.request_id, answer, false) as PostingResponse;
  }

  // ---- reads ------------------------------------------------------------------------------------

  account(id: string): AccountView | null {
    const account = this.accounts.get(id);
    return account ? viewOf(account, account.available, account.held, account.version) : null;
  }

  authorizationState(id: string): AuthorizationState {
    const auth = this.authorizations.get(id);
    return {
      authorization_id: id,
      holds: auth?.holds ?? 0,
      releases: auth?.releases ?? 0,
      postings: auth?.postings ?? 0,
      captures: auth?.captures ?? 0,
      refunds: auth?.refunds ?? 0,
      held: (auth?.holds ?? 0) > 0,
    };
  }

  /** Entries with seq > after, at most limit of them; `next` is null when the page reached the end. */
  journalPage(after = 0, limit = DEFAULT_JOURNAL_PAGE): JournalPage {
    const start = Math.max(0, Math.floor(after));
    const size = Math.min(Math.max(1, Math.floor(limit)), MAX_JOURNAL_PAGE);
    const end = Math.min(this.journal.length, start + size);
    const entries: JournalEntry[] = [];
    for (let i = start; i < end; i++) entries.push(entryView(this.journal[i] as Entry));
    return { entries, next: end < this.journal.length ? end : null };
  }

  /** Every book's balance; the values sum to zero. */
  bookBalances(): Map<string, number> {
    const books = new Map<string, number>();
    books.set(EQUITY_OPENING, this.equityOpening);
    books.set(SETTLEMENT, this.settlement);
    for (const account of this.accounts.values()) {
      books.set(account.availableBook, account.available);
      books.set(account.heldBook, account.held);
    }
    return books;
  }

  stats(): BookStats {
    return {
      accounts: this.accounts.size,
      entries: this.journal.length,
      authorizations: this.authorizations.size,
      idempotency_records: this.answers.size,
      idempotency: this.idempotency,
    };
  }

  // ---- internals --------------------------------------------------------------------------------

  private replay(
    requestId: string,
    op: Operation,
    authorizationId: string,
    accountId: string,
    value: number,
    currency: string,
  ): HoldResponse | ReleaseResponse | PostingResponse | null {
    if (!this.idempotency) return null;
    const answer = this.answers.get(requestId);
    if (!answer) return null;
    const differing = answer.differences(op, authorizationId, accountId, value, currency);
    if (differing.length > 0) {
      throw new BookError(
        'idempotency_conflict',
        'request_id',
        `body/request_id ${requestId} was already used for a different request (different ${differing.join(', ')}; first: ${answer.describe()})`,
        { key: requestId, fields: differing },
      );
    }
    return this.respond(requestId, answer, true);
  }

  /** Records an answer (when idempotency is on) and returns the response for it. */
  private answer(
    requestId: string,
    op: Operation,
    authorizationId: string,
    accountId: string,
    value: number,
    currency: string,
    result: AnyResult,
    account: Account | null,
    replayed: boolean,
    moved = 0,
  ): HoldResponse | ReleaseResponse | PostingResponse {
    const answer = this.record(requestId, op, authorizationId, account ? account.seed.id : accountId, value, currency, result, account, moved);
    return this.respond(requestId, answer, replayed);
  }

  private record(
    requestId: string,
    op: Operation,
    authorizationId: string,
    accountId: string,
    value: number,
    currency: string,
    result: AnyResult,
    account: Account | null,
    moved = 0,
  ): Answer {
    const answer = new Answer(
      op,
      authorizationId,
      accountId,
      value,
      account && account.seed.currency === currency ? account.seed.currency : currency,
      result,
      account,
      account?.available ?? 0,
      account?.held ?? 0,
      account?.version ?? 0,
      moved,
    );
    if (this.idempotency) this.answers.set(requestId, answer);
    return answer;
  }

  private respond(requestId: string, answer: Answer, replayed: boolean): HoldResponse | ReleaseResponse | PostingResponse {
    const account = answer.account ? viewOf(answer.account, answer.available, answer.held, answer.version) : null;
    if (answer.op === 'hold') {
      const hold: HoldResponse = { request_id: requestId, authorization_id: answer.authorizationId, result: answer.result as HoldResponse['result'], account, replayed };
      return hold;
    }
    // What moved is in the account's currency (the book refuses any other before moving anything).
    const amount = answer.moved > 0 && answer.account ? { value: answer.moved, currency: answer.account.seed.currency } : null;
    return {
      request_id: requestId,
      authorization_id: answer.authorizationId,
      result: answer.result,
      amount,
      account,
      replayed,
    } as ReleaseResponse | PostingResponse;
  }

  /** A reversal must be in the account's currency and at most what remains (held, or posted for a refund). */
  private checkReversal(req: ReleaseRequest, account: Account, remaining: number, what: string): void {
    const { value, currency } = req.amount;
    if (currency !== account.seed.currency) {
      throw new BookError(
        'currency_mismatch',
        'amount/currency',
        `body/amount/currency ${currency} does not match the currency of authorization ${req.authorization_id} (${account.seed.currency})`,
      );
    }
    if (value > remaining) {
      throw new BookError(
        'amount_exceeds_remaining',
        'amount/value',
        `body/amount/value ${value} is more than the ${remaining} ${account.seed.currency} ${what} for authorization ${req.authorization_id}`,
      );
    }
  }

  private checkSameAccount(auth: Authorization, accountId: string): void {
    if (auth.account.seed.id !== accountId) {
      throw new BookError(
        'authorization_conflict',
        'account_id',
        `body/account_id ${accountId} differs from the authorization's account ${auth.account.seed.id}`,
      );
    }
  }

  private newAuthorization(id: string, account: Account): Authorization {
    const record = new Authorization(account);
    this.authorizations.set(id, record);
    return record;
  }

  /** Applies a balanced entry to the books and appends it to the journal. */
  private commit(account: Account, kind: JournalKind, requestId: string, authorizationId: string | null, amount: number, heldAmount: number): void {
    if (!Number.isSafeInteger(amount) || amount <= 0 || !Number.isSafeInteger(heldAmount)) {
      throw new Error(`bad amounts in ${kind} entry for ${requestId}: ${amount}/${heldAmount}`);
    }
    const legs = legsOf(kind, account, amount, heldAmount);
    let sum = 0;
    for (const leg of legs) sum += leg.amount;
    if (sum !== 0) throw new Error(`unbalanced ${kind} entry for ${requestId}: legs sum to ${sum}`);
    // Every leg is on this account's books, settlement or equity (legs.ts), so the writes cannot fail halfway.
    for (const leg of legs) {
      if (leg.book === account.availableBook) account.available += leg.amount;
      else if (leg.book === account.heldBook) account.held += leg.amount;
      else if (leg.book === SETTLEMENT) this.settlement += leg.amount;
      else this.equityOpening += leg.amount;
    }
    account.version++;
    this.journal.push(new Entry(this.journal.length + 1, kind, requestId, authorizationId, account, amount, heldAmount, this.now()));
  }
}

function viewOf(account: Account, available: number, held: number, version: number): AccountView {
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

function entryView(entry: Entry): JournalEntry {
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
