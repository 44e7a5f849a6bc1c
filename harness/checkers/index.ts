// The checkers' public surface: the interface (checker.ts), the registry, the composer, and the whole-run
// helpers below for a history and a journal already in hand (tests, tools). A live run feeds a Checks
// while it goes and checks the ledger with check-ledger.ts.
import type { JournalEntry } from '../../services/ledger/contract.ts';
import type { HistoryRecord } from '../history/record.ts';
import type { Checker, RunFacts } from './checker.ts';
import { Checks, type CheckReport } from './compose.ts';

export type { Checker, CheckContext, CheckerFigures, RunFacts, TrafficClock } from './checker.ts';
export { CHECKERS, createCheckers } from './registry.ts';
export { Checks, JournalPass, composeValidity, type CheckReport } from './compose.ts';
export type { Validity } from './result.ts';

export interface CheckInput extends Omit<RunFacts, 'interrupted'> {
  /** The run's history records. */
  history: Iterable<HistoryRecord>;
  /** The ledger's journal. Any iterable; an array not in seq order is sorted first. */
  journal: Iterable<JournalEntry>;
  interrupted?: boolean;
}

/** Like CheckInput, with a journal that may also be streamed (e.g. LedgerReader.journal()). */
export type AsyncCheckInput = Omit<CheckInput, 'journal'> & { journal: AsyncIterable<JournalEntry> | Iterable<JournalEntry> };

function inSeqOrder(journal: Iterable<JournalEntry>): Iterable<JournalEntry> {
  if (!Array.isArray(journal)) return journal;
  const entries = journal as readonly JournalEntry[];
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].seq < entries[i - 1].seq) return [...entries].sort((a, b) => a.seq - b.seq);
  }
  return entries;
}

function factsOf(input: AsyncCheckInput): RunFacts {
  return {
    accounts: input.accounts,
    feedBalances: input.feedBalances,
    advicesPending: input.advicesPending,
    advicesUndelivered: input.advicesUndelivered ?? [],
    authorizationStates: input.authorizationStates,
    interrupted: input.interrupted === true,
    seeds: input.seeds,
    trafficClock: input.trafficClock,
    standIn: input.standIn,
  };
}

/** Every checker (the registry's, or the ones given) over a whole history and journal. */
export function runChecks(input: CheckInput, checkers?: readonly Checker[]): CheckReport {
  const checks = new Checks(checkers);
  for (const r of input.history) checks.record(r);
  const pass = checks.journal(factsOf(input));
  for (const e of inSeqOrder(input.journal)) pass.entry(e);
  return pass.finish();
}

/** runChecks with a journal that may be streamed. */
export async function runChecksAsync(input: AsyncCheckInput, checkers?: readonly Checker[]): Promise<CheckReport> {
  const checks = new Checks(checkers);
  for (const r of input.history) checks.record(r);
  const pass = checks.journal(factsOf(input));
  const journal = input.journal;
  if (Symbol.asyncIterator in journal) {
    for await (const e of journal) pass.entry(e);
  } else {
    for (const e of inSeqOrder(journal)) pass.entry(e);
  }
  return pass.finish();
}
