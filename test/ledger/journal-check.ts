// Test helper: reads the whole journal page by page and checks it the way the checkers will.
import type { AccountView, JournalEntry, JournalPage } from '../../services/ledger/contract.ts';
import { parseAccountBook } from '../../services/ledger/books.ts';
import { call } from './service-processes.ts';

export async function readJournal(baseUrl: string, pageSize = 500): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  let after = 0;
  for (let pages = 0; pages < 100_000; pages++) {
    const res = await call<JournalPage>('GET', `${baseUrl}/v1/journal?after=${after}&limit=${pageSize}`);
    if (res.status !== 200) throw new Error(`journal read answered ${res.status}`);
    entries.push(...res.body.entries);
    if (res.body.next === null) return entries;
    after = res.body.next;
  }
  throw new Error('journal never ended');
}

export interface RecomputedAccount {
  available: number;
  held: number;
  version: number;
}

/** Per account, the available and held books and the number of entries that touched it. */
export function recomputeAccounts(entries: readonly JournalEntry[]): Map<string, RecomputedAccount> {
  const accounts = new Map<string, RecomputedAccount>();
  for (const entry of entries) {
    const touched = new Set<string>();
    for (const leg of entry.legs) {
      const ref = parseAccountBook(leg.book);
      if (!ref) continue;
      let acc = accounts.get(ref.account_id);
      if (!acc) accounts.set(ref.account_id, (acc = { available: 0, held: 0, version: 0 }));
      acc[ref.side] += leg.amount;
      touched.add(ref.account_id);
    }
    for (const id of touched) accounts.get(id)!.version++;
  }
  return accounts;
}

export function unbalancedEntries(entries: readonly JournalEntry[]): JournalEntry[] {
  return entries.filter((e) => e.legs.reduce((sum, leg) => sum + leg.amount, 0) !== 0);
}

export function journalSum(entries: readonly JournalEntry[]): number {
  let sum = 0;
  for (const e of entries) for (const leg of e.legs) sum += leg.amount;
  return sum;
}

export function sameAsRecomputed(view: AccountView, recomputed: RecomputedAccount | undefined): boolean {
  const r = recomputed ?? { available: 0, held: 0, version: 0 };
  return view.available === r.available && view.holds === r.held && view.balance === r.available + r.held && view.version === r.version;
}
