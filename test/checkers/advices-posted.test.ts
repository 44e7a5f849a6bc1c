import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdvicesPostedCheck } from '../../harness/checkers/advices-posted.ts';
import { entry, judge, renumber, world } from './fixtures.ts';

function check(w = world(), pending: string[] = [], interrupted = false) {
  return judge(new AdvicesPostedCheck(), w, { advicesPending: pending, interrupted });
}

test('advices-posted: every stand-in approval posted once is valid', () => {
  const r = check();
  assert.equal(r.name, 'advices-posted');
  assert.equal(r.validity, 'valid');
  assert.deepEqual(r.offending, []);
});

test('advices-posted: a capture (the authorization also got a hold) counts as the posting', () => {
  const w = world();
  w.journal = renumber([...w.journal.filter((e) => e.authorization_id !== 's1'), entry(0, 'hold', 'acc-2', 100, 's1'), entry(0, 'capture', 'acc-2', 100, 's1', 'adv-s1')]);
  assert.equal(check(w).validity, 'valid');
});

test('advices-posted: an advice dropped (never posted) is invalid', () => {
  const w = world();
  w.journal = renumber(w.journal.filter((e) => e.authorization_id !== 's1'));
  const r = check(w);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, ['s1']);
  assert.match(r.detail, /1 never posted \(s1\)/);
});

test('advices-posted: an advice posted twice is invalid', () => {
  const w = world();
  w.journal.push(entry(8, 'posting', 'acc-2', 800, 's1', 'adv-s1-again'));
  const r = check(w);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, ['s1']);
  assert.match(r.detail, /1 posted more than once \(s1\)/);
});

test('advices-posted: an advice still pending at the end is invalid, by advice id or authorization id', () => {
  const w = world();
  w.journal = renumber(w.journal.filter((e) => e.authorization_id !== 's1'));
  for (const pending of [['adv-s1'], ['s1']]) {
    const r = check(w, pending);
    assert.equal(r.validity, 'invalid');
    assert.deepEqual(r.offending, ['s1']);
    assert.match(r.detail, /1 advices still pending \(s1\)/);
  }
});

test('advices-posted: an advice still pending when the run was interrupted is unknown, not invalid', () => {
  const w = world();
  w.journal = renumber(w.journal.filter((e) => e.authorization_id !== 's1'));
  const r = check(w, ['adv-s1'], true);
  assert.equal(r.validity, 'unknown');
  assert.deepEqual(r.offending, []);
  assert.match(r.detail, /1 advices not delivered before the interruption \(unknown\) \(s1\)/);
  // An advice posted twice is a proven anomaly, interrupted or not.
  const twice = world();
  twice.journal.push(entry(8, 'posting', 'acc-2', 800, 's1', 'adv-s1-again'));
  assert.equal(check(twice, [], true).validity, 'invalid');
});

test("advices-posted: an advice faultline's own queue never delivered is unknown; one the issuer was asked for stays invalid", () => {
  const w = world();
  w.journal = renumber(w.journal.filter((e) => e.authorization_id !== 's1'));
  const never = judge(new AdvicesPostedCheck(), w, { advicesPending: ['adv-s1'], advicesUndelivered: ['adv-s1'] });
  assert.equal(never.validity, 'unknown');
  assert.equal(never.ok, false);
  assert.deepEqual(never.offending, []);
  assert.match(never.detail, /1 advices faultline's own queue never delivered to the issuer \(unknown\) \(s1\)/);
  // Asked for and not accepted (pending, but it reached the issuer): the pipeline's failure.
  const asked = judge(new AdvicesPostedCheck(), w, { advicesPending: ['adv-s1'], advicesUndelivered: [] });
  assert.equal(asked.validity, 'invalid');
  assert.deepEqual(asked.offending, ['s1']);
  // A harness that never delivered one advice does not hide another one posted twice.
  const twice = world();
  twice.journal.push(entry(8, 'posting', 'acc-2', 800, 's1', 'adv-s1-again'));
  assert.equal(judge(new AdvicesPostedCheck(), twice, { advicesPending: ['adv-s9'], advicesUndelivered: ['adv-s9'] }).validity, 'invalid');
});
