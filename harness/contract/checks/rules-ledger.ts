// The ledger's payment rules (a replica or the store: the same routes), each on a rules account with
// small amounts, every hold released or captured by the end: a reversal (`/v1/releases`) in another
// currency or for more than is held is refused and moves nothing; a partial one releases exactly its
// amount; an advice (`/v1/postings`) in another currency is refused, is posted even into overdraft,
// captures the authorization's hold and is posted once; a reversal that overtakes its hold is remembered;
// an authorization released in full is never held again (409 `one_hold_per_authorization`).
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { JsonValue } from '../types.ts';
import * as b from './bodies.ts';
import { describeAnswer, type Rule, type RuleRun } from './rule-run.ts';
import { bodyOf, statusOf } from './validate.ts';
import type { CheckContext, Exchange } from './types.ts';

interface View {
  available: number;
  holds: number;
}

export function ledgerRules(ctx: CheckContext): Rule[] {
  const steps = ledgerSteps(ctx);
  return [...reversalRules(steps), ...adviceAndHoldRules(ctx, steps)];
}

/** The helpers every ledger rule uses: rules accounts, write bodies, a hold and a full release. */
function ledgerSteps(ctx: CheckContext) {
  const account = (i: number): AccountSeed => ctx.accounts.rules[i % ctx.accounts.rules.length] as AccountSeed;
  const w = (account: AccountSeed, authorizationId: string, value: number, currency = account.currency): b.LedgerWrite => ({
    request_id: ctx.ids.next('rule'),
    authorization_id: authorizationId,
    account_id: account.id,
    amount: b.money(value, currency),
  });
  const newAuth = (): string => ctx.ids.next('rule-auth');

  /** Holds `value` and returns the account after it. */
  const holdOf = async (r: RuleRun, a: AccountSeed, auth: string, value: number): Promise<View> => {
    const ex = await r.send('POST /v1/holds', { body: b.hold(w(a, auth, value), a) });
    const body = r.expect(ex, 200, `setting up: a hold of ${value} on ${a.id}`);
    r.check(body.result === 'held', `setting up: a hold of ${value} on ${a.id} answered result ${JSON.stringify(body.result)}, expected held (is ${a.id} seeded with ${a.opening_balance}?)`, ex);
    return viewOf(r, body.account, ex);
  };
  const releaseAll = async (r: RuleRun, a: AccountSeed, auth: string, value: number, what: string): Promise<void> => {
    const ex = await r.send('POST /v1/releases', { body: b.release(w(a, auth, value)) });
    const body = r.expect(ex, 200, what);
    r.check(body.result === 'released' && amountOf(body) === value, `${what}: expected result released with amount ${value}, got ${describeAnswer(body)}`, ex);
  };

  return { account, w, newAuth, holdOf, releaseAll };
}

type LedgerSteps = ReturnType<typeof ledgerSteps>;

/** Reversals (`/v1/releases`): another currency, too much, part of a hold. */
function reversalRules({ account, w, newAuth, holdOf, releaseAll }: LedgerSteps): Rule[] {
  return [
    {
      subject: 'a reversal in another currency is refused',
      async run(r) {
        const a = account(0);
        const auth = newAuth();
        await holdOf(r, a, auth, 1500);
        const other = b.otherCurrency(a.currency);
        r.expectRefusal(await r.send('POST /v1/releases', { body: b.release(w(a, auth, 1500, other)) }), 422, ['currency_mismatch'], `a reversal of the ${a.currency} hold in ${other}`);
        await releaseAll(r, a, auth, 1500, 'then the whole hold in its own currency (nothing moved before)');
        return `422 for ${other} against a ${a.currency} hold; the whole hold was still there`;
      },
    },
    {
      subject: 'a reversal over the held amount is refused',
      async run(r) {
        const a = account(1);
        const auth = newAuth();
        await holdOf(r, a, auth, 1500);
        r.expectRefusal(await r.send('POST /v1/releases', { body: b.release(w(a, auth, 1501)) }), 422, ['amount_exceeds_remaining'], 'a reversal of 1501 against a hold of 1500');
        await releaseAll(r, a, auth, 1500, 'then the whole hold (nothing moved before)');
        return '422 for 1501 against 1500 held; the whole hold was still there';
      },
    },
    {
      subject: 'a partial reversal releases exactly its amount',
      async run(r) {
        const a = account(2);
        const auth = newAuth();
        const held = await holdOf(r, a, auth, 2000);
        const ex = await r.send('POST /v1/releases', { body: b.release(w(a, auth, 700)) });
        const body = r.expect(ex, 200, 'a reversal of 700 of a hold of 2000');
        r.check(body.result === 'released' && amountOf(body) === 700, `a reversal of 700 of 2000: expected result released with amount 700, got ${describeAnswer(body)}`, ex);
        const after = viewOf(r, body.account, ex);
        r.check(
          after.available === held.available + 700 && after.holds === held.holds - 700,
          `a reversal of 700 moved available ${held.available} → ${after.available} and holds ${held.holds} → ${after.holds}; expected exactly +700 and −700`,
          ex,
        );
        r.expectRefusal(await r.send('POST /v1/releases', { body: b.release(w(a, auth, 1301)) }), 422, ['amount_exceeds_remaining'], 'then 1301, one more than the 1300 left');
        await releaseAll(r, a, auth, 1300, 'then the 1300 left');
        const last = await r.send('POST /v1/releases', { body: b.release(w(a, auth, 1)) });
        const end = r.expect(last, 200, 'then 1 more, with nothing left');
        r.check(end.result === 'nothing_to_reverse', `then 1 more with nothing left: expected nothing_to_reverse, got ${describeAnswer(end)}`, last);
        return 'released 700 of 2000 (available +700, holds −700), refused 1301 of 1300 left, released 1300, then nothing_to_reverse';
      },
    },
  ];
}

