// Who owns a reused authorization id, and the two invariants that judge by it: advices-posted and
// idempotency-conflicts-refused read the same evidence (the ledger's first hold under the id vs the
// original's and the retry's content), so one event is never excused by one and failed by the other.
// The story: s2 timed out at the network (stand-in approved, advice queued); its conflicting retry (same id,
// another account) reached the issuer first on a starved machine; the original's advice was then refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdvicesPostedCheck } from '../../harness/checkers/advices-posted.ts';
import { IdempotencyConflictsCheck } from '../../harness/checkers/idempotency-conflicts.ts';
import { IdOwnership } from '../../harness/checkers/id-ownership.ts';
import { runChecks } from '../../harness/checkers/index.ts';
import type { HistoryRecord } from '../../harness/history/record.ts';
import type { InvariantResult } from '../../harness/summary/types.ts';
import { auth, entry, input, renumber, world, type World } from './fixtures.ts';

function retry(reason: 'refused' | 'accepted' | 'unanswered' | 'answered_from_first', account = 'acc-2', amount = 100): HistoryRecord {
  return {
    id: 's2',
    kind: 'conflicting_retry',
    account_id: account,
    amount,
    currency: 'GBP',
    original_account_id: 'acc-1',
    original_amount: 100,
    intended_ms: 900,
    sent_ms: 2000,
    waited_ms: 1100,
    latency_ms: 3000,
    outcome: reason === 'refused' ? 'ok' : 'error',
    status: reason === 'refused' ? 409 : reason === 'unanswered' ? 0 : 200,
    reason,
    faults: [],
    late: false,
  };
}

function advice(status: number, reason: string): HistoryRecord {
  return {
    id: 'adv-s2',
    kind: 'advice',
    account_id: 'acc-1',
    authorization_id: 's2',
    amount: 100,
    currency: 'GBP',
    intended_ms: 20_000,
    sent_ms: 20_000,
    latency_ms: 4,
    outcome: status === 200 ? 'ok' : 'error',
    status,
    reason,
    faults: [],
    late: false,
  };
}

/** The base world plus s2 (stand-in approved on acc-1), its retry, its advice's record and the holds under s2. */
function scene(opts: { retry: HistoryRecord; advice?: HistoryRecord; holds: [string, number][]; captured?: boolean }): World {
  const w = world();
  w.history = [...w.history, auth('s2', 'standin_approved', 'acc-1', { error: { hop: 'network->processor', cause: 'timeout' } }), opts.retry];
  if (opts.advice) w.history.push(opts.advice);
  const extra = opts.holds.map(([account, amount]) => entry(0, 'hold', account, amount, 's2'));
  if (opts.captured) extra.push(entry(0, 'capture', opts.holds[0]?.[0] ?? 'acc-1', 100, 's2', 'advice:s2'));
  w.journal = renumber([...w.journal, ...extra]);
  return w;
}

/** Not failed: valid, or unknown because no retry in this tiny world was refused (the invariant's own rule). */
function holds(r: InvariantResult): void {
  assert.notEqual(r.validity, 'invalid', r.detail);
  assert.deepEqual(r.offending, []);
}

function both(w: World): { advices: InvariantResult; conflicts: InvariantResult } {
  const [advices, conflicts] = runChecks(input(w), [new AdvicesPostedCheck(), new IdempotencyConflictsCheck()]).invariants;
  return { advices: advices as InvariantResult, conflicts: conflicts as InvariantResult };
}

