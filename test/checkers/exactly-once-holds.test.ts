import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactlyOnceHoldsCheck } from '../../harness/checkers/exactly-once-holds.ts';
import { auth, entry, judge, renumber, world } from './fixtures.ts';

function check(w = world()) {
  return judge(new ExactlyOnceHoldsCheck(), w);
}

test('exactly-once-holds: a consistent run is valid', () => {
  const r = check();
  assert.equal(r.name, 'exactly-once-holds');
  assert.equal(r.validity, 'valid');
  assert.equal(r.ok, true);
  assert.deepEqual(r.offending, []);
  assert.equal(r.count, 0);
});

test('exactly-once-holds: a double hold (retry after a reset after commit, idempotency off) is invalid', () => {
  const w = world();
  w.journal.push(entry(8, 'hold', 'acc-1', 1000, 'a1', 'hold-a1-retry'));
  const r = check(w);
  assert.equal(r.validity, 'invalid');
  assert.equal(r.ok, false);
  assert.deepEqual(r.offending, ['a1']);
  assert.equal(r.count, 1);
  assert.match(r.detail, /1 held more than once \(a1\)/);
});

test('exactly-once-holds: a lost approval (approved, no hold) is invalid', () => {
  const w = world();
  w.journal = renumber(w.journal.filter((e) => e.authorization_id !== 'a2'));
  const r = check(w);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, ['a2']);
  assert.match(r.detail, /1 lost \(approved, no hold\) \(a2\)/);
});

test('exactly-once-holds: any outcome held twice is invalid, not only approvals', () => {
  const w = world();
  w.journal.push(entry(8, 'hold', 'acc-1', 300, 'u1', 'hold-u1-again'));
  assert.deepEqual(check(w).offending, ['u1']);
});

test('exactly-once-holds: a declined authorization that still holds money is invalid', () => {
  const w = world();
  w.journal.push(entry(8, 'hold', 'acc-2', 100, 'a3'));
  const r = check(w);
  assert.deepEqual(r.offending, ['a3']);
  assert.match(r.detail, /declined but still held \(a3\)/);
});

test('exactly-once-holds: offending ids stop at 20, count goes on', () => {
  const w = world();
  for (let i = 0; i < 25; i++) w.history.push(auth(`lost-${i}`, 'approved'));
  const r = check(w);
  assert.equal(r.offending.length, 20);
  assert.equal(r.count, 25);
  assert.equal(r.offending[0], 'lost-0');
});
