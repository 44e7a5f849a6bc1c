// The one shape every money invariant has, as Jepsen's checkers do: a fold over the run's history records
// (fed while the run goes) and the ledger's journal entries (streamed in seq order after it), judged once
// with what was read after the run. The result is an InvariantResult: a validity (valid < unknown <
// invalid), a detail, the first offending ids and how many there were.
//
//   run      record(r)           every history record, in the order the driver wrote them
//   after    (read the ledger's accounts, the feed's balances, the unknown authorizations' states)
//   journal  entry(e, facts)     every journal entry, in seq order
//   verdict  result(ctx)         the facts plus the shared folds below
//   figures  figures()           optional: what the checker adds to summary.json beside its result
//
// Folds several checkers need are computed once and handed over in the context: each authorization's
// outcome (from the history) and the authorization tally (from the journal), the unknown
// authorizations' resolution (from both, or from the ledger's lookups), and who owns each authorization id
// a conflicting retry reused (from both: id-ownership.ts).
import type { AccountView, JournalEntry } from '../../services/ledger/contract.ts';
import type { BalanceView } from '../../services/feed/contract.ts';
import type { HistoryRecord } from '../history/record.ts';
import type { OutcomeIndex } from '../history/outcomes.ts';
import type { AccountSeed } from '../../services/common/accounts.ts';
import type { InvariantResult, Summary } from '../summary/types.ts';
import type { AuthorizationTally } from './authorization-tally.ts';
import type { AuthorizationLookup, UnknownResolution } from './resolve-unknowns.ts';
import type { IdOwnership } from './id-ownership.ts';

/** What the harness reads once after the run, before it streams the journal. */
export interface RunFacts {
  /** The ledger's view of every seeded account. */
  readonly accounts: readonly AccountView[];
  /** The feed/balance API's balances after drain; null when it was not read. */
  readonly feedBalances: readonly BalanceView[] | null;
  /** Advices (advice ids `adv-<authorization id>` or authorization ids) the network still had queued at the end. */
  readonly advicesPending: readonly string[];
  /**
   * Of the pending advices, those that never reached the issuer (faultline's own queue never got them out):
   * their fate is `unknown`, never `invalid`. Absent: none.
   */
  readonly advicesUndelivered?: readonly string[];
  /** Ledger lookups of the unknown authorizations; absent: they are resolved from the journal's holds. */
  readonly authorizationStates?: ReadonlyMap<string, AuthorizationLookup>;
  /** The run was interrupted (Ctrl-C): what it could not settle is `unknown`, never `invalid`. */
  readonly interrupted: boolean;
  /** The seeded accounts (currency, card token): what a decline's reason is judged against. Absent: the ledger's views, no card check. */
  readonly seeds?: readonly AccountSeed[];
  /**
   * The history's clock on the journal's: epoch ms of the history's t = 0 (the start of measured traffic) and
   * the slack allowed between the two clocks. Absent: a decline's moment is unknown, and the book is read over
   * the whole run.
   */
  readonly trafficClock?: TrafficClock;
  /** The card network's stand-in rules, to judge its stand-in declines. */
  readonly standIn?: { readonly enabled: boolean; readonly limit_per_card: number };
}

export interface TrafficClock {
  /** Epoch milliseconds (the journal's `at` clock) of the history's t = 0. */
  readonly start_epoch_ms: number;
  /** Milliseconds either side of a request's life allowed for clock granularity and drift. */
  readonly slack_ms: number;
}

/** Top-level fields a checker adds to summary.json beside its InvariantResult (additive). */
export type CheckerFigures = Partial<Pick<Summary, 'declines'>>;

/** What result() reads: the facts and the folds computed once for every checker. */
export interface CheckContext extends RunFacts {
  /** Each authorization's last outcome in the history (dropped requests excluded). */
  readonly outcomes: OutcomeIndex;
  /** Per authorization id: its holds, releases, postings, captures, refunds and the amount still held. */
  readonly tally: AuthorizationTally;
  /** The unknown authorizations, resolved against the ledger. */
  readonly unknowns: UnknownResolution;
  /** Who owns each authorization id a conflicting retry reused (from the history and the journal's holds). */
  readonly owners: IdOwnership;
}

/** One money invariant. Every hook but result() is optional; a checker is used for one run only. */
export interface Checker {
  /** The invariant's name in summary.json, the report and the gate's reasons. */
  readonly name: string;
  /** Folds one history record while the run goes: keep it tiny (a run can have 600,000). */
  record?(r: HistoryRecord): void;
  /** Folds one journal entry, in seq order; `facts` were read before the journal. */
  entry?(e: JournalEntry, facts: RunFacts): void;
  /** The verdict, once every record and entry was folded. */
  result(ctx: CheckContext): InvariantResult;
  /** After result(): what this checker adds to summary.json (e.g. `declines`). */
  figures?(): CheckerFigures;
}
