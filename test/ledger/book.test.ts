// The pure double-entry book: idempotency, holds, captures, refunds, declines, and the deliberate
// `idempotency: false` defect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountSeed } from '../../services/common/accounts.ts';
import { seedAccounts } from '../../services/common/accounts.ts';
import { createRng } from '../../services/common/random.ts';
import { BookError, LedgerBook } from '../../services/ledger/book.ts';
import type { HoldRequest, JournalEntry } from '../../services/ledger/contract.ts';
import { journalSum, recomputeAccounts, sameAsRecomputed, unbalancedEntries } from './journal-check.ts';

const accounts: AccountSeed[] = [
  { id: 'acc-a', currency: 'GBP', opening_balance: 10_000, card_token: 'tok_a', card_last4: '1111' },
  { id: 'acc-b', currency: 'GBP', opening_balance: 500, card_token: 'tok_b', card_last4: '2222' },
  { id: 'acc-z', currency: 'GBP', opening_balance: 0, card_token: 'tok_z', card_last4: '3333' },
];

function allEntries(book: LedgerBook): JournalEntry[] {
  return book.journalPage(0, 10_000).entries;
}

function hold(overrides: Partial<HoldRequest> = {}): HoldRequest {
  return {
    request_id: 'hold:auth-1',
    authorization_id: 'auth-1',
    account_id: 'acc-a',
    amount: { value: 1_000, currency: 'GBP' },
    card_last4: '1111',
    ...overrides,
  };
}

test('opening entries: one per funded account, balanced, version 1 (0 for an empty account)', () => {
  const book = new LedgerBook({ accounts });
  const entries = allEntries(book);
  assert.equal(entries.length, 2);
  assert.deepEqual(entries.map((e) => e.kind), ['opening', 'opening']);
  assert.equal(journalSum(entries), 0);
  assert.equal(book.account('acc-a')?.version, 1);
  assert.equal(book.account('acc-z')?.version, 0);
  assert.equal(book.account('acc-z')?.balance, 0);
  assert.equal(book.account('nope'), null);
});

test('a hold moves available to held; the same request_id replays; another body conflicts', () => {
  const book = new LedgerBook({ accounts });
  const first = book.hold(hold());
  assert.equal(first.result, 'held');
  assert.equal(first.replayed, false);
  assert.deepEqual(
    { available: first.account?.available, holds: first.account?.holds, balance: first.account?.balance },
    { available: 9_000, holds: 1_000, balance: 10_000 },
  );
  const again = book.hold(hold());
  assert.equal(again.replayed, true);
  assert.deepEqual({ ...again, replayed: false }, first);
  assert.throws(
    () => book.hold(hold({ amount: { value: 999, currency: 'GBP' } })),
    (err: unknown) => err instanceof BookError && err.code === 'idempotency_conflict' && /request_id/.test(err.message),
  );
  assert.equal(allEntries(book).filter((e) => e.kind === 'hold').length, 1);
  assert.equal(book.account('acc-a')?.available, 9_000);
});

test('at most one active hold per authorization, whatever the request_id', () => {
  const book = new LedgerBook({ accounts });
  book.hold(hold());
  const other = book.hold(hold({ request_id: 'hold:auth-1:retry' }));
  assert.equal(other.result, 'held');
  assert.equal(other.replayed, true);
  assert.throws(
    () => book.hold(hold({ request_id: 'hold:auth-1:x', amount: { value: 5, currency: 'GBP' } })),
    (err: unknown) => err instanceof BookError && err.code === 'authorization_conflict',
  );
  assert.throws(
    () => book.hold(hold({ request_id: 'hold:auth-1:y', account_id: 'acc-b' })),
    (err: unknown) => err instanceof BookError && err.code === 'authorization_conflict' && err.field === 'account_id',
  );
  assert.equal(book.authorizationState('auth-1').holds, 1);
});

