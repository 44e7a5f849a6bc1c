// Reading a ledger's journal through its public route (`GET /v1/journal?after=&limit=`), as faultline's
// checkers do after a run, for the contract's read-back: where the journal ends now (a few probes, however
// long it is), and every entry after a point, page by page, bounded.
import type { JournalKind, JournalLeg } from '../../../services/ledger/contract.ts';
import type { Session } from './client.ts';
import { bodyOf, describeStatus, statusOf } from './validate.ts';
import type { Exchange } from './types.ts';

/** The largest page the contract allows (`limit`). */
export const JOURNAL_PAGE = 10_000;
/** The most entries the read-back reads after its start (far more than a check run writes). */
export const MAX_JOURNAL_ENTRIES = 2_000_000;

export interface JournalRecord {
  seq: number;
  kind: JournalKind | string;
  request_id: string;
  authorization_id: string | null;
  account_id: string;
  amount: number;
  currency: string;
  legs: JournalLeg[];
}

export class JournalUnreadable extends Error {
  constructor(
    readonly reason: string,
    readonly exchange: Exchange,
  ) {
    super(reason);
    this.name = 'JournalUnreadable';
  }
}

interface Page {
  entries: JournalRecord[];
  next: number | null;
  exchange: Exchange;
}

async function page(session: Session, after: number, limit: number, replica: number): Promise<Page> {
  const exchange = await session.send({ method: 'GET', path: `/v1/journal?after=${after}&limit=${limit}`, replica });
  const body = bodyOf(exchange.response);
  if (statusOf(exchange.response) !== 200 || !body) throw new JournalUnreadable(`reading the journal after ${after}: answered ${describeStatus(exchange.response)}, expected 200 with a page`, exchange);
  const { entries, next } = body;
  if (!Array.isArray(entries) || (next !== null && typeof next !== 'number')) throw new JournalUnreadable(`reading the journal after ${after}: the page has no entries list or next`, exchange);
  const out: JournalRecord[] = [];
  for (const e of entries) {
    const r = e !== null && typeof e === 'object' && !Array.isArray(e) ? e : {};
    if (typeof r.seq !== 'number' || typeof r.request_id !== 'string' || typeof r.account_id !== 'string' || typeof r.amount !== 'number' || !Array.isArray(r.legs)) {
      throw new JournalUnreadable(`reading the journal after ${after}: an entry lacks seq, request_id, account_id, amount or legs`, exchange);
    }
    const legs: JournalLeg[] = [];
    for (const leg of r.legs) {
      if (leg !== null && typeof leg === 'object' && !Array.isArray(leg) && typeof leg.book === 'string' && typeof leg.amount === 'number') legs.push({ book: leg.book, amount: leg.amount });
    }
    out.push({
      seq: r.seq,
      kind: typeof r.kind === 'string' ? r.kind : '',
      request_id: r.request_id,
      authorization_id: typeof r.authorization_id === 'string' ? r.authorization_id : null,
      account_id: r.account_id,
      amount: r.amount,
      currency: typeof r.currency === 'string' ? r.currency : '',
      legs,
    });
  }
  for (let i = 0; i < out.length; i++) {
    const seq = (out[i] as JournalRecord).seq;
    if (seq <= after || (i > 0 && seq <= (out[i - 1] as JournalRecord).seq)) {
      throw new JournalUnreadable(`reading the journal after ${after}: sequence numbers must rise above \`after\` in commit order; entry ${i + 1} has seq ${seq}`, exchange);
    }
  }
  return { entries: out, next, exchange };
}

/**
 * The last sequence number in the journal now (0 when it is empty): one page when the journal is short,
 * else a gallop and a bisection on `after` (a page after the last entry is empty), about 2·log2(n) probes.
 */
export async function journalEnd(session: Session, replica = 0): Promise<number> {
  const first = await page(session, 0, JOURNAL_PAGE, replica);
  const last = first.entries[first.entries.length - 1]?.seq ?? 0;
  if (first.next === null) return last;
  const hasAfter = async (after: number): Promise<boolean> => (await page(session, after, 1, replica)).entries.length > 0;
  let lo = last;
  let step = JOURNAL_PAGE;
  while (await hasAfter(lo + step)) {
    lo += step;
    step *= 2;
    if (step > Number.MAX_SAFE_INTEGER / 4) throw new JournalUnreadable('the journal never ends: a page after every sequence number probed has entries', first.exchange);
  }
  let hi = lo + step;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await hasAfter(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface JournalTail {
  entries: JournalRecord[];
  /** The pages read, the last one last (a failure shows one of them). */
  exchanges: Exchange[];
}

/** Every entry with a sequence number above `after`, page by page (at most MAX_JOURNAL_ENTRIES). */
export async function readJournalAfter(session: Session, after: number, replica = 0): Promise<JournalTail> {
  const entries: JournalRecord[] = [];
  const exchanges: Exchange[] = [];
  let at = after;
  for (;;) {
    const p = await page(session, at, JOURNAL_PAGE, replica);
    exchanges.push(p.exchange);
    entries.push(...p.entries);
    if (p.next === null) return { entries, exchanges };
    if (p.next <= at) throw new JournalUnreadable(`reading the journal after ${at}: next is ${p.next}, which does not move on`, p.exchange);
    if (entries.length > MAX_JOURNAL_ENTRIES) throw new JournalUnreadable(`more than ${MAX_JOURNAL_ENTRIES} entries were written during the check: not read back`, p.exchange);
    at = p.next;
  }
}
