// The card processor's payment rules, each on a rules account with small amounts: a reversal in another
// currency or for more than was authorized is refused; a partial one releases exactly its amount (the
// rest stays reversible, and — when faultline runs the ledger behind it — the balances move by exactly that
// much); an advice in another currency is refused, is posted even into overdraft, captures the
// authorization's hold and is posted once; a reversal that overtakes its authorization is remembered.
import type { AccountSeed } from '../../../services/common/accounts.ts';
import * as b from './bodies.ts';
import type { Balances } from './observer.ts';
import { describeAnswer, type Rule, type RuleRun } from './rule-run.ts';
import type { CheckContext } from './types.ts';

export function processorRules(ctx: CheckContext): Rule[] {
  const steps = processorSteps(ctx);
  return [...reversalRules(steps), ...adviceRules(ctx, steps)];
}

/** The helpers every processor rule uses: rules accounts, ids, an approved authorization, a reversal. */
function processorSteps(ctx: CheckContext) {
  const account = (i: number): AccountSeed => ctx.accounts.rules[i % ctx.accounts.rules.length] as AccountSeed;
  const newId = (kind: string): string => ctx.ids.next(kind);
  const inOwn = (a: AccountSeed, value: number): b.Money => b.money(value, a.currency);

  const authorize = async (r: RuleRun, a: AccountSeed, value: number, id = newId('rule-auth')): Promise<string> => {
    const ex = await r.send('POST /v1/authorizations', { body: b.authorization({ id, account: a, amount: inOwn(a, value) }) });
    const body = r.expect(ex, 200, `setting up: an authorization of ${value} on ${a.id}`);
    r.check(body.decision === 'approved', `setting up: an authorization of ${value} on ${a.id} was ${describeAnswer(body)}, expected approved (is ${a.id} seeded with ${a.opening_balance}?)`, ex);
    return id;
  };
  const reverse = (r: RuleRun, a: AccountSeed, auth: string, amount: b.Money) => r.send('POST /v1/reversals', { body: b.reversal({ id: newId('rule-rev'), authorizationId: auth, account: a, amount }) });
  const released = async (r: RuleRun, a: AccountSeed, auth: string, value: number, what: string): Promise<void> => {
    const ex = await reverse(r, a, auth, inOwn(a, value));
    const body = r.expect(ex, 200, what);
    const amount = body.amount !== null && typeof body.amount === 'object' && !Array.isArray(body.amount) ? body.amount.value : undefined;
    r.check(body.result === 'released' && amount === value, `${what}: expected result released with amount ${value}, got ${describeAnswer(body)}`, ex);
  };
  /** The account as the ledger behind the processor shows it, when faultline runs that ledger. */
  const balances = async (a: AccountSeed): Promise<Balances | null> => (ctx.ledger ? ctx.ledger.balances(a.id) : null);

  return { account, newId, inOwn, authorize, reverse, released, balances };
}

type ProcessorSteps = ReturnType<typeof processorSteps>;

/** Reversals: another currency, too much, part of an authorization. */
function reversalRules({ account, inOwn, authorize, reverse, released, balances }: ProcessorSteps): Rule[] {
  return [
    {
      subject: 'a reversal in another currency is refused',
      async run(r) {
        const a = account(0);
        const auth = await authorize(r, a, 1500);
        const other = b.otherCurrency(a.currency);
        r.expectRefusal(await reverse(r, a, auth, b.money(1500, other)), 422, ['currency_mismatch'], `a reversal of the ${a.currency} authorization in ${other}`);
        await released(r, a, auth, 1500, 'then the whole amount in its own currency (nothing moved before)');
        return `422 for ${other} against a ${a.currency} authorization; the whole amount was still held`;
      },
    },
    {
      subject: 'a reversal over the authorized amount is refused',
      async run(r) {
        const a = account(1);
        const auth = await authorize(r, a, 1500);
        r.expectRefusal(await reverse(r, a, auth, inOwn(a, 1501)), 422, ['amount_exceeds_remaining'], 'a reversal of 1501 against an authorization of 1500');
        await released(r, a, auth, 1500, 'then the whole amount (nothing moved before)');
        return '422 for 1501 against 1500 authorized; the whole amount was still held';
      },
    },
    {
      subject: 'a partial reversal releases exactly its amount',
      async run(r) {
        const a = account(2);
        const start = await balances(a);
        const auth = await authorize(r, a, 2000);
        const held = await balances(a);
        await released(r, a, auth, 700, 'a reversal of 700 of an authorization of 2000');
        const partly = await balances(a);
        if (held && partly) {
          r.check(
            partly.available === held.available + 700 && partly.holds === held.holds - 700,
            `the ledger behind it moved available ${held.available} → ${partly.available} and holds ${held.holds} → ${partly.holds}; expected exactly +700 and −700`,
          );
        }
        r.expectRefusal(await reverse(r, a, auth, inOwn(a, 1301)), 422, ['amount_exceeds_remaining'], 'then 1301, one more than the 1300 left');
        await released(r, a, auth, 1300, 'then the 1300 left');
        const end = await balances(a);
        if (start && end) r.check(end.available === start.available && end.holds === start.holds, `after reversing all 2000 the ledger shows available ${end.available}, holds ${end.holds}; expected ${start.available} and ${start.holds} as before`);
        const seen = start ? ' (the ledger behind it: available +700, holds −700, then back to where it was)' : '';
        return `released 700 of 2000, refused 1301 of 1300 left, released 1300${seen}`;
      },
    },
  ];
}

