import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedAccounts } from '../../../services/common/accounts.ts';
import { authorizationRequestSchema, reversalRequestSchema } from '../../../services/card-processor/contract.ts';
import { Ajv } from 'ajv';
import { authorizationStream, planTraffic } from '../../../harness/traffic/requests/generator.ts';
import type { PlannedRequest } from '../../../harness/traffic/requests/planned-request.ts';
import { merchantPool, MCC_TABLE } from '../../../harness/traffic/requests/merchants.ts';
import { drawAmount } from '../../../harness/traffic/requests/amounts.ts';
import { createRng } from '../../../services/common/random.ts';
import { traffic } from '../helpers.ts';

const accounts = seedAccounts(7, 500);

function first(n: number, seed: number, spec = traffic({ rate: 1000, duration_s: 10 })): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  for (const r of planTraffic({ seed, traffic: spec, accounts })) {
    out.push(r);
    if (out.length === n) break;
  }
  return out;
}

test('same seed gives the same requests, byte for byte (first 2,000)', () => {
  const a = JSON.stringify(first(2000, 42));
  const b = JSON.stringify(first(2000, 42));
  assert.equal(a.length > 100_000, true);
  assert.equal(a, b);
  // The plan is re-iterable: a second pass over the same plan object starts again from the seed.
  const plan = planTraffic({ seed: 42, traffic: traffic({ rate: 1000, duration_s: 2 }), accounts });
  assert.equal(JSON.stringify([...plan]), JSON.stringify([...plan]));
});

test('a different seed gives different requests', () => {
  const a = first(2000, 42);
  const b = first(2000, 43);
  assert.notEqual(JSON.stringify(a), JSON.stringify(b));
  const bodies = (rs: PlannedRequest[]) => rs.filter((r) => r.kind === 'authorization').map((r) => JSON.stringify({ ...r.body, id: '' }));
  const overlap = new Set(bodies(a));
  const same = bodies(b).filter((x) => overlap.has(x)).length;
  assert.ok(same < 20, `too many identical bodies across seeds: ${same}`);
});

test('evenly spaced arrivals at the rate, bounded by the duration', () => {
  const plan = [...planTraffic({ seed: 1, traffic: traffic({ rate: 400, duration_s: 2.5 }), accounts })];
  assert.equal(plan.length, 1000);
  plan.forEach((r, i) => assert.equal(r.offset_ms, i * 2.5));
  assert.ok(plan.every((r) => r.offset_ms < 2500));
  const capped = [...planTraffic({ seed: 1, traffic: traffic({ rate: 400, duration_s: 60 }), accounts, maxRequests: 10 })];
  assert.equal(capped.length, 10);
  // rate and durationS override the spec
  assert.equal([...planTraffic({ seed: 1, traffic: traffic(), accounts, rate: 50, durationS: 2 })].length, 100);
});

test('poisson arrivals: seeded, increasing, mean rate close to the target', () => {
  const opts = { seed: 9, traffic: traffic({ rate: 1000, duration_s: 20 }), accounts, arrivals: 'poisson' as const };
  const a = [...planTraffic(opts)];
  const b = [...planTraffic(opts)];
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  for (let i = 1; i < a.length; i++) assert.ok((a[i] as PlannedRequest).offset_ms >= (a[i - 1] as PlannedRequest).offset_ms);
  assert.ok(Math.abs(a.length - 20_000) < 600, `poisson count ${a.length}`);
  const gaps = a.slice(1).map((r, i) => r.offset_ms - (a[i] as PlannedRequest).offset_ms);
  assert.ok(gaps.some((g) => g > 3) && gaps.some((g) => g < 0.1), 'gaps should be exponential, not even');
});