test('one hold per authorization, ever: once released (or refunded) in full, a hold under a new request_id is refused whole', () => {
  const book = new LedgerBook({ accounts });
  book.hold(hold());
  book.release({ request_id: 'rev-1', authorization_id: 'auth-1', account_id: 'acc-a', amount: { value: 1_000, currency: 'GBP' } });
  const entries = allEntries(book).length;
  const refused = (req: HoldRequest) => () => book.hold(req);
  const isRule = (err: unknown) => err instanceof BookError && err.code === 'one_hold_per_authorization' && err.field === 'authorization_id' && /auth-1/.test(err.message);
  assert.throws(refused(hold({ request_id: 'hold:auth-1:new' })), isRule);
  assert.throws(refused(hold({ request_id: 'hold:auth-1:other', amount: { value: 7, currency: 'GBP' } })), isRule, 'whatever the amount');
  assert.equal(allEntries(book).length, entries, 'nothing written');
  assert.equal(book.authorizationState('auth-1').holds, 1);
  assert.equal(book.account('acc-a')?.holds, 0);
  // The first request_id still replays its first answer (a retry of the original hold is not a new hold).
  const replay = book.hold(hold());
  assert.equal(replay.result, 'held');
  assert.equal(replay.replayed, true);
  // The same after an advice posted and then refunded in full.
  book.post({ request_id: 'adv-2', authorization_id: 'auth-2', account_id: 'acc-a', amount: { value: 300, currency: 'GBP' }, kind: 'advice' });
  book.release({ request_id: 'rev-2', authorization_id: 'auth-2', account_id: 'acc-a', amount: { value: 300, currency: 'GBP' } });
  assert.throws(refused(hold({ request_id: 'hold:auth-2', authorization_id: 'auth-2', amount: { value: 300, currency: 'GBP' } })), (err: unknown) => err instanceof BookError && err.code === 'one_hold_per_authorization');
  // A partial release leaves it held: the same hold again is still a replay, not a refusal.
  book.hold(hold({ request_id: 'hold:auth-3', authorization_id: 'auth-3', amount: { value: 500, currency: 'GBP' } }));
  book.release({ request_id: 'rev-3', authorization_id: 'auth-3', account_id: 'acc-a', amount: { value: 200, currency: 'GBP' } });
  assert.equal(book.hold(hold({ request_id: 'hold:auth-3:again', authorization_id: 'auth-3', amount: { value: 500, currency: 'GBP' } })).replayed, true);
  assert.equal(book.authorizationState('auth-3').holds, 1);
});

test('declines are answers: recorded for replay, no journal entry, holds never overdraw', () => {
  const book = new LedgerBook({ accounts });
  const before = allEntries(book).length;
  const poor = book.hold(hold({ request_id: 'h-poor', authorization_id: 'auth-poor', account_id: 'acc-b', amount: { value: 501, currency: 'GBP' } }));
  assert.equal(poor.result, 'insufficient_funds');
  assert.equal(book.hold(hold({ request_id: 'h-poor', authorization_id: 'auth-poor', account_id: 'acc-b', amount: { value: 501, currency: 'GBP' } })).replayed, true);
  assert.equal(book.hold(hold({ request_id: 'h-unknown', account_id: 'acc-nope' })).result, 'unknown_account');
  assert.equal(book.hold(hold({ request_id: 'h-eur', amount: { value: 1, currency: 'EUR' } })).result, 'currency_mismatch');
  const exact = book.hold(hold({ request_id: 'h-exact', authorization_id: 'auth-exact', account_id: 'acc-b', amount: { value: 500, currency: 'GBP' } }));
  assert.equal(exact.result, 'held');
  assert.equal(exact.account?.available, 0);
  assert.equal(allEntries(book).length, before + 1);
  assert.equal(book.authorizationState('auth-poor').held, false);
});

const gbp = (value: number) => ({ value, currency: 'GBP' });

test('release: an active hold is released once; a second reversal has nothing to reverse', () => {
  const book = new LedgerBook({ accounts });
  book.hold(hold());
  const released = book.release({ request_id: 'rev-1', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(1_000) });
  assert.equal(released.result, 'released');
  assert.deepEqual(released.amount, gbp(1_000));
  assert.equal(released.account?.available, 10_000);
  assert.equal(released.account?.holds, 0);
  const replay = book.release({ request_id: 'rev-1', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(1_000) });
  assert.equal(replay.replayed, true);
  assert.deepEqual(replay.amount, gbp(1_000));
  const nothing = book.release({ request_id: 'rev-2', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(1_000) });
  assert.equal(nothing.result, 'nothing_to_reverse');
  assert.equal(nothing.amount, null);
  assert.equal(book.release({ request_id: 'rev-3', authorization_id: 'never', account_id: 'acc-a', amount: gbp(5) }).result, 'nothing_to_reverse');
  const state = book.authorizationState('auth-1');
  assert.deepEqual(state, { authorization_id: 'auth-1', holds: 1, releases: 1, postings: 0, captures: 0, refunds: 0, held: true });
});

