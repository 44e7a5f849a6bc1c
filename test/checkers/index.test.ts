import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAll, composeValidity, runChecks, runChecksAsync, type CheckInput } from '../../harness/checkers/index.ts';
import { OutcomeIndex } from '../../harness/history/outcomes.ts';
import type { JournalEntry } from '../../services/ledger/contract.ts';
import { entry, renumber, world, type World } from './fixtures.ts';

const NAMES = ['exactly-once-holds', 'advices-posted', 'double-entry', 'balances', 'feed-agrees', 'no-negative', 'unknown-resolution', 'idempotency-conflicts-refused'];

function input(w: World, extra: Partial<CheckInput> = {}): CheckInput {
  return { history: w.history, journal: w.journal, accounts: w.accounts, feedBalances: w.feed, advicesPending: [], ...extra };
}

function failing(results: ReturnType<typeof checkAll>): Record<string, string[]> {
  return Object.fromEntries(results.filter((r) => r.validity !== 'valid').map((r) => [r.name, r.offending]));
}

test('composeValidity: as bad as the worst member', () => {
  assert.equal(composeValidity([]), 'valid');
  assert.equal(composeValidity([{ validity: 'valid' }, { validity: 'valid' }]), 'valid');
  assert.equal(composeValidity([{ validity: 'valid' }, { validity: 'unknown' }]), 'unknown');
  assert.equal(composeValidity([{ validity: 'unknown' }, { validity: 'invalid' }, { validity: 'valid' }]), 'invalid');
});

test('checkAll: a consistent run passes every invariant, in a fixed order', () => {
  const results = checkAll(input(world()));
  assert.deepEqual(results.map((r) => r.name), NAMES);
  assert.deepEqual(failing(results), {});
  const report = runChecks(input(world()));
  assert.equal(report.validity, 'valid');
  assert.equal(report.ok, true);
  assert.deepEqual(report.unknown_resolution, { total: 2, held: 1, not_held: 1, unresolved: 0 });
  assert.equal(report.resolutions.get('u1'), 'held');
});

test('checkAll: each defect fails the checker that owns it (and says which ids)', () => {
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
});

test('checkAll: an unsorted journal array is replayed in seq order', () => {
  const w = world();
  w.journal.reverse();
  assert.deepEqual(failing(checkAll(input(w))), {});
});

test('runChecksAsync: a streamed journal gives the same report; an OutcomeIndex works as history', async () => {
  const w = world();
  async function* stream(): AsyncGenerator<JournalEntry> {
    for (const e of w.journal) yield e;
  }
  const report = await runChecksAsync({ ...input(w), history: OutcomeIndex.fromRecords(w.history), journal: stream() });
  assert.equal(report.validity, 'valid');
  assert.deepEqual(report.invariants, runChecks(input(w)).invariants);
});