/** Advices (`/v1/postings`) and the one-hold rules. */
function adviceAndHoldRules(ctx: CheckContext, { account, w, newAuth, holdOf, releaseAll }: LedgerSteps): Rule[] {
  return [
    {
      subject: 'an advice in another currency is refused',
      async run(r) {
        const a = account(0);
        const other = b.otherCurrency(a.currency);
        r.expectRefusal(await r.send('POST /v1/postings', { body: b.posting(w(a, newAuth(), 800, other)) }), 422, ['currency_mismatch'], `an advice in ${other} on a ${a.currency} account`);
        return `422 for an advice in ${other} on a ${a.currency} account`;
      },
    },
    {
      subject: 'an advice is posted even into overdraft',
      async run(r) {
        const a = ctx.accounts.overdraft;
        const before = await r.send('GET /v1/accounts/{id}', { params: { id: a.id } });
        const view = viewOf(r, r.expect(before, 200, `reading ${a.id}`), before);
        const value = Math.max(1, view.available + 100);
        const ex = await r.send('POST /v1/postings', { body: b.posting(w(a, newAuth(), value)) });
        const body = r.expect(ex, 200, `an advice of ${value} with ${view.available} available`);
        r.check(body.result === 'posted', `an advice of ${value} with ${view.available} available: expected result posted, got ${describeAnswer(body)}`, ex);
        const after = viewOf(r, body.account, ex);
        r.check(after.available === view.available - value, `an advice of ${value} moved available ${view.available} → ${after.available}, expected ${view.available - value}`, ex);
        return `posted ${value} with ${view.available} available: available ${after.available}`;
      },
    },
    {
      subject: 'an advice captures the hold and is posted once',
      async run(r) {
        const a = account(1);
        const auth = newAuth();
        const held = await holdOf(r, a, auth, 900);
        const first = await r.send('POST /v1/postings', { body: b.posting(w(a, auth, 900)) });
        const body = r.expect(first, 200, 'an advice for the held authorization');
        r.check(body.result === 'captured', `an advice for a held authorization: expected result captured, got ${describeAnswer(body)}`, first);
        const after = viewOf(r, body.account, first);
        r.check(after.holds === held.holds - 900 && after.available === held.available, `the capture moved holds ${held.holds} → ${after.holds} and available ${held.available} → ${after.available}; expected holds −900, available unchanged`, first);
        const again = await r.send('POST /v1/postings', { body: b.posting(w(a, auth, 900)) });
        const second = r.expect(again, 200, 'the same advice again under another request_id');
        r.check(second.replayed === true && second.result === 'captured', `the same advice again under another request_id: expected the capture replayed (replayed: true), got ${describeAnswer(second)}`, again);
        return 'captured the 900 held (holds −900, available unchanged); advised again: replayed, posted once';
      },
    },
    {
      subject: 'an authorization released in full is never held again',
      async run(r) {
        const a = account(0);
        const auth = newAuth();
        await holdOf(r, a, auth, 500);
        await releaseAll(r, a, auth, 500, 'then the whole hold');
        const again = await r.send('POST /v1/holds', { body: b.hold(w(a, auth, 500), a) });
        // A ledger that holds it again leaves the rules account with a hold: give it back before saying so.
        if (statusOf(again.response) === 200 && bodyOf(again.response)?.result === 'held') await r.send('POST /v1/releases', { body: b.release(w(a, auth, 500)) });
        r.expectRefusal(again, 409, ['one_hold_per_authorization'], 'a new hold (another request_id) for the authorization released in full');
        return 'held 500, released 500, then a new hold under another request_id: 409, nothing held twice';
      },
    },
    {
      subject: 'a reversal that overtakes its hold is remembered',
      async run(r) {
        const a = account(2);
        const auth = newAuth();
        const ex = await r.send('POST /v1/releases', { body: b.release(w(a, auth, 600)) });
        const body = r.expect(ex, 200, 'a reversal of an authorization not yet held');
        r.check(body.result === 'nothing_to_reverse', `a reversal before its hold: expected nothing_to_reverse, got ${describeAnswer(body)}`, ex);
        const late = await r.send('POST /v1/holds', { body: b.hold(w(a, auth, 600), a) });
        const hold = r.expect(late, 200, 'then its hold');
        r.check(hold.result === 'reversed', `the hold after its reversal: expected result reversed (nothing held), got ${describeAnswer(hold)}`, late);
        return 'nothing_to_reverse, then the late hold: reversed';
      },
    },
  ];
}

function viewOf(r: RuleRun, value: JsonValue | undefined, exchange: Exchange): View {
  const v = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  r.check(typeof v.available === 'number' && typeof v.holds === 'number', 'the answer carries no account with available and holds', exchange);
  return { available: v.available as number, holds: v.holds as number };
}

function amountOf(body: Record<string, JsonValue>): number | undefined {
  const amount = body.amount;
  return amount !== null && typeof amount === 'object' && !Array.isArray(amount) && typeof amount.value === 'number' ? amount.value : undefined;
}