/** Advices, and a reversal that overtakes its authorization. */
function adviceRules(ctx: CheckContext, { account, newId, inOwn, authorize, reverse }: ProcessorSteps): Rule[] {
  return [
    {
      subject: 'an advice in another currency is refused',
      async run(r) {
        const a = account(0);
        const other = b.otherCurrency(a.currency);
        const ex = await r.send('POST /v1/advices', { body: b.advice({ id: newId('rule-adv'), authorizationId: newId('rule-auth'), account: a, amount: b.money(800, other) }) });
        r.expectRefusal(ex, 422, ['currency_mismatch'], `an advice in ${other} on a ${a.currency} account`);
        return `422 for an advice in ${other} on a ${a.currency} account`;
      },
    },
    {
      subject: 'an advice is posted even into overdraft',
      async run(r) {
        const a = ctx.accounts.overdraft;
        const value = a.opening_balance + 100;
        const ex = await r.send('POST /v1/advices', { body: b.advice({ id: newId('rule-adv'), authorizationId: newId('rule-auth'), account: a, amount: inOwn(a, value) }) });
        const body = r.expect(ex, 200, `an advice of ${value} on ${a.id} (opening balance ${a.opening_balance})`);
        r.check(body.result === 'posted', `an advice of ${value}, more than ${a.id} ever had: expected result posted, got ${describeAnswer(body)}`, ex);
        return `posted ${value} on an account that opened with ${a.opening_balance}`;
      },
    },
    {
      subject: 'an advice captures the authorization and is posted once',
      async run(r) {
        const a = account(1);
        const auth = await authorize(r, a, 900);
        const advise = (): ReturnType<RuleRun['send']> => r.send('POST /v1/advices', { body: b.advice({ id: newId('rule-adv'), authorizationId: auth, account: a, amount: inOwn(a, 900) }) });
        const first = await advise();
        const body = r.expect(first, 200, 'an advice for the approved authorization');
        r.check(body.result === 'captured', `an advice for an approved authorization: expected result captured, got ${describeAnswer(body)}`, first);
        const again = await advise();
        const second = r.expect(again, 200, 'another advice (another id) for the same authorization');
        r.check(second.replayed === true && second.result === 'captured', `another advice for the same authorization: expected the capture replayed (replayed: true), got ${describeAnswer(second)}`, again);
        return 'captured the authorization; advised again under another id: replayed, posted once';
      },
    },
    {
      subject: 'another advice with another amount is refused',
      async run(r) {
        const a = account(0);
        const auth = await authorize(r, a, 950);
        const advise = (value: number): ReturnType<RuleRun['send']> => r.send('POST /v1/advices', { body: b.advice({ id: newId('rule-adv'), authorizationId: auth, account: a, amount: inOwn(a, value) }) });
        const first = await advise(950);
        const body = r.expect(first, 200, 'an advice for the approved authorization');
        r.check(body.result === 'captured', `an advice for an approved authorization: expected result captured, got ${describeAnswer(body)}`, first);
        r.expectRefusal(await advise(990), 409, ['authorization_conflict'], 'another advice (another id) for the advised authorization, for 990 instead of 950');
        return '409 authorization_conflict: one authorization is posted once, for one amount';
      },
    },
    {
      subject: 'a reversal that overtakes its authorization is remembered',
      async run(r) {
        const a = account(2);
        const auth = newId('rule-auth');
        const ex = await reverse(r, a, auth, inOwn(a, 600));
        const body = r.expect(ex, 200, 'a reversal of an authorization not yet seen');
        r.check(body.result === 'nothing_to_reverse', `a reversal before its authorization: expected nothing_to_reverse, got ${describeAnswer(body)}`, ex);
        const late = await r.send('POST /v1/authorizations', { body: b.authorization({ id: auth, account: a, amount: inOwn(a, 600) }) });
        const answer = r.expect(late, 200, 'then the authorization');
        r.check(answer.decision === 'declined' && answer.reason === 'reversed', `the authorization after its reversal: expected declined with reason reversed, got ${describeAnswer(answer)}`, late);
        return 'nothing_to_reverse, then the late authorization: declined, reversed';
      },
    },
  ];
}
