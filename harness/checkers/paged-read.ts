// Reads one view per account id through a paged listing (GET <listing>?after=<id>&limit=<n>: ids ascending,
// `next` the page's last id or null; services/common/id-pages.ts), for the ids asked. Each page is a GET of
// the reader's getJson (its timeout, body cap, retries and deadline). A page outside the listing's contract
// (schema-invalid, more items than the limit, ids not ascending after `after`, `next` not its last id, so a
// cursor that does not advance) is a LedgerReadError naming the page's URL, never an account missing.
// The pages are bounded: at most (ids asked / limit) + 1 of them. A listing that goes on past that (a service
// listing many more accounts than asked for, or one whose pages never end) is left there, and the ids it has
// not yet listed are read one by one, like the ids a listing leaves out: the result is the same either way.
// A service without the listing (404 or 405 on the first page) is told apart: the caller reads id by id.
import { answerProblem } from '../../services/common/answer-contract.ts';
import { LedgerReadError } from './read-json.ts';

export interface PagedListing<T> {
  /** The listing's URL (absolute, without a query). */
  url: string;
  /** What the page's items are called in errors and its array field (`accounts`, `balances`). */
  field: string;
  /** The page's JSON schema. */
  schema: object;
  /** Each item's id. */
  idOf(item: T): string;
}

export type GetJson = <R>(url: string, allow404: boolean) => Promise<R | null>;

/** The listing is not served (404/405 to its first page): read the ids one by one instead. */
export const NOT_SERVED = Symbol('not served');

/**
 * Pages the listing until it ends, has passed the largest id asked for, or has run to its page bound; the
 * items of the ids asked that it listed, by id. NOT_SERVED when the first page is answered 404 or 405.
 */
export async function readPaged<T>(getJson: GetJson, listing: PagedListing<T>, ids: readonly string[], limit: number): Promise<Map<string, T> | typeof NOT_SERVED> {
  const wanted = new Set(ids);
  const found = new Map<string, T>();
  if (wanted.size === 0) return found;
  let largest = '';
  for (const id of wanted) if (id > largest) largest = id;
  const maxPages = Math.ceil(wanted.size / limit) + 1;
  let after: string | null = null;
  for (let pages = 1; ; pages++) {
    const url: string = `${listing.url}?${after === null ? '' : `after=${encodeURIComponent(after)}&`}limit=${limit}`;
    let page: Record<string, unknown> | null;
    try {
      page = await getJson<Record<string, unknown>>(url, false);
    } catch (err) {
      if (after === null && err instanceof LedgerReadError && (err.status === 404 || err.status === 405)) return NOT_SERVED;
      throw err;
    }
    const bad = (why: string): LedgerReadError => new LedgerReadError(url, `the answer is not a page of ${listing.field}: ${why}`);
    const problem = answerProblem(listing.schema, page);
    if (!page || problem) throw bad(problem ?? 'empty');
    const items = page[listing.field] as T[];
    const next = page.next as string | null;
    if (items.length > limit) throw bad(`${items.length} ${listing.field}, more than the limit ${limit}`);
    let previous: string | null = after;
    for (let i = 0; i < items.length; i++) {
      const id = listing.idOf(items[i] as T);
      if (previous !== null && !(id > previous)) throw bad(`answer/${listing.field}/${i} has id "${id}", not after "${previous}" (ids must ascend)`);
      previous = id;
      if (wanted.has(id)) found.set(id, items[i] as T);
    }
    if (next === null) return found;
    if (next !== previous || items.length === 0) throw bad(`next is "${next}", not the page's last id (the cursor does not advance)`);
    if (next >= largest) return found;
    if (pages >= maxPages) return found;
    after = next;
  }
}
