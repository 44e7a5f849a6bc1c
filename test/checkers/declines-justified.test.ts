// declines-justified: each reason code justified by the book, and contradicted by it; the counts by reason,
// hop and fault window that go into summary.json; a run without a clock; the journal replay stays linear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountSeed } from '../../services/common/accounts.ts';
import type { AccountView, JournalEntry, JournalKind } from '../../services/ledger/contract.ts';
import type { HistoryRecord } from '../../harness/history/record.ts';
import { runChecks, type CheckInput } from '../../harness/checkers/index.ts';
import { DeclinesJustifiedCheck } from '../../harness/checkers/declines-justified.ts';
import { expectedLegs } from '../../harness/checkers/books.ts';
import type { DeclineSummary, InvariantResult } from '../../harness/summary/types.ts';
import { auth } from './fixtures.ts';

const T0 = 1_700_000_000_000;
const SEEDS: AccountSeed[] = [
  { id: 'acc-1', currency: 'GBP', opening_balance: 10_000, card_token: 'tok_aaaa', card_last4: '1111' },
  { id: 'acc-2', currency: 'GBP', opening_balance: 500, card_token: 'tok_bbbb', card_last4: '2222' },
];

let seq = 0;
/** A journal entry committed `atMs` after the history's t = 0. */
function at(atMs: number, kind: JournalKind, account_id: string, amount: number, authorization_id: string | null): JournalEntry {
  const e: JournalEntry = { seq: ++seq, kind, request_id: `${kind}-${seq}`, authorization_id, account_id, amount, currency: 'GBP', legs: [], at: T0 + atMs };
  e.legs = expectedLegs(e) ?? [];
  return e;
}

function openings(): JournalEntry[] {
  seq = 0;
  return [at(-5000, 'opening', 'acc-1', 10_000, null), at(-5000, 'opening', 'acc-2', 500, null)];
}

/** An issuer decline sent at `sent` and answered at `answered` (history ms). */
function decline(id: string, reason: string | undefined, account: string, amount: number, sent: number, answered: number, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  return auth(id, 'declined', account, {
    amount,
    reason,
    issuer_decision: 'declined',
    intended_ms: sent,
    sent_ms: sent,
    latency_ms: answered - sent,
    attempts: 1,
    card_token: account === 'acc-1' ? 'tok_aaaa' : 'tok_bbbb',
    card_last4: account === 'acc-1' ? '1111' : '2222',
    ...extra,
  });
}

function views(): AccountView[] {
  return SEEDS.map((s) => ({ account_id: s.id, currency: s.currency, opening_balance: s.opening_balance, balance: 0, available: 0, holds: 0, version: 0 }));
}

function check(history: HistoryRecord[], journal: JournalEntry[], extra: Partial<CheckInput> = {}): { result: InvariantResult; declines: DeclineSummary } {
  const input: CheckInput = {
    history,
    journal,
    accounts: views(),
    feedBalances: null,
    advicesPending: [],
    seeds: SEEDS,
    trafficClock: { start_epoch_ms: T0, slack_ms: 5 },
    standIn: { enabled: true, limit_per_card: 1000 },
    ...extra,
  };
  const report = runChecks(input, [new DeclinesJustifiedCheck()]);
  const declines = report.figures.declines;
  assert.ok(declines, 'the checker adds its declines to the summary');
  return { result: report.invariants[0] as InvariantResult, declines };
}

/** The ids the book contradicts. */
const falseIds = (r: { result: InvariantResult }): string[] => [...r.result.offending].sort();

