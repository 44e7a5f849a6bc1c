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
// Records: book-records.ts; refusals (BookError and the checks that throw it): book-refusals.ts.
import type { AccountSeed } from '../common/accounts.ts';
import type {
  AccountsPage,
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
import { EQUITY_OPENING, SETTLEMENT } from './books.ts';
import { compareIds, DEFAULT_ID_PAGE, pageOfIds } from '../common/id-pages.ts';
import { legsOf } from './legs.ts';
import { hasOpeningEntry } from './opening.ts';
import { Account, Answer, Authorization, Entry, entryView, viewOf, type AnyResponse, type Asked, type Outcome } from './book-records.ts';
import { BookError, checkReversal, checkSameAccount, checkSameRequest, holdAgain } from './book-refusals.ts';

export { BookError, type BookErrorCode } from './book-refusals.ts';

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

/** What one entry commits: its kind, the request behind it, the amount and (for a capture) the hold taken. */
interface Commit {
  kind: JournalKind;
  requestId: string;
  authorizationId: string | null;
  amount: number;
  heldAmount?: number;
}

function asked(op: Asked['op'], req: HoldRequest | ReleaseRequest | PostingRequest): Asked {
  return {
    requestId: req.request_id,
    op,
    authorizationId: req.authorization_id,
    accountId: req.account_id,
    value: req.amount.value,
    currency: req.amount.currency,
  };
}

export class LedgerBook {
  private readonly accounts = new Map<string, Account>();
  /** The account ids in listing order (the accounts are fixed at construction). */
  private readonly sortedIds: readonly string[];
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
      if (hasOpeningEntry(seed)) {
        this.commit(account, { kind: 'opening', requestId: `opening:${seed.id}`, authorizationId: null, amount: seed.opening_balance });
      }
    }
    this.sortedIds = [...this.accounts.keys()].sort(compareIds);
  }

  // ---- operations -------------------------------------------------------------------------------

  hold(req: HoldRequest): HoldResponse {
    const ask = asked('hold', req);
    const replay = this.replay(ask);
    if (replay) return replay as HoldResponse;

    const answer = (result: HoldResponse['result'], account: Account | null, replayed = false): HoldResponse =>
      this.answer(ask, { result, account }, replayed) as HoldResponse;

    const { value, currency } = req.amount;
    const account = this.accounts.get(req.account_id);
    if (!account) return answer('unknown_account', null);
    if (account.seed.currency !== currency) return answer('currency_mismatch', account);

    const auth = this.authorizations.get(req.authorization_id);
    if (auth) checkSameAccount(auth, req.account_id);
    if (auth && this.idempotency) {
      const again = holdAgain(auth, value, req.authorization_id);
      if (again === 'held again') return answer('held', account, true);
      if (again === 'reversed') return answer('reversed', account);
    }

    if (account.available < value) return answer('insufficient_funds', account);

    const record = auth ?? this.newAuthorization(req.authorization_id, account);
    this.commit(account, { kind: 'hold', requestId: req.request_id, authorizationId: req.authorization_id, amount: value });
    record.addActive(value);
    if (record.firstHold === 0) record.firstHold = value;
    record.holds++;
    return answer('held', account);
  }

  release(req: ReleaseRequest): ReleaseResponse {
    const ask = asked('release', req);
    const replay = this.replay(ask);
    if (replay) return replay as ReleaseResponse;

    const answer = (result: ReleaseResponse['result'], account: Account | null, moved = 0): ReleaseResponse =>
      this.answer(ask, { result, account, moved }) as ReleaseResponse;

    const { value } = req.amount;
    const auth = this.authorizations.get(req.authorization_id);
    const account = this.accounts.get(req.account_id) ?? null;
    if (!account) return answer('nothing_to_reverse', account);
    if (!auth) {
      // Remember the reversal: if the authorization it reverses is still on its way (a slow network),
      // its hold must not land after it and leave money stuck.
      if (this.idempotency) this.newAuthorization(req.authorization_id, account).reversedBeforeHold = true;
      return answer('nothing_to_reverse', account);
    }
    checkSameAccount(auth, req.account_id);
    // An authorization that held or posted money has the account's currency: a reversal in another is refused
    // even when nothing is left to reverse.
    if (auth.holds + auth.postings + auth.captures > 0) checkReversal(req, account, Number.MAX_SAFE_INTEGER, '');

    const entry = { requestId: req.request_id, authorizationId: req.authorization_id, amount: value };
    if (auth.active !== 0) {
      checkReversal(req, account, auth.active, 'still held');
      this.commit(account, { kind: 'release', ...entry });
      auth.releaseActive(value);
      auth.releases++;
      return answer('released', account, value);
    }
    if (auth.posted !== 0) {
      checkReversal(req, account, auth.posted, 'posted and not yet refunded');
      this.commit(account, { kind: 'refund', ...entry });
      auth.posted -= value;
      auth.refunds++;
      return answer('refunded', account, value);
    }
    return answer('nothing_to_reverse', account);
  }

  post(req: PostingRequest): PostingResponse {
    const ask = asked('post', req);
    const replay = this.replay(ask);
    if (replay) return replay as PostingResponse;

    const { value, currency } = req.amount;
    const account = this.accounts.get(req.account_id);
    if (!account) throw new BookError('unknown_account', 'account_id', `body/account_id names an unknown account: ${req.account_id}`);
    const existing = this.authorizations.get(req.authorization_id);
    if (account.seed.currency !== currency) {
      const what = existing && existing.active !== 0 ? `the currency of authorization ${req.authorization_id}'s hold` : "the account's currency";
      throw new BookError('currency_mismatch', 'amount/currency', `body/amount/currency ${currency} does not match ${what} ${account.seed.currency}`);
    }
    if (existing) checkSameAccount(existing, req.account_id);

    const first = existing?.firstPosting;
    if (first && this.idempotency) {
      // Posted once already (under another request_id): replay that answer, never post twice.
      const again = new Answer({ ...ask, accountId: account.seed.id }, { result: first.result, account, moved: first.moved }, first);
      this.answers.set(req.request_id, again);
      return again.response(req.request_id, true) as PostingResponse;
    }

    const auth = existing ?? this.newAuthorization(req.authorization_id, account);
    const entry = { requestId: req.request_id, authorizationId: req.authorization_id, amount: value };
    let result: PostingResponse['result'];
    if (auth.active !== 0) {
      // Capture: the hold becomes the posting; a different advice amount moves the difference.
      this.commit(account, { kind: 'capture', ...entry, heldAmount: auth.takeActive() });
      auth.captures++;
      result = 'captured';
    } else {
      this.commit(account, { kind: 'posting', ...entry });
      auth.postings++;
      result = 'posted';
    }
    auth.posted += value;
    const answer = this.record({ ...ask, accountId: account.seed.id }, { result, account, moved: value });
    auth.firstPosting ??= answer;
    return answer.response(req.request_id, false) as PostingResponse;
  }

  // ---- reads ------------------------------------------------------------------------------------

  account(id: string): AccountView | null {
    const account = this.accounts.get(id);
    return account ? viewOf(account, account.available, account.held, account.version) : null;
  }

  /** The accounts with ids after `after` in ascending order, at most `limit` (services/common/id-pages.ts). */
  accountsPage(after: string | undefined, limit = DEFAULT_ID_PAGE): AccountsPage {
    const page = pageOfIds(this.sortedIds, after, limit);
    return { accounts: page.ids.map((id) => this.account(id) as AccountView), next: page.next };
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

  private replay(ask: Asked): AnyResponse | null {
    if (!this.idempotency) return null;
    const answer = this.answers.get(ask.requestId);
    if (!answer) return null;
    checkSameRequest(answer, ask);
    return answer.response(ask.requestId, true);
  }

  /** Records an answer (when idempotency is on) and returns the response for it. */
  private answer(ask: Asked, outcome: Outcome, replayed = false): AnyResponse {
    const answer = this.record(outcome.account ? { ...ask, accountId: outcome.account.seed.id } : ask, outcome);
    return answer.response(ask.requestId, replayed);
  }

  private record(ask: Asked, outcome: Outcome): Answer {
    const { account } = outcome;
    // The account's own currency string when it is the same, so a long run's records share one string.
    const currency = account && account.seed.currency === ask.currency ? account.seed.currency : ask.currency;
    const answer = new Answer({ ...ask, currency }, outcome);
    if (this.idempotency) this.answers.set(ask.requestId, answer);
    return answer;
  }

  private newAuthorization(id: string, account: Account): Authorization {
    const record = new Authorization(account);
    this.authorizations.set(id, record);
    return record;
  }

  /** Applies a balanced entry to the books and appends it to the journal. */
  private commit(account: Account, c: Commit): void {
    const { kind, requestId, amount } = c;
    const heldAmount = c.heldAmount ?? 0;
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
    const seq = this.journal.length + 1;
    this.journal.push(new Entry({ seq, kind, requestId, authorizationId: c.authorizationId, account, amount, heldAmount, at: this.now() }));
  }
}
