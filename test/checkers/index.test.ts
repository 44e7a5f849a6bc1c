import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHECKERS,
  Checks,
  composeValidity,
  createCheckers,
  runChecks,
  runChecksAsync,
  type CheckContext,
  type Checker,
} from '../../harness/checkers/index.ts';
import type { InvariantResult } from '../../harness/summary/types.ts';
import type { HistoryRecord } from '../../harness/history/record.ts';
import type { JournalEntry } from '../../services/ledger/contract.ts';
import { auth, entry, input, renumber, world } from './fixtures.ts';

const NAMES = ['exactly-once-holds', 'advices-posted', 'double-entry', 'balances', 'feed-agrees', 'no-negative', 'unknown-resolution', 'idempotency-conflicts-refused', 'declines-justified'];

function failing(results: readonly InvariantResult[]): Record<string, string[]> {
  return Object.fromEntries(results.filter((r) => r.validity !== 'valid').map((r) => [r.name, r.offending]));
}

const checkAll = (i: ReturnType<typeof input>): InvariantResult[] => runChecks(i).invariants;

/** A checker that remembers what reached it, and answers a fixed validity. */
class Probe implements Checker {
  readonly records: string[] = [];
  readonly entries: number[] = [];
  ctx: CheckContext | undefined;
  constructor(
    readonly name: string,
    private readonly validity: InvariantResult['validity'] = 'valid',
  ) {}
  record(r: HistoryRecord): void {
    this.records.push(r.id);
  }
  entry(e: JournalEntry): void {
    this.entries.push(e.seq);
  }
  result(ctx: CheckContext): InvariantResult {
    this.ctx = ctx;
    const bad = this.validity === 'invalid';
    return { name: this.name, ok: this.validity === 'valid', validity: this.validity, detail: this.validity, offending: bad ? ['x'] : [], count: bad ? 1 : 0 };
  }
}

test('composeValidity: as bad as the worst member', () => {
  assert.equal(composeValidity([]), 'valid');
  assert.equal(composeValidity([{ validity: 'valid' }, { validity: 'valid' }]), 'valid');
  assert.equal(composeValidity([{ validity: 'valid' }, { validity: 'unknown' }]), 'unknown');
  assert.equal(composeValidity([{ validity: 'unknown' }, { validity: 'invalid' }, { validity: 'valid' }]), 'invalid');
});

test('the registry: every invariant once, in a fixed order, fresh checkers each time', () => {
  assert.equal(CHECKERS.length, NAMES.length);
  assert.deepEqual(createCheckers().map((c) => c.name), NAMES);
  const [a, b] = [createCheckers(), createCheckers()];
  assert.ok(a.every((c, i) => c !== b[i]), 'a checker folds one run only');
});

test('runChecks: a consistent run passes every invariant, in registry order', () => {
  const results = checkAll(input(world()));
  assert.deepEqual(results.map((r) => r.name), NAMES);
  assert.deepEqual(failing(results), {});
  const report = runChecks(input(world()));
  assert.equal(report.validity, 'valid');
  assert.equal(report.ok, true);
  assert.deepEqual(report.unknown_resolution, { total: 2, held: 1, not_held: 1, unresolved: 0 });
  assert.equal(report.resolutions.get('u1'), 'held');
});

test('runChecks: each defect fails the checker that owns it (and says which ids)', () => {
  // A double hold with its money (the ledger's views include it): only exactly-once fails.
  let w = world();
  w.journal.push(entry(8, 'hold', 'acc-1', 1000, 'a1', 'hold-a1-retry'));
  w.accounts[0] = { ...w.accounts[0], available: 8000, holds: 2000 };
  w.feed[0] = { ...w.feed[0], available: 8000 };
  assert.deepEqual(failing(checkAll(input(w))), { 'exactly-once-holds': ['a1'] });

  // An advice dropped, still pending in the network.
  w = world();
  w.journal = renumber(w.journal.filter((e) => e.authorization_id !== 's1'));
  w.accounts[1] = { ...w.accounts[1], available: 300, balance: 500 };
  w.feed[1] = { ...w.feed[1], available: 300, balance: 500 };
  assert.deepEqual(failing(checkAll(input(w, { advicesPending: ['adv-s1'] }))), { 'advices-posted': ['s1'] });

  // A feed that missed the last event.
  w = world();
  w.feed[0] = { ...w.feed[0], available: 8700, version: 3 };
  assert.deepEqual(failing(checkAll(input(w))), { 'feed-agrees': ['acc-1'] });

  // A ledger whose view is off by one.
  w = world();
  w.accounts[1] = { ...w.accounts[1], available: -501, balance: -301 };
  const results = checkAll(input(w));
  assert.deepEqual(failing(results), { balances: ['acc-2'], 'feed-agrees': ['acc-2'] });
  assert.equal(composeValidity(results), 'invalid');

  // A conflicting retry answered from the first request (a history record, folded as the run goes).
  w = world();
  w.history.push({ ...auth('a1', 'approved'), kind: 'conflicting_retry', outcome: 'ok', reason: 'answered_from_first' });
  assert.deepEqual(failing(checkAll(input(w))), { 'idempotency-conflicts-refused': ['a1'] });

  // A decline the book does not justify: acc-1 never had less than 8700 available.
  w = world();
  w.history.push(auth('d1', 'declined', 'acc-1', { issuer_decision: 'declined', reason: 'insufficient_funds' }));
  assert.deepEqual(failing(checkAll(input(w))), { 'declines-justified': ['d1'] });
});