test('insufficient_funds: justified when the journal shows the balance below the amount in the request\'s life, false when it never does', () => {
  const journal = [
    ...openings(),
    at(100, 'hold', 'acc-2', 400, 'h1'), // acc-2 available 500 -> 100
    at(300, 'release', 'acc-2', 400, 'h1'), // back to 500
    at(500, 'hold', 'acc-2', 450, 'h2'), // a dip to 50 ...
    at(510, 'release', 'acc-2', 450, 'h2'), // ... for 10 ms
  ];
  const history = [
    decline('before-hold', 'insufficient_funds', 'acc-2', 200, 50, 60), // available 500 throughout: false
    decline('after-hold', 'insufficient_funds', 'acc-2', 200, 150, 160), // available 100: justified
    decline('spans-release', 'insufficient_funds', 'acc-2', 200, 250, 350), // 100 at its start: justified
    decline('after-release', 'insufficient_funds', 'acc-2', 200, 400, 420), // 500: false
    decline('the-dip', 'insufficient_funds', 'acc-2', 300, 490, 520), // 50 inside its window: justified
    decline('after-dip', 'insufficient_funds', 'acc-2', 300, 530, 560), // 500 again: false
    decline('slack', 'insufficient_funds', 'acc-2', 200, 90, 97), // answered 3 ms before the hold's commit: within the slack
    decline('rich', 'insufficient_funds', 'acc-1', 200, 10, 20), // 10 000 available: false
    decline('no-account', 'insufficient_funds', 'acc-999', 200, 10, 20), // not a seeded account: false
  ];
  const r = check(history, journal);
  assert.equal(r.result.validity, 'invalid', r.result.detail);
  assert.deepEqual(falseIds(r), ['after-dip', 'after-release', 'before-hold', 'no-account', 'rich']);
  const first = new Map(r.declines.false_declines.first.map((f) => [f.id, f]));
  assert.equal(first.get('before-hold')?.lowest_available, 500);
  assert.equal(first.get('rich')?.lowest_available, 10_000);
  assert.match(first.get('rich')?.why ?? '', /available never below 200 from its send to its answer \(lowest 10000\)/);
  assert.match(first.get('no-account')?.why ?? '', /not a seeded account/);
  assert.match(r.result.detail, /^5 false declines of 9: by reason insufficient_funds 5; by hop processor->ledger 5; by fault \(none\) 5 \[/);
  assert.match(r.result.detail, /before-hold insufficient_funds on acc-2 for 200 GBP: available never below 200/);

  // The same declines on a book where the holds stayed: every one justified (acc-1's and acc-999's aside).
  const sound = check(history.filter((h) => h.account_id === 'acc-2'), [...openings(), at(0, 'hold', 'acc-2', 450, 'h1')]);
  assert.equal(sound.result.validity, 'valid', sound.result.detail);
  assert.equal(sound.declines.false_declines.total, 0);
});

test('an id answered twice (a retransmission replays its first answer) is judged over its whole life', () => {
  const journal = [...openings(), at(100, 'hold', 'acc-2', 400, 'h1'), at(300, 'release', 'acc-2', 400, 'h1')];
  const history = [
    decline('again', 'insufficient_funds', 'acc-2', 200, 150, 160), // decided while acc-2 had 100
    decline('again', 'insufficient_funds', 'acc-2', 200, 400, 420), // the replayed answer, after acc-2 was back at 500
  ];
  const r = check(history, journal);
  assert.equal(r.result.validity, 'valid', r.result.detail);
  assert.equal(r.declines.total, 2, 'counted per answer, as the outcome counts are');
  assert.deepEqual(r.declines.by_reason, { insufficient_funds: 2 });
});

test('unknown_account, currency_mismatch and card_mismatch: judged against the seeded accounts', () => {
  const history = [
    decline('unknown-ok', 'unknown_account', 'acc-404', 100, 0, 5),
    decline('unknown-bad', 'unknown_account', 'acc-1', 100, 0, 5),
    decline('currency-ok', 'currency_mismatch', 'acc-1', 100, 0, 5, { currency: 'EUR' }),
    decline('currency-bad', 'currency_mismatch', 'acc-1', 100, 0, 5),
    decline('card-ok', 'card_mismatch', 'acc-1', 100, 0, 5, { card_token: 'tok_zzzz', attempts: 0 }),
    decline('card-bad', 'card_mismatch', 'acc-1', 100, 0, 5, { attempts: 0 }), // the account's own card
    decline('card-by-last4', 'card_mismatch', 'acc-1', 100, 0, 5, { card_token: undefined, card_last4: '9999' }),
  ];
  const r = check(history, openings());
  assert.deepEqual(falseIds(r), ['card-bad', 'currency-bad', 'unknown-bad']);
  assert.deepEqual(r.declines.false_declines.by_reason, { unknown_account: 1, currency_mismatch: 1, card_mismatch: 1 });
  // A card decline is the processor's own (no ledger); the others are the ledger's answers.
  assert.deepEqual(r.declines.false_declines.by_hop, { processor: 1, 'processor->ledger': 2 });
  assert.deepEqual(r.declines.by_reason, { unknown_account: 2, currency_mismatch: 2, card_mismatch: 3 });
  assert.equal(r.declines.total, 7);
  const why = Object.fromEntries(r.declines.false_declines.first.map((f) => [f.id, f.why]));
  assert.match(why['unknown-bad'] ?? '', /acc-1 is a seeded account/);
  assert.match(why['currency-bad'] ?? '', /GBP is the account's currency/);
  assert.match(why['card-bad'] ?? '', /the card is the account's card/);
  // Nothing in the summary names a card: no token, no PAN.
  assert.doesNotMatch(JSON.stringify(r.declines), /tok_/);

  // Without a recorded token and with the account's last four, the card cannot be judged: unknown, not valid.
  const blind = check([decline('card-blind', 'card_mismatch', 'acc-1', 100, 0, 5, { card_token: undefined })], openings());
  assert.equal(blind.result.validity, 'unknown');
  assert.match(blind.result.detail, /1 could not be judged: card-blind \(card_mismatch: the history recorded no card token\)/);
});

test('reversed: justified by a reversal sent before the decline was answered', () => {
  const reversal = (authorization_id: string, sent: number): HistoryRecord => ({
    id: `rev-${authorization_id}`,
    kind: 'reversal',
    account_id: 'acc-1',
    authorization_id,
    amount: 100,
    currency: 'GBP',
    intended_ms: sent,
    sent_ms: sent,
    latency_ms: 3,
    outcome: 'ok',
    status: 200,
    reason: 'nothing_to_reverse',
    faults: [],
    late: false,
  });
  const history = [
    reversal('overtaken', 10), // sent before its authorization: the ledger remembers it
    decline('overtaken', 'reversed', 'acc-1', 100, 12, 30),
    decline('late-reversal', 'reversed', 'acc-1', 100, 12, 30),
    reversal('late-reversal', 500), // recorded after the decline, sent after its answer
    decline('no-reversal', 'reversed', 'acc-1', 100, 12, 30),
    { ...reversal('dropped', 0), dropped: true }, // never sent
    decline('dropped', 'reversed', 'acc-1', 100, 12, 30),
  ];
  const r = check(history, openings());
  assert.deepEqual(falseIds(r), ['dropped', 'late-reversal', 'no-reversal']);
  const why = Object.fromEntries(r.declines.false_declines.first.map((f) => [f.id, f.why]));
  assert.match(why['late-reversal'] ?? '', /sent at 500 ms, after the answer at 30 ms/);
  assert.match(why['no-reversal'] ?? '', /no reversal was sent/);
});

test('no reason, or a reason outside the contract: a false decline', () => {
  const r = check(
    [
      decline('silent', undefined, 'acc-2', 100, 0, 5),
      decline('made-up', 'bad_answer', 'acc-2', 100, 0, 5),
      decline('empty', '', 'acc-2', 100, 0, 5, { attempts: 0 }),
    ],
    openings(),
  );
  assert.deepEqual(falseIds(r), ['empty', 'made-up', 'silent']);
  assert.deepEqual(r.declines.by_reason, { '(none)': 2, bad_answer: 1 });
  const why = Object.fromEntries(r.declines.false_declines.first.map((f) => [f.id, f.why]));
  assert.match(why['silent'] ?? '', /without a reason code/);
  assert.match(why['made-up'] ?? '', /"bad_answer" is not a reason code of the contract/);
  assert.deepEqual(r.declines.false_declines.by_hop, { 'processor->ledger': 2, processor: 1 }, 'the ledger was asked (attempts 1) or not (0)');
});

test('false declines are counted by fault window; declines by reason show when none is false', () => {
  const journal = [...openings(), at(0, 'hold', 'acc-2', 450, 'h1')];
  const r = check(
    [
      decline('in-a', 'insufficient_funds', 'acc-1', 100, 1000, 1010, { faults: ['ledger-latency'] }),
      decline('in-both', 'insufficient_funds', 'acc-1', 100, 1000, 1010, { faults: ['ledger-latency', 'dns'] }),
      decline('quiet', 'insufficient_funds', 'acc-1', 100, 1000, 1010),
      decline('fine', 'insufficient_funds', 'acc-2', 100, 1000, 1010, { faults: ['dns'] }),
    ],
    journal,
  );
  assert.deepEqual(r.declines.false_declines.by_fault, { 'ledger-latency': 2, dns: 1, '(none)': 1 });
  assert.equal(r.declines.false_declines.total, 3);
  assert.deepEqual(r.declines.false_declines.first.map((f) => f.faults), [['ledger-latency'], ['ledger-latency', 'dns'], []]);

  const sound = check([decline('fine', 'insufficient_funds', 'acc-2', 100, 1000, 1010), decline('unknown', 'unknown_account', 'acc-404', 1, 0, 1)], journal);
  assert.equal(sound.result.validity, 'valid');
  assert.deepEqual(sound.declines, {
    total: 2,
    by_reason: { insufficient_funds: 1, unknown_account: 1 },
    standin_declined: 0,
    false_declines: { total: 0, by_reason: {}, by_hop: {}, by_fault: {}, first: [] },
  });
  assert.match(sound.result.detail, /^2 issuer declines \(insufficient_funds 1, unknown_account 1\), 0 stand-in declines: 0 false declines/);
  const none = check([], journal);
  assert.equal(none.result.validity, 'valid');
  assert.match(none.result.detail, /0 issuer declines, 0 stand-in declines: nothing to justify/);
});

test('stand-in declines: justified over the per-card limit, false within it or with stand-in off', () => {
  const standin = (id: string, outcome: 'standin_approved' | 'standin_declined', token: string, amount: number): HistoryRecord =>
    auth(id, outcome, token === 'tok_aaaa' ? 'acc-1' : 'acc-2', { amount, card_token: token, error: { hop: 'processor->ledger', cause: 'timeout' }, faults: ['ledger-latency'] });
  const history = [
    standin('s1', 'standin_approved', 'tok_aaaa', 800),
    standin('over', 'standin_declined', 'tok_aaaa', 300), // 800 + 300 > 1000
    standin('within', 'standin_declined', 'tok_bbbb', 300), // 0 + 300 <= 1000
  ];
  const r = check(history, openings());
  assert.deepEqual(falseIds(r), ['within']);
  assert.equal(r.declines.standin_declined, 2);
  assert.equal(r.declines.total, 0, 'stand-in declines are the network\'s, not the issuer\'s');
  assert.deepEqual(r.declines.false_declines.by_reason, { standin_declined: 1 });
  assert.deepEqual(r.declines.false_declines.by_hop, { network: 1 });
  assert.match(r.declines.false_declines.first[0]?.why ?? '', /stand-in approvals \(0 over the whole run\) plus 300 stay within its limit 1000/);

  const off = check(history, openings(), { standIn: { enabled: false, limit_per_card: 1000 } });
  assert.deepEqual(falseIds(off), ['over', 'within']);
});

test('without a traffic clock the book is read over the whole run (after the openings); the ledger\'s views stand in for the seeds', () => {
  const journal = [...openings(), at(100, 'hold', 'acc-2', 400, 'h1'), at(300, 'release', 'acc-2', 400, 'h1')];
  // Sent long after acc-2 was back at 500: with a clock, false; without one, the dip to 100 justifies it.
  const history = [decline('any-time', 'insufficient_funds', 'acc-2', 200, 5000, 5010)];
  assert.equal(check(history, journal).result.validity, 'invalid');
  const r = check(history, journal, { trafficClock: undefined, seeds: undefined });
  assert.equal(r.result.validity, 'valid', r.result.detail);
  assert.match(r.result.detail, /no traffic clock: insufficient funds judged over the whole run/);
  // Before its opening entry an account is at 0: that is not a moment of the run.
  assert.equal(check([decline('fresh', 'insufficient_funds', 'acc-2', 450, 0, 1)], openings(), { trafficClock: undefined }).result.validity, 'invalid');
  const rich = check([decline('rich', 'insufficient_funds', 'acc-1', 200, 0, 10)], journal, { trafficClock: undefined, seeds: undefined });
  assert.deepEqual(falseIds(rich), ['rich']);
  assert.match(rich.declines.false_declines.first[0]?.why ?? '', /available never below 200 at any moment of the run \(lowest 10000\)/);
  // A ledger without opening entries: the opening balance comes from the account.
  const noOpenings = check([decline('rich', 'insufficient_funds', 'acc-1', 200, 0, 10)], []);
  assert.equal(noOpenings.declines.false_declines.first[0]?.lowest_available, 10_000);
});

test('the journal replay is linear: 300,000 entries and 15,000 declines on 100 accounts without scanning every decline per entry', () => {
  seq = 0;
  const accounts: AccountSeed[] = Array.from({ length: 100 }, (_, i) => ({ id: `acc-${i}`, currency: 'GBP', opening_balance: 1000, card_token: `tok_${i}`, card_last4: '0000' }));
  const journal: JournalEntry[] = accounts.map((a) => at(-1000, 'opening', a.id, 1000, null));
  const history: HistoryRecord[] = [];
  // Every account holds 600 then releases it, over and over: available swings 1000 -> 400 -> 1000. A decline for
  // 700 sent in each dip is justified; one for 300 is not (the balance never drops below 400).
  for (let k = 0; k < 1500; k++) {
    for (const a of accounts) {
      const t = k * 10;
      journal.push(at(t + 1, 'hold', a.id, 600, `h-${a.id}-${k}`), at(t + 6, 'release', a.id, 600, `h-${a.id}-${k}`));
      if (k % 10 === 0) history.push(decline(`d-${a.id}-${k}`, 'insufficient_funds', a.id, k % 20 === 0 ? 700 : 300, t + 2, t + 3));
    }
  }
  const started = performance.now();
  const r = check(history, journal, { seeds: accounts, trafficClock: { start_epoch_ms: T0, slack_ms: 0 } });
  const ms = performance.now() - started;
  assert.equal(journal.length, 300_100);
  assert.equal(r.declines.total, 15_000);
  assert.equal(r.declines.false_declines.total, 7500, 'the 300s: the balance never went below 400');
  // About 1 s on a loaded 2-core machine; a pass that scanned every pending decline per entry (4.5e9 steps) would take minutes.
  assert.ok(ms < 30_000, `took ${Math.round(ms)} ms`);
});