test('partial reversals release exactly their amount; the rest stays held for a later reversal or advice', () => {
  const book = new LedgerBook({ accounts });
  book.hold(hold());
  const part = book.release({ request_id: 'rev-p1', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(300) });
  assert.equal(part.result, 'released');
  assert.deepEqual(part.amount, gbp(300));
  assert.equal(part.account?.holds, 700);
  assert.equal(part.account?.available, 9_300);
  const rest = book.release({ request_id: 'rev-p2', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(700) });
  assert.deepEqual([rest.result, rest.amount?.value, rest.account?.holds, rest.account?.available], ['released', 700, 0, 10_000]);

  // The rest captured by an advice for the full amount: the difference moves through available.
  book.hold(hold({ request_id: 'hold:auth-2', authorization_id: 'auth-2' }));
  book.release({ request_id: 'rev-q1', authorization_id: 'auth-2', account_id: 'acc-a', amount: gbp(400) });
  const captured = book.post({ request_id: 'advice:auth-2', authorization_id: 'auth-2', account_id: 'acc-a', amount: gbp(1_000), kind: 'advice' });
  assert.equal(captured.result, 'captured');
  assert.deepEqual(captured.amount, gbp(1_000));
  assert.equal(captured.account?.holds, 0);
  assert.equal(captured.account?.balance, 9_000);
  const capture = allEntries(book).at(-1)!;
  assert.deepEqual(capture.legs.map((l) => l.amount).sort((x, y) => x - y), [-600, -400, 1_000]);
  const entries = allEntries(book);
  assert.deepEqual(unbalancedEntries(entries), []);
  assert.equal(journalSum(entries), 0);
  const recomputed = recomputeAccounts(entries);
  assert.ok(sameAsRecomputed(book.account('acc-a')!, recomputed.get('acc-a')));
});

test('a reversal over what is still held, or in another currency, is refused whole and writes nothing', () => {
  const book = new LedgerBook({ accounts });
  book.hold(hold());
  book.release({ request_id: 'rev-part', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(600) });
  const before = allEntries(book).length;
  assert.throws(
    () => book.release({ request_id: 'rev-over', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(401) }),
    (err: unknown) => err instanceof BookError && err.code === 'amount_exceeds_remaining' && err.field === 'amount/value' && /400 GBP still held/.test(err.message),
  );
  assert.throws(
    () => book.release({ request_id: 'rev-eur', authorization_id: 'auth-1', account_id: 'acc-a', amount: { value: 5, currency: 'EUR' } }),
    (err: unknown) => err instanceof BookError && err.code === 'currency_mismatch' && err.field === 'amount/currency',
  );
  assert.equal(allEntries(book).length, before);
  assert.equal(book.account('acc-a')?.holds, 400);
  // A refused request records nothing: its request_id is free for a correct one.
  assert.equal(book.release({ request_id: 'rev-over', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(400) }).result, 'released');
  // Fully reversed: another currency is still refused; the same currency has nothing left to reverse.
  assert.throws(
    () => book.release({ request_id: 'rev-eur-2', authorization_id: 'auth-1', account_id: 'acc-a', amount: { value: 5, currency: 'EUR' } }),
    (err: unknown) => err instanceof BookError && err.code === 'currency_mismatch',
  );
  assert.equal(book.release({ request_id: 'rev-last', authorization_id: 'auth-1', account_id: 'acc-a', amount: gbp(1) }).result, 'nothing_to_reverse');
});

