import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BalanceView } from '../../services/feed/contract.ts';
import { FeedAgreesCheck } from '../../harness/checkers/feed-agrees.ts';
import { judge, world, type World } from './fixtures.ts';

function check(w: World, feed: readonly BalanceView[] | null = w.feed, interrupted = false) {
  return judge(new FeedAgreesCheck(), w, { feedBalances: feed, interrupted });
}

test('feed-agrees: a feed equal to the ledger is valid', () => {
  const w = world();
  const r = check(w);
  assert.equal(r.name, 'feed-agrees');
  assert.equal(r.validity, 'valid');
});

test('feed-agrees: a feed that missed an event (stale version) is invalid, naming the account', () => {
  const w = world();
  // The feed missed the advice posting on acc-2: it still shows the balance after the hold.
  w.feed[1] = { ...w.feed[1], balance: 500, available: 300, version: 2 };
  const r = check(w);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, ['acc-2']);
  assert.match(r.detail, /acc-2: feed 500\/300 \(v2\) vs ledger -300\/-500 \(v3\)/);
});

test('feed-agrees: an account missing from the feed is invalid', () => {
  const w = world();
  const r = check(w, w.feed.slice(1));
  assert.deepEqual(r.offending, ['acc-1']);
  assert.match(r.detail, /1 of them missing from the feed/);
});

test('feed-agrees: a feed that was not read is unknown, not valid', () => {
  const r = check(world(), null);
  assert.equal(r.validity, 'unknown');
  assert.equal(r.ok, false);
});

test('feed-agrees: a disagreement after an interrupted run (events not drained) is unknown, not invalid', () => {
  const w = world();
  w.feed[1] = { ...w.feed[1], balance: 500, available: 300, version: 2 };
  const r = check(w, w.feed, true);
  assert.equal(r.validity, 'unknown');
  assert.deepEqual(r.offending, []);
  assert.match(r.detail, /interrupted before its events drained: agreement unknown/);
  assert.equal(check(world(), world().feed, true).validity, 'valid', 'an interrupted run whose feed agrees is valid');
});
