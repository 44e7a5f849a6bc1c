// The checker, composed: one pass over the journal feeds every journal fold (authorization tally, double
// entry, balances, no-negative), then each invariant is judged. A composed checker is as bad as its worst
// member (valid < unknown < invalid), as Jepsen composes checkers.
import type { AccountView, JournalEntry } from '../../services/ledger/contract.ts';
import type { BalanceView } from '../../services/feed/contract.ts';
import type { HistoryRecord } from '../history/record.ts';
import { OutcomeIndex } from '../history/outcomes.ts';
import type { InvariantResult, Summary } from '../summary/types.ts';
import { checkAdvicesPosted } from './advices-posted.ts';
import { AuthorizationTally } from './authorization-tally.ts';
import { BalancesCheck } from './balances.ts';
import { DoubleEntryCheck } from './double-entry.ts';
import { checkExactlyOnceHolds } from './exactly-once-holds.ts';
import { checkFeedAgrees } from './feed-agrees.ts';
import { NoNegativeCheck } from './no-negative.ts';
import { IdempotencyConflictsCheck } from './idempotency-conflicts.ts';
import type { Validity } from './result.ts';
import {
  checkUnknownResolution,
  resolveUnknowns,
  resolveUnknownsFromJournal,
  type AuthorizationLookup,
  type Resolution,
} from './unknown-resolution.ts';

export type { Validity } from './result.ts';

export interface CheckInput {
  /** The run's authorization outcomes (built by the aggregator during the run), or the records themselves. */
  history: OutcomeIndex | Iterable<HistoryRecord>;
  /** The ledger's journal. Any iterable; an array not in seq order is sorted first. */
  journal: Iterable<JournalEntry>;
  /** The ledger's view of every seeded account. */
  accounts: readonly AccountView[];
  /** The feed/balance API's balances after drain; null when it was not read (feed-agrees is then unknown). */
  feedBalances: readonly BalanceView[] | null;
  /** Advices (advice ids `adv-<authorization id>` or authorization ids) the network still had queued at the end. */
  advicesPending: readonly string[];
  /** Ledger lookups of the unknown authorizations; when absent they are resolved from the journal's holds. */
  authorizationStates?: ReadonlyMap<string, AuthorizationLookup>;
  /** The run was interrupted: what it could not settle (pending advices, an undrained feed) is unknown, not invalid. */
  interrupted?: boolean;
  /** The conflicting retries folded from the history (absent: none were sent). */
  conflicts?: IdempotencyConflictsCheck;
}

/** Like CheckInput, with a journal that may also be streamed (e.g. LedgerReader.journal()). */
export type AsyncCheckInput = Omit<CheckInput, 'journal'> & { journal: AsyncIterable<JournalEntry> | Iterable<JournalEntry> };

export interface CheckReport {
  invariants: InvariantResult[];
  validity: Validity;
  /** True when every invariant is valid. */
  ok: boolean;
  unknown_resolution: Summary['unknown_resolution'];
  /** Each unknown authorization's resolution (to fill `resolution` in the history). */
  resolutions: Map<string, Resolution>;
}

const RANK: Record<Validity, number> = { valid: 0, unknown: 1, invalid: 2 };

/** As bad as the worst member: valid < unknown < invalid. An empty list is valid. */
export function composeValidity(results: readonly Pick<InvariantResult, 'validity'>[]): Validity {
  let worst: Validity = 'valid';
  for (const r of results) if (RANK[r.validity] > RANK[worst]) worst = r.validity;
  return worst;
}

/** One pass over the journal for every checker that reads it; finish() judges everything. */
export class JournalChecks {
  private readonly tally = new AuthorizationTally();
  private readonly doubleEntry = new DoubleEntryCheck();
  private readonly balances = new BalancesCheck();
  private readonly noNegative: NoNegativeCheck;

  constructor(private readonly accounts: readonly AccountView[]) {
    this.noNegative = new NoNegativeCheck(accounts);
  }

  entry(e: JournalEntry): void {
    this.tally.entry(e);
    this.doubleEntry.entry(e);
    this.balances.entry(e);
    this.noNegative.entry(e);
  }

  finish(input: Omit<CheckInput, 'journal' | 'accounts'>): CheckReport {
    const outcomes = input.history instanceof OutcomeIndex ? input.history : OutcomeIndex.fromRecords(input.history);
    const unknowns = outcomes.ids('unknown');
    const resolution = input.authorizationStates
      ? resolveUnknowns(unknowns, input.authorizationStates)
      : resolveUnknownsFromJournal(unknowns, this.tally);
    const invariants = [
      checkExactlyOnceHolds(outcomes, this.tally),
      checkAdvicesPosted(outcomes, this.tally, input.advicesPending, { interrupted: input.interrupted }),
      this.doubleEntry.result(),
      this.balances.result(this.accounts),
      checkFeedAgrees(this.accounts, input.feedBalances, { interrupted: input.interrupted }),
      this.noNegative.result(),
      checkUnknownResolution(resolution),
      (input.conflicts ?? new IdempotencyConflictsCheck()).result(outcomes),
    ];
    const validity = composeValidity(invariants);
    return { invariants, validity, ok: validity === 'valid', unknown_resolution: resolution.counts, resolutions: resolution.resolutions };
  }
}

function inSeqOrder(journal: Iterable<JournalEntry>): Iterable<JournalEntry> {
  if (!Array.isArray(journal)) return journal;
  const entries = journal as readonly JournalEntry[];
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].seq < entries[i - 1].seq) return [...entries].sort((a, b) => a.seq - b.seq);
  }
  return entries;
}

export function runChecks(input: CheckInput): CheckReport {
  const checks = new JournalChecks(input.accounts);
  for (const e of inSeqOrder(input.journal)) checks.entry(e);
  return checks.finish(input);
}

export async function runChecksAsync(input: AsyncCheckInput): Promise<CheckReport> {
  const checks = new JournalChecks(input.accounts);
  const journal = input.journal;
  if (Symbol.asyncIterator in journal) {
    for await (const e of journal) checks.entry(e);
  } else {
    for (const e of inSeqOrder(journal)) checks.entry(e);
  }
  return checks.finish(input);
}

/** Every invariant's result, in a fixed order. */
export function checkAll(input: CheckInput): InvariantResult[] {
  return runChecks(input).invariants;
}
