// The composed checker of one run, Jepsen-style: every registered invariant (registry.ts) folds the history
// while the run goes and the journal after it, then each is judged, and the run's validity is as bad as
// its worst member (valid < unknown < invalid). The composer knows no invariant by name: it feeds the
// shared folds (each authorization's outcome, the authorization tally), resolves the unknown
// authorizations once, and hands all of it to every checker's result().
//
//   const checks = new Checks();              // when the run starts
//   checks.record(r);                          // every history record
//   const pass = checks.journal(facts);        // after the run, once the ledger and the feed were read
//   pass.entry(e);                             // every journal entry, in seq order
//   const report = pass.finish();
import type { JournalEntry } from '../../services/ledger/contract.ts';
import type { HistoryRecord } from '../history/record.ts';
import { OutcomeIndex } from '../history/outcomes.ts';
import type { InvariantResult, Summary } from '../summary/types.ts';
import { AuthorizationTally } from './authorization-tally.ts';
import { IdOwnership } from './id-ownership.ts';
import type { CheckContext, Checker, CheckerFigures, RunFacts } from './checker.ts';
import { createCheckers } from './registry.ts';
import { resolveUnknowns, resolveUnknownsFromJournal, type Resolution } from './resolve-unknowns.ts';
import type { Validity } from './result.ts';

export interface CheckReport {
  /** Every invariant's result, in registry order. */
  invariants: InvariantResult[];
  validity: Validity;
  /** True when every invariant is valid. */
  ok: boolean;
  unknown_resolution: Summary['unknown_resolution'];
  /** Each unknown authorization's resolution (to fill `resolution` in the history). */
  resolutions: Map<string, Resolution>;
  /** What the checkers add to summary.json beside their results (e.g. `declines`). */
  figures: CheckerFigures;
}

const RANK: Record<Validity, number> = { valid: 0, unknown: 1, invalid: 2 };

/** As bad as the worst member: valid < unknown < invalid. An empty list is valid. */
export function composeValidity(results: readonly Pick<InvariantResult, 'validity'>[]): Validity {
  let worst: Validity = 'valid';
  for (const r of results) if (RANK[r.validity] > RANK[worst]) worst = r.validity;
  return worst;
}

type RecordFold = Checker & Required<Pick<Checker, 'record'>>;
type EntryFold = Checker & Required<Pick<Checker, 'entry'>>;

/** The checks of one run, from its first history record to the verdict. */
export class Checks {
  /** Each authorization's outcome: the history fold every checker shares (bounded: one small int per id). */
  readonly outcomes = new OutcomeIndex();
  /** Who owns each reused authorization id: a history fold here, a journal fold in the pass. */
  readonly owners = new IdOwnership();
  readonly checkers: readonly Checker[];
  private readonly recordFolds: readonly RecordFold[];

  /** `checkers`: the registry's by default; a subset to judge some invariants only. */
  constructor(checkers: readonly Checker[] = createCheckers()) {
    this.checkers = checkers;
    this.recordFolds = checkers.filter((c): c is RecordFold => c.record !== undefined);
  }

  /** Folds one history record (bound: hand it to whatever emits records). */
  readonly record = (r: HistoryRecord): void => {
    this.outcomes.add(r);
    this.owners.record(r);
    const folds = this.recordFolds;
    for (let i = 0; i < folds.length; i++) folds[i].record(r);
  };

  /** The journal pass, once the run is over and its facts were read. */
  journal(facts: RunFacts): JournalPass {
    return new JournalPass(this.checkers, this.outcomes, facts, this.owners);
  }
}

/** One pass over the journal in seq order for every checker that folds it; finish() judges them all. */
export class JournalPass {
  /** The journal fold every checker shares. */
  readonly tally = new AuthorizationTally();
  private readonly entryFolds: readonly EntryFold[];

  constructor(
    private readonly checkers: readonly Checker[],
    private readonly outcomes: OutcomeIndex,
    private readonly facts: RunFacts,
    private readonly owners: IdOwnership = new IdOwnership(),
  ) {
    this.entryFolds = checkers.filter((c): c is EntryFold => c.entry !== undefined);
  }

  entry(e: JournalEntry): void {
    this.tally.entry(e);
    this.owners.entry(e);
    const folds = this.entryFolds;
    for (let i = 0; i < folds.length; i++) folds[i].entry(e, this.facts);
  }

  finish(): CheckReport {
    const { outcomes, tally, facts } = this;
    const unknownIds = outcomes.ids('unknown');
    const unknowns = facts.authorizationStates
      ? resolveUnknowns(unknownIds, facts.authorizationStates)
      : resolveUnknownsFromJournal(unknownIds, tally);
    const ctx: CheckContext = { ...facts, outcomes, tally, unknowns, owners: this.owners };
    const invariants = this.checkers.map((c) => c.result(ctx));
    const validity = composeValidity(invariants);
    const figures: CheckerFigures = {};
    for (const c of this.checkers) if (c.figures) Object.assign(figures, c.figures());
    return { invariants, validity, ok: validity === 'valid', unknown_resolution: unknowns.counts, resolutions: unknowns.resolutions, figures };
  }
}
