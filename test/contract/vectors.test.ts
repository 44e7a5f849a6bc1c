// The published seed data (services/contracts/vectors/accounts.json): what the code derives today (stale:
// run `npm run contracts`), and — the point of publishing it — enough for a team to derive the accounts
// without faultline's code: an implementation written here from the README's numbered steps alone (no import
// from services/common) reproduces every vector, and a mistake the README warns about (skipping the card draws
// between the balances) does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { accountVectors, readPublishedVectors, serializeVectors, VECTORS_PATH, type VectorSet } from '../../harness/contract/vectors.ts';
import { CONTRACTS_DIR } from '../../harness/contract/files.ts';

test('the committed vectors are what services/common/accounts.ts derives today (run `npm run contracts` when this fails)', async () => {
  const committed = await readFile(VECTORS_PATH, 'utf8').catch(() => '(missing)');
  assert.ok(committed === serializeVectors(accountVectors()), 'services/contracts/vectors/accounts.json is stale: run `npm run contracts` and commit it');
});

/** The README's derivation, step by step, in unsigned 32-bit arithmetic. */
function fromTheWords(seed: number, count: number, skipCardDraws = false): { stream: number; first: number[]; accounts: Array<Record<string, unknown>> } {
  const u = (x: number): number => x >>> 0;
  const imul = (x: number, y: number): number => u(Math.imul(x, y));
  // 1. FNV-1a over "accounts", U+0000, the seed in decimal.
  let h = 0x811c9dc5;
  for (const ch of `accounts\u0000${seed}`) h = imul(u(h ^ ch.charCodeAt(0)), 0x01000193);
  // 2. splitmix32: four outputs.
  let s = h;
  const mix = (): number => {
    s = u(s + 0x9e3779b9);
    let z = s;
    z = imul(u(z ^ (z >>> 16)), 0x85ebca6b);
    z = imul(u(z ^ (z >>> 13)), 0xc2b2ae35);
    return u(z ^ (z >>> 16));
  };
  let [a, b, c, d] = [mix(), mix(), mix(), mix()];
  // 3. next(), twelve thrown away.
  const nextR = (): number => {
    const t = u(a + b);
    a = u(b ^ (b >>> 9));
    b = u(c + u(c << 3));
    c = u(u(c << 21) | (c >>> 11));
    d = u(d + 1);
    const r = u(t + d);
    c = u(c + r);
    return r;
  };
  const next = (): number => nextR() / 2 ** 32;
  for (let i = 0; i < 12; i++) next();
  const saved = [a, b, c, d];
  const first = [nextR(), nextR(), nextR(), nextR()];
  [a, b, c, d] = saved as [number, number, number, number];
  // 4. int(min, max).
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  // 5, 6. the accounts.
  const accounts: Array<Record<string, unknown>> = [];
  for (let i = 1; i <= count; i++) {
    const bucket = next();
    const opening = bucket < 0.1 ? int(0, 2000) : bucket < 0.8 ? int(20000, 300000) : int(300000, 2000000);
    let token = 'tok_';
    let last4 = '';
    if (!skipCardDraws) {
      for (let k = 0; k < 4; k++) token += int(0, 65535).toString(16).padStart(4, '0');
      last4 = String(int(0, 9999)).padStart(4, '0');
    }
    accounts.push({ id: `acc-${String(i).padStart(6, '0')}`, currency: 'GBP', opening_balance: opening, card_token: token, card_last4: last4 });
  }
  return { stream: h, first, accounts };
}

test('the README derivation alone reproduces every published vector', async () => {
  const vectors = await readPublishedVectors();
  assert.ok(vectors.seeds.length >= 5);
  for (const set of vectors.seeds as VectorSet[]) {
    const derived = fromTheWords(set.seed, vectors.default_account_count);
    assert.equal(derived.stream, set.stream_seed, `seed ${set.seed}: step 1`);
    assert.deepEqual(derived.first, set.first_draws, `seed ${set.seed}: steps 2 and 3`);
    assert.deepEqual(derived.accounts.slice(0, set.accounts.length), set.accounts, `seed ${set.seed}: the first ${set.accounts.length} accounts`);
    assert.deepEqual(derived.accounts[derived.accounts.length - 1], set.last_of_default, `seed ${set.seed}: account ${vectors.default_account_count}`);
  }
});

test('a derivation that skips the card draws gets every balance after the first wrong', async () => {
  const set = (await readPublishedVectors()).seeds.find((s) => s.seed === 1) as VectorSet;
  const wrong = fromTheWords(1, 20, true).accounts;
  assert.equal(wrong[0]?.opening_balance, set.accounts[0]?.opening_balance);
  const same = wrong.slice(1).filter((a, i) => a.opening_balance === set.accounts[i + 1]?.opening_balance).length;
  assert.ok(same <= 2, `${same} of 19 balances happen to agree`);
});

test('the README states the derivation the vectors file carries, step by step', async () => {
  const readme = await readFile(`${CONTRACTS_DIR}README.md`, 'utf8');
  for (const fact of ['0x811c9dc5', '0x01000193', '0x9e3779b9', '0x85ebca6b', '0xc2b2ae35', '(b >>> 9)', '(c << 21) | (c >>> 11)', '12 times', 'int(20000, 300000)', 'int(300000, 2000000)', 'int(0, 65535)', 'int(0, 9999)', 'vectors/accounts.json']) {
    assert.ok(readme.includes(fact), `services/contracts/README.md states ${fact}`);
  }
});
