import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../../services/ledger/contract.ts';
import { NoNegativeCheck } from '../../harness/checkers/no-negative.ts';
import { entry, judge, world } from './fixtures.ts';

/** The journal as given (an iterator, so the composer does not sort it), with the world's ledger views. */
function checkNoNegative(journal: JournalEntry[]) {
  return judge(new NoNegativeCheck(), world(), { journal: journal.values() });
}

test('no-negative: an overdraft through an advice posting is allowed', () => {
  const w = world();
  const r = checkNoNegative(w.journal);
  assert.equal(r.name, 'no-negative');
  assert.equal(r.validity, 'valid', r.detail);
  assert.match(r.detail, /1 accounts overdrawn by advices \(allowed\)/);
});

test('no-negative: an overdraft through a hold is invalid, naming the authorization', () => {
  const w = world();
  w.journal.push(entry(8, 'hold', 'acc-1', 9001, 'big'));
  const r = checkNoNegative(w.journal);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, ['big']);
  assert.match(r.detail, /big: hold of 9001 on acc-1 left available -1 \(seq 8\)/);
});

test('no-negative: a hold on an account already overdrawn by an advice is invalid', () => {
  const w = world();
  w.journal.push(entry(8, 'hold', 'acc-2', 1, 'after-advice'));
  assert.deepEqual(checkNoNegative(w.journal).offending, ['after-advice']);
});

test('no-negative: a hold spending exactly everything is fine', () => {
  const w = world();
  w.journal.push(entry(8, 'hold', 'acc-1', 9000, 'all-of-it'));
  assert.equal(checkNoNegative(w.journal).validity, 'valid');
});

test('no-negative: without opening entries, accounts start from the ledger\'s opening balance', () => {
  const w = world();
  const journal = w.journal.filter((e) => e.kind !== 'opening');
  assert.equal(checkNoNegative(journal).validity, 'valid');
  assert.deepEqual(checkNoNegative([...journal, entry(9, 'hold', 'acc-1', 9001, 'big')]).offending, ['big']);
});

test('no-negative: entries out of seq order make the replay unknown', () => {
  const w = world();
  const j = [...w.journal];
  [j[5], j[6]] = [j[6], j[5]];
  const r = checkNoNegative(j);
  assert.equal(r.validity, 'unknown');
  assert.match(r.detail, /out of seq order/);
});