test('runChecks: an interrupted run leaves what it could not settle unknown, never invalid', () => {
  const w = world();
  w.journal = renumber(w.journal.filter((e) => e.authorization_id !== 's1'));
  w.accounts[1] = { ...w.accounts[1], available: 300, balance: 500 };
  w.feed[1] = { ...w.feed[1], available: 200, balance: 400 }; // the feed had not caught up
  const report = runChecks(input(w, { advicesPending: ['adv-s1'], interrupted: true }));
  assert.equal(report.validity, 'unknown');
  assert.deepEqual(
    report.invariants.filter((r) => r.validity !== 'valid').map((r) => [r.name, r.validity]),
    [
      ['advices-posted', 'unknown'],
      ['feed-agrees', 'unknown'],
    ],
  );
  assert.equal(runChecks(input(w, { advicesPending: ['adv-s1'] })).validity, 'invalid', 'the same run, not interrupted, failed');
});

test('runChecks: an unsorted journal array is replayed in seq order', () => {
  const w = world();
  w.journal.reverse();
  assert.deepEqual(failing(checkAll(input(w))), {});
});

test('runChecksAsync: a streamed journal gives the same report', async () => {
  const w = world();
  async function* stream(): AsyncGenerator<JournalEntry> {
    for (const e of w.journal) yield e;
  }
  const report = await runChecksAsync({ ...input(w), journal: stream() });
  assert.equal(report.validity, 'valid');
  assert.deepEqual(report.invariants, runChecks(input(w)).invariants);
});

test('Checks: records reach every checker while the run goes, the journal after it, then one shared context', () => {
  const w = world();
  const probe = new Probe('probe');
  const checks = new Checks([probe]);
  for (const r of w.history) checks.record(r);
  assert.deepEqual(probe.records, w.history.map((r) => r.id), 'each record, as it is recorded');
  assert.equal(checks.outcomes.get('s1'), 'standin_approved', 'the shared outcome fold');
  const pass = checks.journal({ accounts: w.accounts, feedBalances: w.feed, advicesPending: ['adv-s1'], interrupted: true });
  for (const e of w.journal) pass.entry(e);
  assert.deepEqual(probe.entries, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(probe.ctx, undefined, 'judged only at the end');
  const report = pass.finish();
  assert.deepEqual(report.invariants.map((r) => r.name), ['probe']);
  const ctx = probe.ctx as CheckContext | undefined;
  assert.ok(ctx);
  assert.equal(ctx.interrupted, true);
  assert.deepEqual(ctx.advicesPending, ['adv-s1']);
  assert.equal(ctx.accounts, w.accounts);
  assert.equal(ctx.tally.holds('a1'), 1, 'the shared journal fold');
  assert.equal(ctx.outcomes, checks.outcomes);
  assert.deepEqual(ctx.unknowns.counts, report.unknown_resolution);
});

test('Checks: a new invariant is one object implementing Checker; the composer knows none by name', () => {
  const run = (...validities: InvariantResult['validity'][]) =>
    runChecks(input(world()), validities.map((v, i) => new Probe(`probe-${i}`, v)));
  assert.equal(run().validity, 'valid');
  assert.equal(run('valid', 'unknown').validity, 'unknown');
  assert.equal(run('unknown', 'invalid', 'valid').validity, 'invalid');
  assert.equal(run('unknown', 'invalid', 'valid').ok, false);
  // A checker with result() only: no folds needed.
  const minimal: Checker = { name: 'minimal', result: (ctx) => ({ name: 'minimal', ok: true, validity: 'valid', detail: `${ctx.outcomes.size} authorizations`, offending: [], count: 0 }) };
  assert.equal(runChecks(input(world()), [minimal]).invariants[0].detail, '7 authorizations');
});
