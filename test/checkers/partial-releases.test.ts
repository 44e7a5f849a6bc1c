// The journal folds (double-entry, balances, no-negative, exactly-once-holds and the tally under them) on a
// journal the real ledger book wrote with partial reversals: a release of part of a hold, the rest captured
// by an advice for the full amount (a three-leg capture), a partial refund, and a declined authorization
// whose hold was only partly released.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerBook } from '../../services/ledger/book.ts';
import type { AccountSeed } from '../../services/common/accounts.ts';
import type { AccountView, JournalEntry } from '../../services/ledger/contract.ts';
import type { Checker } from '../../harness/checkers/checker.ts';
import { runChecks } from '../../harness/checkers/index.ts';
import { DoubleEntryCheck } from '../../harness/checkers/double-entry.ts';
import { BalancesCheck } from '../../harness/checkers/balances.ts';
import { NoNegativeCheck } from '../../harness/checkers/no-negative.ts';
import { ExactlyOnceHoldsCheck } from '../../harness/checkers/exactly-once-holds.ts';
import { AuthorizationTally } from '../../harness/checkers/authorization-tally.ts';
import { auth } from './fixtures.ts';

const seeds: AccountSeed[] = [
  { id: 'acc-1', currency: 'GBP', opening_balance: 10_000, card_token: 'tok_1', card_last4: '1111' },
  { id: 'acc-2', currency: 'GBP', opening_balance: 1_000, card_token: 'tok_2', card_last4: '2222' },
];
const gbp = (value: number) => ({ value, currency: 'GBP' });

interface Run {
  journal: JournalEntry[];
  accounts: AccountView[];
  book: LedgerBook;
}

/** a1: hold 1000, partial reversal 300, advice 1000 captures the 700 left; a2: hold 900 on acc-2, partial reversal 100, advice 1500 captures 800 (overdraft by advice); p1: posted 400, refunded 150; d1: declined, held 200, released 200 in two parts. */
function ledgerRun(extra?: (book: LedgerBook) => void): Run {
  const book = new LedgerBook({ accounts: seeds, now: () => 1_700_000_000_000 });
  book.hold({ request_id: 'hold:a1', authorization_id: 'a1', account_id: 'acc-1', amount: gbp(1_000) });
  book.release({ request_id: 'reversal:r1', authorization_id: 'a1', account_id: 'acc-1', amount: gbp(300) });
  book.post({ request_id: 'advice:a1', authorization_id: 'a1', account_id: 'acc-1', amount: gbp(1_000), kind: 'advice' });
  book.hold({ request_id: 'hold:a2', authorization_id: 'a2', account_id: 'acc-2', amount: gbp(900) });
  book.release({ request_id: 'reversal:r2', authorization_id: 'a2', account_id: 'acc-2', amount: gbp(100) });
  book.post({ request_id: 'advice:a2', authorization_id: 'a2', account_id: 'acc-2', amount: gbp(1_500), kind: 'advice' });
  book.post({ request_id: 'advice:p1', authorization_id: 'p1', account_id: 'acc-1', amount: gbp(400), kind: 'advice' });
  book.release({ request_id: 'reversal:r3', authorization_id: 'p1', account_id: 'acc-1', amount: gbp(150) });
  book.hold({ request_id: 'hold:d1', authorization_id: 'd1', account_id: 'acc-1', amount: gbp(200) });
  book.release({ request_id: 'reversal:r4', authorization_id: 'd1', account_id: 'acc-1', amount: gbp(120) });
  extra?.(book);
  const journal = book.journalPage(0, 10_000).entries;
  const accounts = seeds.map((s) => book.account(s.id) as AccountView);
  return { journal, accounts, book };
}

const history = [auth('a1', 'approved'), auth('a2', 'approved', 'acc-2'), auth('p1', 'standin_approved'), auth('d1', 'declined')];

/** One checker over the ledger's journal and views, through the composer. */
function judge(checker: Checker, journal: JournalEntry[], accounts: AccountView[] = []) {
  return runChecks({ history, journal, accounts, feedBalances: null, advicesPending: [] }, [checker]).invariants[0];
}
const checkDoubleEntry = (journal: JournalEntry[]) => judge(new DoubleEntryCheck(), journal);
const checkBalances = (journal: JournalEntry[], accounts: AccountView[]) => judge(new BalancesCheck(), journal, accounts);

test('partial reversals and three-leg captures keep double entry, balances and no-negative valid', () => {
  const { journal, accounts } = ledgerRun((book) =>
    book.release({ request_id: 'reversal:r5', authorization_id: 'd1', account_id: 'acc-1', amount: gbp(80) }),
  );
  assert.equal(journal.filter((e) => e.kind === 'capture' && e.legs.length === 3).length, 2);
  const doubleEntry = checkDoubleEntry(journal);
  assert.equal(doubleEntry.validity, 'valid', doubleEntry.detail);
  const balances = checkBalances(journal, accounts);
  assert.equal(balances.validity, 'valid', balances.detail);
  const noNegative = judge(new NoNegativeCheck(), journal, accounts);
  assert.equal(noNegative.validity, 'valid', noNegative.detail);
  assert.match(noNegative.detail, /1 accounts overdrawn by advices \(allowed\)/);
  const holds = judge(new ExactlyOnceHoldsCheck(), journal);
  assert.equal(holds.validity, 'valid', holds.detail);
});

test('the tally counts what is still held by amount: a partial release of a declined hold leaves it held', () => {
  const { journal } = ledgerRun();
  const tally = AuthorizationTally.fromJournal(journal);
  assert.equal(tally.heldAmount('a1'), 0);
  assert.equal(tally.heldAmount('a2'), 0);
  assert.equal(tally.heldAmount('p1'), 0);
  assert.equal(tally.heldAmount('d1'), 80);
  const r = judge(new ExactlyOnceHoldsCheck(), journal);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, ['d1']);
  assert.match(r.detail, /declined but still held \(d1\)/);
});

test('a capture whose third leg is wrong is caught by double-entry and balances', () => {
  const { journal, accounts } = ledgerRun();
  const capture = journal.find((e) => e.kind === 'capture' && e.authorization_id === 'a1') as JournalEntry;
  // Books the difference to settlement instead of available: still sums to zero, but not a capture's legs.
  capture.legs = capture.legs.map((leg) => (leg.book.endsWith(':available') ? { book: 'settlement', amount: leg.amount } : leg));
  const r = checkDoubleEntry(journal);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, ['advice:a1']);
  // A capture recorded as consuming the whole advice amount from held: the recomputed holds differ.
  const { journal: j2, accounts: a2 } = ledgerRun();
  const c2 = j2.find((e) => e.kind === 'capture' && e.authorization_id === 'a1') as JournalEntry;
  c2.legs = [
    { book: 'acct:acc-1:held', amount: -1_000 },
    { book: 'settlement', amount: 1_000 },
  ];
  assert.deepEqual(checkBalances(j2, a2).offending, ['acc-1']);
  assert.equal(checkBalances(journal, accounts).validity, 'valid');
});
