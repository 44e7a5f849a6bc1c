import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountView, JournalEntry } from '../../services/ledger/contract.ts';
import { BalancesCheck } from '../../harness/checkers/balances.ts';
import { entry, judge, world } from './fixtures.ts';

function checkBalances(journal: JournalEntry[], accounts: AccountView[]) {
  return judge(new BalancesCheck(), { ...world(), journal, accounts });
}

test('balances: views equal to the journal replay are valid', () => {
  const w = world();
  const r = checkBalances(w.journal, w.accounts);
  assert.equal(r.name, 'balances');
  assert.equal(r.validity, 'valid', r.detail);
});

test('balances: a balance off by one is invalid, naming the account', () => {
  const w = world();
  w.accounts[0] = { ...w.accounts[0], available: 8999, balance: 9999 };
  const r = checkBalances(w.journal, w.accounts);
  assert.equal(r.validity, 'invalid');
  assert.deepEqual(r.offending, ['acc-1']);
  assert.match(r.detail, /acc-1: journal available 9000 vs 8999/);
});

test('balances: holds that disagree are invalid', () => {
  const w = world();
  w.accounts[1] = { ...w.accounts[1], holds: 0 };
  assert.deepEqual(checkBalances(w.journal, w.accounts).offending, ['acc-2']);
});

test('balances: without opening entries the view\'s opening balance is the start', () => {
  const w = world();
  const r = checkBalances(w.journal.filter((e) => e.kind !== 'opening'), w.accounts);
  assert.equal(r.validity, 'valid', r.detail);
});

test('balances: an account in the journal that was not read makes the result unknown', () => {
  const w = world();
  w.journal.push(entry(8, 'opening', 'acc-3', 100, null));
  const r = checkBalances(w.journal, w.accounts);
  assert.equal(r.validity, 'unknown');
  assert.equal(r.ok, false);
  assert.match(r.detail, /in the journal but not read from the ledger \(acc-3\)/);
});