test('kinds follow the mix; bodies satisfy the processor schemas; cards come from the account', () => {
  const spec = traffic({ rate: 1000, duration_s: 20, mix: { authorizations: 0.7, reversals: 0.1, balance: 0.1, feed: 0.1 } });
  const plan = [...planTraffic({ seed: 3, traffic: spec, accounts })];
  const counts = { authorization: 0, reversal: 0, balance: 0, feed: 0, conflicting_retry: 0 };
  for (const r of plan) counts[r.kind]++;
  assert.equal(counts.conflicting_retry, 0, 'no conflicting retries unless the traffic asks for them');
  const n = plan.length;
  assert.ok(Math.abs(counts.balance / n - 0.1) < 0.01, `balance share ${counts.balance / n}`);
  assert.ok(Math.abs(counts.feed / n - 0.1) < 0.01, `feed share ${counts.feed / n}`);
  // Reversals start once authorizations are old enough; until then their share goes to authorizations.
  assert.ok(counts.reversal / n > 0.07 && counts.reversal / n < 0.11, `reversal share ${counts.reversal / n}`);
  const ajv = new Ajv({ strict: false });
  const validAuth = ajv.compile(authorizationRequestSchema);
  const validRev = ajv.compile(reversalRequestSchema);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const ids = new Set<string>();
  for (const r of plan) {
    if (r.kind === 'authorization') {
      assert.ok(validAuth(r.body), JSON.stringify(validAuth.errors));
      const acc = byId.get(r.body.account_id);
      assert.ok(acc);
      assert.equal(r.body.card.token, acc.card_token);
      assert.equal(r.body.card.last4, acc.card_last4);
      assert.ok(!('pan' in r.body.card) && Object.keys(r.body.card).length === 2);
      assert.equal(r.body.id, `auth-3-${plan.indexOf(r)}`);
      ids.add(r.body.id);
    } else if (r.kind === 'reversal') {
      assert.ok(validRev(r.body), JSON.stringify(validRev.errors));
    } else if (r.kind === 'balance' || r.kind === 'feed') {
      assert.ok(byId.has(r.account_id));
      assert.match(r.id, r.kind === 'balance' ? /^bal-3-\d+$/ : /^feed-3-\d+$/);
    }
  }
  assert.equal(ids.size, counts.authorization);
});

test('a reversal refers to an earlier authorization, same account and amount, at most once', () => {
  const plan = [...planTraffic({ seed: 5, traffic: traffic({ rate: 500, duration_s: 30, mix: { authorizations: 0.8, reversals: 0.2, balance: 0, feed: 0 } }), accounts, reversalMinAgeMs: 1000 })];
  const auths = new Map<string, { offset: number; account: string; value: number; currency: string }>();
  const reversed = new Set<string>();
  let reversals = 0;
  for (const r of plan) {
    if (r.kind === 'authorization') auths.set(r.body.id, { offset: r.offset_ms, account: r.body.account_id, value: r.body.amount.value, currency: r.body.amount.currency });
    if (r.kind === 'reversal') {
      reversals++;
      const a = auths.get(r.body.authorization_id);
      assert.ok(a, `reversal ${r.body.id} refers to an unknown authorization`);
      assert.equal(r.body.account_id, a.account);
      assert.equal(r.body.amount.value, a.value);
      assert.equal(r.body.amount.currency, a.currency);
      assert.ok(r.offset_ms - a.offset >= 1000, 'reversal sent before its authorization is old enough');
      assert.ok(!reversed.has(r.body.authorization_id), 'reversed twice');
      reversed.add(r.body.authorization_id);
    }
  }
  assert.ok(reversals > 1000);
  assert.equal(plan.slice(0, 500).some((r) => r.kind === 'reversal'), false, 'no reversal in the first second');
});

test('amounts: integer minor units, log-normal around the median, clamped to [min, max]', () => {
  const spec = { currency: 'GBP', median: 1800, min: 100, max: 20_000 };
  const rng = createRng(11);
  const values = Array.from({ length: 20_000 }, () => drawAmount(rng, spec)).sort((a, b) => a - b);
  assert.ok(values.every((v) => Number.isInteger(v) && v >= 100 && v <= 20_000));
  const median = values[10_000] as number;
  assert.ok(median > 1600 && median < 2000, `median ${median}`);
  assert.ok(values.filter((v) => v === 20_000).length > 0, 'the tail reaches max and is clamped');
  assert.ok(values.filter((v) => v === 100).length > 0, 'the head reaches min and is clamped');
  const plan = [...planTraffic({ seed: 2, traffic: traffic({ rate: 1000, duration_s: 5, amounts: { currency: 'EUR', median: 5000, min: 50, max: 9000 } }), accounts })];
  for (const r of plan) if (r.kind === 'authorization') {
    assert.equal(r.body.amount.currency, 'EUR');
    assert.ok(r.body.amount.value >= 50 && r.body.amount.value <= 9000);
  }
});

