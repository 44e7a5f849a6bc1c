// Paging over a set of string ids (accounts), the same way on the ledger and the feed: ids in ascending
// order of their UTF-16 code units (for the ASCII ids the contracts allow, byte order), a page is the ids
// strictly after `after`, at most `limit` of them, and `next` is the page's last id when more follow, null
// when the page reached the end. Pure; the services keep the sorted ids and build their views.

export const DEFAULT_ID_PAGE = 500;
export const MAX_ID_PAGE = 1000;

/** The answer of a paged id listing: `{ <field>: items[], next }`, the same on the ledger and the feed. */
export function idPageSchema<F extends string, I extends object>(field: F, items: I, description: string) {
  return {
    type: 'object',
    description,
    required: [field, 'next'],
    properties: {
      [field]: { type: 'array', maxItems: MAX_ID_PAGE, items },
      next: { type: ['string', 'null'], description: "The page's last id: pass it as `after` to read on; null when this page reached the end." },
    } as Record<F | 'next', object>,
  } as const;
}

/** The query of a paged id listing (`after` bounded like the id path parameters). */
export const idPageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'List the ids after this one (the previous page\'s `next`); from the first when left out.',
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_ID_PAGE, description: `At most this many; default ${DEFAULT_ID_PAGE}.` },
  },
} as const;

export interface IdPageQuery {
  after?: string;
  limit?: number;
}

export interface IdPage {
  ids: string[];
  next: string | null;
}

/** Ascending by code unit, the order every listing uses (not locale order). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ids of `sorted` (ascending, no duplicates) strictly after `after`, at most `limit`. */
export function pageOfIds(sorted: readonly string[], after: string | undefined, limit = DEFAULT_ID_PAGE): IdPage {
  const size = Math.min(Math.max(1, Math.floor(limit)), MAX_ID_PAGE);
  let lo = 0;
  if (after !== undefined) {
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as string) <= after) lo = mid + 1;
      else hi = mid;
    }
  }
  const end = Math.min(sorted.length, lo + size);
  const ids = sorted.slice(lo, end);
  return { ids, next: end < sorted.length ? (ids.at(-1) ?? null) : null };
}
