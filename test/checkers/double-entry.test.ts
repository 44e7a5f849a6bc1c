import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalEntry } from '../../services/ledger/contract.ts';
import { DoubleEntryCheck } from '../../harness/checkers/double-entry.ts';
import { judge, world } from './fixtures.ts';

function checkDoubleEntry(journal: JournalEntry[]) {
  return judge(new DoubleEntryCheck(), { ...world(), journal });
}

test('double-entry: a journal of well-formed entries is valid', () => {
  const r = checkDoubleEntry(world().journal);
  assert.equal(r.name, 'double-entry');
  assert.equal(r.validity, 'valid');
  assert.match(r.detail, /7 journal entries, journal total 0/);
});

test("double-entry: a leg that doesn't sum is invalid, naming the entry's request id", () => {
  const w = world();
  const hold = w.journal[2];
  hold.legs = [hold.legs[0], { book: hold.legs[1].book, amount: hold.legs[1].amount - 1 }];
  const r = checkDoubleEntry(w.journal);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, [hold.request_id]);
  assert.match(r.detail, /journal total -1/);
});

test('double-entry: legs that balance but do not match the kind are invalid', () => {
  const w = world();
  const hold = w.journal[3]; // a hold booked like a posting (available -> settlement)
  hold.legs = [{ book: 'acct:acc-2:available', amount: -200 }, { book: 'settlement', amount: 200 }];
  const r = checkDoubleEntry(w.journal);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, [hold.request_id]);
  assert.match(r.detail, /1 entries whose legs do not match their kind/);
});

test('double-entry: legs in either order are fine; a fractional amount is not', () => {
  const w = world();
  w.journal[2].legs.reverse();
  assert.equal(checkDoubleEntry(w.journal).validity, 'valid');
  w.journal[3].legs = [{ book: 'acct:acc-2:available', amount: -200.5 }, { book: 'acct:acc-2:held', amount: 200.5 }];
  assert.deepEqual(checkDoubleEntry(w.journal).offending, [w.journal[3].request_id]);
});