test('merchant pool: sized, seeded, realistic codes, untrusted names kept as they are', () => {
  const a = merchantPool(1, 300);
  assert.equal(a.length, 300);
  assert.deepEqual(merchantPool(1, 300), a);
  assert.notDeepEqual(merchantPool(2, 300), a);
  const codes = new Set(MCC_TABLE.map((e) => e.mcc));
  assert.ok(a.every((m) => codes.has(m.mcc) && /^[A-Z]{2}$/.test(m.country) && m.name.length > 0 && m.name.length <= 200));
  assert.ok(new Set(a.map((m) => m.mcc)).size > 10, 'a spread of merchant kinds');
  assert.ok(a.filter((m) => m.country === 'GB').length > 200, 'mostly UK merchants');
  assert.ok(a.some((m) => /['&*-]/.test(m.name)), 'names carry punctuation, untouched');
  // Only the pool's merchants appear in traffic, and ATMs are only used on the atm channel.
  const plan = [...planTraffic({ seed: 1, traffic: traffic({ rate: 1000, duration_s: 5, merchants: 300 }), accounts })];
  const names = new Set(a.map((m) => m.name));
  for (const r of plan) if (r.kind === 'authorization') {
    assert.ok(names.has(r.body.merchant.name));
    if (r.body.merchant.mcc === '6011') assert.equal(r.body.channel, 'atm');
    if (r.body.channel === 'atm') assert.equal(r.body.merchant.mcc, '6011');
  }
});

test('the global faker is never touched (a dedicated seeded instance is used)', async () => {
  const { faker } = await import('@faker-js/faker');
  faker.seed(123);
  const before = faker.number.int();
  faker.seed(123);
  merchantPool(1, 50);
  [...planTraffic({ seed: 1, traffic: traffic({ rate: 100, duration_s: 1 }), accounts })];
  assert.equal(faker.number.int(), before);
});

test('authorizationStream: endless, varied, seeded ids with a prefix', () => {
  const s = authorizationStream({ seed: 4, traffic: traffic(), accounts, idPrefix: 'cap' });
  const bodies = Array.from({ length: 1000 }, () => s.next().value);
  assert.equal(new Set(bodies.map((b) => b.id)).size, 1000);
  assert.equal(bodies[0]?.id, 'cap-4-0');
  assert.ok(new Set(bodies.map((b) => b.amount.value)).size > 300);
  const again = authorizationStream({ seed: 4, traffic: traffic(), accounts, idPrefix: 'cap' });
  assert.deepEqual(again.next().value, bodies[0]);
});

test('bad options are refused', () => {
  assert.throws(() => planTraffic({ seed: 1, traffic: traffic(), accounts: [] }), /at least one account/);
  assert.throws(() => [...planTraffic({ seed: 1, traffic: traffic(), accounts, rate: 0 })], /rate/);
});

test('conflicting retries: the same id later with other content, in time order, the rest of the plan unchanged', () => {
  const plain = [...planTraffic({ seed: 9, traffic: traffic({ rate: 500, duration_s: 10 }), accounts })];
  const withRetries = [...planTraffic({ seed: 9, traffic: traffic({ rate: 500, duration_s: 10, conflicting_retries: 0.05 }), accounts })];
  const retries = withRetries.filter((r) => r.kind === 'conflicting_retry');
  assert.deepEqual(
    withRetries.filter((r) => r.kind !== 'conflicting_retry'),
    plain,
    'the plan without its retries is the plan, byte for byte',
  );
  const auths = plain.filter((r) => r.kind === 'authorization');
  assert.ok(retries.length > auths.length * 0.03 && retries.length < auths.length * 0.07, `${retries.length} retries of ${auths.length}`);
  for (let i = 1; i < withRetries.length; i++) assert.ok((withRetries[i] as PlannedRequest).offset_ms >= (withRetries[i - 1] as PlannedRequest).offset_ms, 'time order');
  const byId = new Map(auths.map((a) => [a.kind === 'authorization' ? a.body.id : '', a]));
  for (const r of retries) {
    if (r.kind !== 'conflicting_retry') continue;
    const original = byId.get(r.body.id);
    assert.ok(original && original.kind === 'authorization', `retry of a planned authorization: ${r.body.id}`);
    const delay = r.offset_ms - original.offset_ms;
    assert.ok(delay >= 300 && delay <= 1500, `delay ${delay}`);
    assert.notDeepEqual(r.body, original.body, 'other content');
    assert.equal(r.original_amount, original.body.amount.value);
    assert.equal(r.original_account_id, original.body.account_id, 'the content it conflicts with, for the checkers');
    const changedAmount = r.body.amount.value !== original.body.amount.value;
    const changedMerchant = r.body.merchant.name !== original.body.merchant.name;
    const changedAccount = r.body.account_id !== original.body.account_id;
    assert.deepEqual(r.changed, changedAmount ? ['amount.value'] : changedMerchant ? ['merchant.name'] : ['account_id', 'card.token', 'card.last4']);
    if (changedAccount) assert.equal(r.body.card.token, accounts.find((a) => a.id === r.body.account_id)?.card_token, 'another account comes with its own card');
  }
  assert.ok(new Set(retries.map((r) => (r.kind === 'conflicting_retry' ? r.changed[0] : ''))).size === 3, 'amount, merchant and account changes all occur');
});