test('a partial refund of a posted advice; more than posted is refused; an advice in another currency than the hold is refused', () => {
  const book = new LedgerBook({ accounts });
  book.post({ request_id: 'advice:auth-3', authorization_id: 'auth-3', account_id: 'acc-a', amount: gbp(800), kind: 'advice' });
  const refund = book.release({ request_id: 'rev-r1', authorization_id: 'auth-3', account_id: 'acc-a', amount: gbp(300) });
  assert.deepEqual([refund.result, refund.amount?.value], ['refunded', 300]);
  assert.throws(
    () => book.release({ request_id: 'rev-r2', authorization_id: 'auth-3', account_id: 'acc-a', amount: gbp(501) }),
    (err: unknown) => err instanceof BookError && err.code === 'amount_exceeds_remaining',
  );
  book.hold(hold({ request_id: 'hold:auth-4', authorization_id: 'auth-4' }));
  assert.throws(
    () => book.post({ request_id: 'advice:auth-4', authorization_id: 'auth-4', account_id: 'acc-a', amount: { value: 1_000, currency: 'EUR' }, kind: 'advice' }),
    (err: unknown) => err instanceof BookError && err.code === 'currency_mismatch' && /auth-4's hold/.test(err.message),
  );
  assert.equal(book.account('acc-a')?.holds, 1_000);
});

test('a reused request_id with another body is a conflict naming the differing fields', () => {
  const book = new LedgerBook({ accounts });
  book.hold(hold());
  assert.throws(
    () => book.hold(hold({ amount: gbp(1_001), account_id: 'acc-a' })),
    (err: unknown) => err instanceof BookError && err.code === 'idempotency_conflict' && err.conflict?.key === 'hold:auth-1' && err.conflict.fields.join() === 'amount.value',
  );
});

test('advices: capture an active hold (no double count), post without one (may overdraw), post once per authorization', () => {
  const book = new LedgerBook({ accounts });
  book.hold(hold());
  const captured = book.post({ request_id: 'advice:auth-1', authorization_id: 'auth-1', account_id: 'acc-a', amount: { value: 1_000, currency: 'GBP' }, kind: 'advice' });
  assert.equal(captured.result, 'captured');
  assert.equal(captured.account?.available, 9_000);
  assert.equal(captured.account?.holds, 0);
  assert.equal(captured.account?.balance, 9_000);
  const again = book.post({ request_id: 'advice:auth-1:again', authorization_id: 'auth-1', account_id: 'acc-a', amount: { value: 1_000, currency: 'GBP' }, kind: 'advice' });
  assert.equal(again.result, 'captured');
  assert.equal(again.replayed, true);
  assert.equal(again.request_id, 'advice:auth-1:again');

  const overdraw = book.post({ request_id: 'advice:auth-2', authorization_id: 'auth-2', account_id: 'acc-b', amount: { value: 2_000, currency: 'GBP' }, kind: 'advice' });
  assert.equal(overdraw.result, 'posted');
  assert.equal(overdraw.account?.available, -1_500);
  // A hold after the posting would double count: it answers held without writing.
  const lateHold = book.hold(hold({ request_id: 'hold:auth-2', authorization_id: 'auth-2', account_id: 'acc-b', amount: { value: 2_000, currency: 'GBP' } }));
  assert.equal(lateHold.replayed, true);
  assert.equal(book.authorizationState('auth-2').holds, 0);

  const refund = book.release({ request_id: 'rev-auth-2', authorization_id: 'auth-2', account_id: 'acc-b', amount: gbp(2_000) });
  assert.equal(refund.result, 'refunded');
  assert.equal(refund.account?.available, 500);
  assert.throws(
    () => book.post({ request_id: 'advice:x', authorization_id: 'x', account_id: 'acc-nope', amount: { value: 1, currency: 'GBP' }, kind: 'advice' }),
    (err: unknown) => err instanceof BookError && err.code === 'unknown_account',
  );
  const entries = allEntries(book);
  assert.deepEqual(unbalancedEntries(entries), []);
  assert.equal(journalSum(entries), 0);
});

test('a capture for a different amount than the hold stays balanced', () => {
  const book = new LedgerBook({ accounts });
  book.hold(hold());
  const captured = book.post({ request_id: 'advice:auth-1', authorization_id: 'auth-1', account_id: 'acc-a', amount: { value: 1_250, currency: 'GBP' }, kind: 'advice' });
  assert.equal(captured.account?.balance, 8_750);
  assert.equal(captured.account?.holds, 0);
  const capture = allEntries(book).at(-1)!;
  assert.equal(capture.kind, 'capture');
  assert.equal(capture.legs.length, 3);
  assert.deepEqual(unbalancedEntries([capture]), []);
});