test('id ownership: the first hold under the id names its owner', () => {
  const owners = new IdOwnership();
  owners.record(retry('unanswered'));
  owners.record({ ...retry('accepted', 'acc-1', 150), id: 'm1', original_amount: 100 });
  owners.record({ ...retry('accepted', 'acc-1', 100), id: 'n1' });
  owners.record({ ...retry('unanswered'), id: 'z1' });
  owners.entry(entry(10, 'hold', 'acc-2', 100, 's2'));
  owners.entry(entry(11, 'hold', 'acc-1', 100, 'm1'));
  owners.entry(entry(12, 'hold', 'acc-1', 150, 'm1'));
  owners.entry(entry(13, 'hold', 'acc-1', 100, 'n1'));
  assert.equal(owners.owner('s2'), 'retry', "a hold on the retry's account");
  assert.equal(owners.owner('m1'), 'both', "the original's amount, then the retry's: taken twice");
  assert.equal(owners.owner('n1'), 'indistinguishable', 'the retry changed nothing the ledger keeps');
  assert.equal(owners.owner('z1'), 'none');
  assert.equal(owners.owner('never-reused'), 'none');
});

test('retry took the id first, the advice was refused: both invariants hold and both say so', () => {
  const { advices, conflicts } = both(scene({ retry: retry('unanswered'), advice: advice(409, 'authorization_conflict'), holds: [['acc-2', 100]] }));
  assert.equal(advices.validity, 'valid', advices.detail);
  assert.match(advices.detail, /1 refused \(409\) because a conflicting retry took the authorization id first.*\(s2\)/);
  holds(conflicts);
  assert.match(conflicts.detail, /1 unanswered but took the key first.*\(s2\)/);
});

test('retry took the id first and was accepted: the same exception on both sides', () => {
  const { advices, conflicts } = both(scene({ retry: retry('accepted'), advice: advice(409, 'authorization_conflict'), holds: [['acc-2', 100]] }));
  assert.equal(advices.validity, 'valid', advices.detail);
  holds(conflicts);
  assert.match(conflicts.detail, /1 accepted as the key's first use/);
});

test('the original held the id, yet its advice was refused: advices-posted fails (no excuse without the evidence)', () => {
  const { advices, conflicts } = both(scene({ retry: retry('unanswered'), advice: advice(409, 'authorization_conflict'), holds: [['acc-1', 100]] }));
  assert.equal(advices.validity, 'invalid');
  assert.deepEqual(advices.offending, ['s2']);
  assert.match(advices.detail, /1 never posted \(s2\)/);
  holds(conflicts); // an unanswered retry that took nothing proves nothing
  assert.match(conflicts.detail, /1 without a usable answer/);
});

test('the retry holds the id but the advice was never refused (lost): advices-posted fails', () => {
  const { advices } = both(scene({ retry: retry('unanswered'), holds: [['acc-2', 100]] }));
  assert.equal(advices.validity, 'invalid');
  assert.deepEqual(advices.offending, ['s2']);
});

test('the ledger holds both contents under the id: both invariants fail, on the same id', () => {
  const { advices, conflicts } = both(scene({ retry: retry('unanswered'), advice: advice(409, 'authorization_conflict'), holds: [['acc-1', 100], ['acc-2', 100]] }));
  assert.equal(conflicts.validity, 'invalid');
  assert.deepEqual(conflicts.offending, ['s2']);
  assert.match(conflicts.detail, /key taken twice/);
  assert.equal(advices.validity, 'invalid');
  assert.deepEqual(advices.offending, ['s2']);
});

test('a retry accepted after the original took the id in the ledger is a violation', () => {
  const { conflicts } = both(scene({ retry: retry('accepted', 'acc-1', 150), advice: advice(200, 'captured'), holds: [['acc-1', 100]], captured: true }));
  assert.equal(conflicts.validity, 'invalid');
  assert.deepEqual(conflicts.offending, ['s2']);
  assert.match(conflicts.detail, /1 accepted although the ledger holds the original under the key/);
});

test('a retry refused while the original captured: both valid', () => {
  const { advices, conflicts } = both(scene({ retry: retry('refused'), advice: advice(200, 'captured'), holds: [['acc-1', 100]], captured: true }));
  assert.equal(advices.validity, 'valid', advices.detail);
  assert.equal(conflicts.validity, 'valid', conflicts.detail);
  assert.doesNotMatch(advices.detail, /refused \(409\)/);
});
