// Reads what the checkers compare the history against, over HTTP, after the run has drained:
//   the ledger's journal through the paged API (GET /v1/journal?after=<seq>&limit=<n> until next is null),
//   the accounts through the paged listing (GET /v1/accounts?after=<id>&limit=<n>, paged-read.ts), or one
//   by one (GET /v1/accounts/:id, with bounded concurrency) when the ledger answers the listing 404/405
//   (a replacement written from the older contract) and for any id asked that the listing did not hold,
//   authorization states (GET /v1/authorizations/:id; 404 = the ledger never heard of it),
//   and the feed/balance API's balances the same way (GET <feed>/v1/balances?after=&limit=, else
//   GET <feed>/v1/accounts/:id/balance; a custom feedBalancePath reads one by one).
// Every request has a timeout for its whole answer (body included) and a body cap, and is retried a little
// on connection errors and 5xx (not on a timeout: a service that did not answer one read after the run
// has drained is hung). Once a service failed so, the reads still queued for it fail at once with the
// same reason, and all reads together have a deadline: a hung or flooding service ends the reads in
// seconds, not minutes. A failure is a LedgerReadError naming the URL. Every answer is read against its contract (the ledger's and the feed's
// response schemas, and the id asked for): an answer outside it is a LedgerReadError, never a number the
// checkers would then compare.
import type { AccountView, AuthorizationState, JournalEntry, JournalPage } from '../../services/ledger/contract.ts';
import type { BalanceView } from '../../services/feed/contract.ts';
import { accountsPageSchema, accountViewSchema, authorizationStateSchema, journalPageSchema } from '../../services/ledger/schemas.ts';
import { balancesPageSchema, balanceViewSchema } from '../../services/feed/schemas.ts';
import { MAX_ID_PAGE } from '../../services/common/id-pages.ts';
import { NOT_SERVED, readPaged, type PagedListing } from './paged-read.ts';
import { answerProblem, echoProblem } from '../../services/common/answer-contract.ts';
import { createJsonGetter, LedgerReadError } from './read-json.ts';

export { LedgerReadError } from './read-json.ts';

export interface LedgerReaderOptions {
  /** Base URL of the ledger (any replica or the store: they speak the same routes). */
  ledgerUrl: string;
  /** Base URL of the feed/balance API, when it is to be read. */
  feedUrl?: string | null;
  /** Per request, its whole answer. Default 10 000 ms. */
  timeoutMs?: number;
  /** All reads of this reader together. Default 300 000 ms. */
  deadlineMs?: number;
  /** The largest answer body read (a journal page of 1000 entries is about 300 KB). Default 16 MiB. */
  maxBodyBytes?: number;
  /** Requests in flight at once for per-id reads. Default 16. */
  concurrency?: number;
  /** Journal page size asked for. Default 1000. */
  pageSize?: number;
  /** Accounts (and balances) page size asked for, 1..1000. Default 1000. */
  accountPageSize?: number;
  /** Read accounts and balances through the paged listings when served. Default true; false reads one by one. */
  pagedAccounts?: boolean;
  /** Retries after a connection error or a 5xx. Default 2. */
  retries?: number;
  /** The feed's balance route for an account. Default `/v1/accounts/<id>/balance`. */
  feedBalancePath?: (accountId: string) => string;
}

export interface LedgerReader {
  /** The whole journal in seq order, streamed page by page (bounded memory). */
  journal(): AsyncGenerator<JournalEntry>;
  /** The whole journal as an array. */
  readJournal(): Promise<JournalEntry[]>;
  /** The ledger's view of each account, in the order asked. */
  accounts(ids: readonly string[]): Promise<AccountView[]>;
  /** Each id's state: null when the ledger does not know it, a LedgerReadError when the lookup failed. */
  authorizationStates(ids: readonly string[]): Promise<Map<string, AuthorizationState | null | LedgerReadError>>;
  /** The feed's balance for each account, in the order asked. Throws when no feedUrl was given. */
  feedBalances(ids: readonly string[]): Promise<BalanceView[]>;
  readonly hasFeed: boolean;
  close(): Promise<void>;
}