test('idempotency: false is a real defect: a repeated hold holds twice, a repeated advice posts twice', () => {
  const book = new LedgerBook({ accounts, idempotency: false });
  book.hold(hold());
  const second = book.hold(hold());
  assert.equal(second.replayed, false);
  assert.equal(second.account?.holds, 2_000);
  assert.equal(book.authorizationState('auth-1').holds, 2);
  const advice = { request_id: 'advice:auth-9', authorization_id: 'auth-9', account_id: 'acc-a', amount: { value: 100, currency: 'GBP' }, kind: 'advice' } as const;
  book.post(advice);
  book.post(advice);
  assert.equal(book.authorizationState('auth-9').postings, 2);
  assert.equal(journalSum(allEntries(book)), 0);
});

test('journal pages: cursor, limit, next null at the end', () => {
  const book = new LedgerBook({ accounts: seedAccounts(3, 25) });
  const first = book.journalPage(0, 10);
  assert.equal(first.entries.length, 10);
  assert.equal(first.entries[0]?.seq, 1);
  assert.equal(first.next, 10);
  const rest = book.journalPage(20, 10);
  assert.equal(rest.entries[0]?.seq, 21);
  assert.equal(rest.next, null);
  assert.deepEqual(book.journalPage(1000, 10), { entries: [], next: null });
});

test('thousands of random operations keep double entry, and balances match the journal', () => {
  const seeds = seedAccounts(11, 40);
  const book = new LedgerBook({ accounts: seeds });
  const rng = createRng(42);
  const auths: Array<{ id: string; account: string; amount: number }> = [];
  for (let i = 0; i < 5000; i++) {
    const roll = rng.next();
    if (roll < 0.55 || auths.length === 0) {
      const account = rng.pick(seeds).id;
      const auth = { id: `auth-${i}`, account, amount: rng.int(1, 50_000) };
      auths.push(auth);
      book.hold({ request_id: `hold:${auth.id}`, authorization_id: auth.id, account_id: account, amount: { value: auth.amount, currency: 'GBP' } });
    } else if (roll < 0.7) {
      const auth = rng.pick(auths);
      book.hold({ request_id: `hold:${auth.id}`, authorization_id: auth.id, account_id: auth.account, amount: { value: auth.amount, currency: 'GBP' } });
    } else if (roll < 0.85) {
      const auth = rng.pick(auths);
      book.post({ request_id: `advice:${auth.id}`, authorization_id: auth.id, account_id: auth.account, amount: { value: auth.amount, currency: 'GBP' }, kind: 'advice' });
    } else {
      // Whole or partial reversals; one over what is left is refused whole.
      const auth = rng.pick(auths);
      const value = rng.chance(0.5) ? auth.amount : rng.int(1, auth.amount);
      try {
        book.release({ request_id: `rev:${auth.id}:${i}`, authorization_id: auth.id, account_id: auth.account, amount: gbp(value) });
      } catch (err) {
        if (!(err instanceof BookError && err.code === 'amount_exceeds_remaining')) throw err;
      }
    }
  }
  const entries = allEntries(book);
  assert.deepEqual(unbalancedEntries(entries), []);
  assert.equal(journalSum(entries), 0);
  let bookSum = 0;
  for (const value of book.bookBalances().values()) bookSum += value;
  assert.equal(bookSum, 0);
  const recomputed = recomputeAccounts(entries);
  for (const seed of seeds) {
    const view = book.account(seed.id)!;
    assert.ok(sameAsRecomputed(view, recomputed.get(seed.id)), `${seed.id}: ${JSON.stringify(view)} vs ${JSON.stringify(recomputed.get(seed.id))}`);
    assert.ok(view.holds >= 0, `${seed.id} holds negative`);
  }
  for (const auth of auths) {
    const state = book.authorizationState(auth.id);
    assert.ok(state.holds <= 1, `${auth.id} held ${state.holds} times`);
    assert.ok(state.postings + state.captures <= 1, `${auth.id} posted ${state.postings + state.captures} times`);
  }
});
