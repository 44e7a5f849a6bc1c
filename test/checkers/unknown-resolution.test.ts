import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationState } from '../../services/ledger/contract.ts';
import { AuthorizationTally } from '../../harness/checkers/authorization-tally.ts';
import { resolveUnknowns, resolveUnknownsFromJournal, withResolutions, type AuthorizationLookup } from '../../harness/checkers/resolve-unknowns.ts';
import { UnknownResolutionCheck } from '../../harness/checkers/unknown-resolution.ts';
import { runChecks } from '../../harness/checkers/index.ts';
import { auth, input, judge, world } from './fixtures.ts';

function state(id: string, holds: number, releases = 0): AuthorizationState {
  return { authorization_id: id, holds, releases, postings: 0, captures: 0, refunds: 0, held: holds > 0 };
}

test('unknown-resolution: ledger states resolve held / not held; a 404 is not held', () => {
  const states = new Map<string, AuthorizationLookup>([
    ['u1', state('u1', 1, 1)],
    ['u2', null],
    ['u3', state('u3', 0)],
  ]);
  const r = resolveUnknowns(['u1', 'u2', 'u3'], states);
  assert.deepEqual(r.counts, { total: 3, held: 1, not_held: 2, unresolved: 0 });
  assert.equal(r.resolutions.get('u1'), 'held');
  assert.equal(r.resolutions.get('u2'), 'not_held');
  const w = world();
  w.history.push(auth('u3', 'unknown'));
  const result = judge(new UnknownResolutionCheck(), w, { authorizationStates: states });
  assert.equal(result.name, 'unknown-resolution');
  assert.equal(result.validity, 'valid');
  assert.match(result.detail, /3 unknown authorizations: 1 held, 2 not held, 0 unresolved/);
});

test('unknown-resolution: a failed lookup stays unresolved and makes the result unknown, listing the ids', () => {
  const states = new Map<string, AuthorizationLookup>([['u1', state('u1', 1)], ['u2', new Error('GET http://x/v1/authorizations/u2 failed')]]);
  const r = resolveUnknowns(['u1', 'u2', 'u9'], states);
  assert.deepEqual(r.counts, { total: 3, held: 1, not_held: 0, unresolved: 2 });
  const w = world();
  w.history.push(auth('u9', 'unknown'));
  const result = judge(new UnknownResolutionCheck(), w, { authorizationStates: states });
  assert.equal(result.validity, 'unknown');
  assert.equal(result.ok, false);
  assert.deepEqual(result.offending, ['u2', 'u9']);
  assert.equal(result.count, 2);
  assert.match(result.detail, /1 of the held still hold money at the end/);
});

test('unknown-resolution: from the journal, the same answer without lookups', () => {
  const w = world();
  const r = resolveUnknownsFromJournal(['u1', 'u2'], AuthorizationTally.fromJournal(w.journal));
  assert.deepEqual(r.counts, { total: 2, held: 1, not_held: 1, unresolved: 0 });
  assert.equal(r.stillHeld, 0);
  // Without lookups the composer resolves from the journal too, and reports the counts for the summary.
  const report = runChecks(input(w), [new UnknownResolutionCheck()]);
  assert.deepEqual(report.unknown_resolution, r.counts);
  assert.equal(report.invariants[0].validity, 'valid');
  assert.match(report.invariants[0].detail, /^2 unknown authorizations: 1 held, 1 not held, 0 unresolved$/);
});

test('unknown-resolution: withResolutions fills the history records', () => {
  const records = [auth('u1', 'unknown'), auth('a1', 'approved'), auth('u2', 'unknown')];
  const out = [...withResolutions(records, new Map([['u1', 'held' as const], ['u2', 'not_held' as const]]))];
  assert.deepEqual(out.map((r) => r.resolution), ['held', undefined, 'not_held']);
  assert.equal(records[0].resolution, undefined, 'input records are not changed');
});