function join(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** Runs fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export function createLedgerReader(options: LedgerReaderOptions): LedgerReader {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const pageSize = options.pageSize ?? 1000;
  const retries = options.retries ?? 2;
  const feedPath = options.feedBalancePath ?? ((id: string) => `/v1/accounts/${encodeURIComponent(id)}/balance`);
  const http = createJsonGetter({ timeoutMs, concurrency, retries, maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024, deadlineMs: options.deadlineMs ?? 300_000 });
  const getJson = http.getJson;
  const accountPageSize = Math.min(MAX_ID_PAGE, Math.max(1, Math.floor(options.accountPageSize ?? MAX_ID_PAGE)));
  const paged = options.pagedAccounts !== false;
  /** Listings a service answered 404/405: not asked again by this reader. */
  const notServed = new Set<string>();

  /**
   * One view per id, in the order asked: from the listing's pages when it is served, then one by one for the ids
   * the pages did not hold (and for all of them without the listing), each read by `one` (which checks its answer).
   */
  async function viewsOf<T>(listing: PagedListing<T> | null, ids: readonly string[], one: (id: string) => Promise<T>): Promise<T[]> {
    let found: Map<string, T> | null = null;
    if (listing && !notServed.has(listing.url)) {
      const pages = await readPaged(getJson, listing, ids, accountPageSize);
      if (pages === NOT_SERVED) notServed.add(listing.url);
      else found = pages;
    }
    if (!found) return mapLimit(ids, concurrency, one);
    const listed = found;
    const rest = [...new Set(ids.filter((id) => !listed.has(id)))];
    const fetched = new Map<string, T>();
    await mapLimit(rest, concurrency, async (id) => fetched.set(id, await one(id)));
    return ids.map((id) => (listed.get(id) ?? fetched.get(id)) as T);
  }

  async function* journal(): AsyncGenerator<JournalEntry> {
    let after = 0;
    for (;;) {
      const url = join(options.ledgerUrl, `/v1/journal?after=${after}&limit=${pageSize}`);
      const page = await getJson<JournalPage>(url, false);
      const problem = answerProblem(journalPageSchema, page);
      if (!page || problem) throw new LedgerReadError(url, `the answer is not a journal page: ${problem ?? 'empty'}`);
      yield* page.entries;
      if (page.next === null || page.next === undefined) return;
      if (page.next <= after) throw new LedgerReadError(url, `the cursor did not advance (next ${page.next})`);
      after = page.next;
    }
  }

  return {
    hasFeed: Boolean(options.feedUrl),
    journal,
    async readJournal() {
      const entries: JournalEntry[] = [];
      for await (const e of journal()) entries.push(e);
      return entries;
    },
    accounts(ids) {
      const listing: PagedListing<AccountView> | null = paged
        ? { url: join(options.ledgerUrl, '/v1/accounts'), field: 'accounts', schema: accountsPageSchema, idOf: (a) => a.account_id }
        : null;
      return viewsOf(listing, ids, async (id) => {
        const url = join(options.ledgerUrl, `/v1/accounts/${encodeURIComponent(id)}`);
        const view = await getJson<AccountView>(url, false);
        const problem = answerProblem(accountViewSchema, view) ?? echoProblem(view, 'account_id', id);
        if (!view || problem) throw new LedgerReadError(url, `the answer is not the account's view: ${problem ?? 'empty'}`);
        return view;
      });
    },
    async authorizationStates(ids) {
      const states = new Map<string, AuthorizationState | null | LedgerReadError>();
      await mapLimit(ids, concurrency, async (id) => {
        const url = join(options.ledgerUrl, `/v1/authorizations/${encodeURIComponent(id)}`);
        try {
          const state = await getJson<AuthorizationState>(url, true);
          const problem = state === null ? null : (answerProblem(authorizationStateSchema, state) ?? echoProblem(state, 'authorization_id', id));
          if (problem) throw new LedgerReadError(url, `the answer is not the authorization's state: ${problem}`);
          states.set(id, state);
        } catch (err) {
          states.set(id, err instanceof LedgerReadError ? err : new LedgerReadError(url, String(err)));
        }
      });
      return states;
    },
    feedBalances(ids) {
      const feedUrl = options.feedUrl;
      if (!feedUrl) return Promise.reject(new Error('no feedUrl: the feed/balance API cannot be read'));
      // A custom balance route is another feed's contract: its listing (if any) is unknown, so read one by one.
      const listing: PagedListing<BalanceView> | null =
        paged && !options.feedBalancePath
          ? { url: join(feedUrl, '/v1/balances'), field: 'balances', schema: balancesPageSchema, idOf: (b) => b.account_id }
          : null;
      return viewsOf(listing, ids, async (id) => {
        const url = join(feedUrl, feedPath(id));
        const view = await getJson<BalanceView>(url, false);
        const problem = answerProblem(balanceViewSchema, view) ?? echoProblem(view, 'account_id', id);
        if (!view || problem) throw new LedgerReadError(url, `the answer is not the account's balance: ${problem ?? 'empty'}`);
        return view;
      });
    },
    async close() {
      // Reads still in flight (a hung service's) are of no use any more: end them rather than wait.
      await http.close();
    },
  };
}
