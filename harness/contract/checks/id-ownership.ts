// The card processor's ids are one space, whatever the kind of request: the first request to reach the issuer
// owns its id, and a later request with the same id and other content is refused 409 `idempotency_conflict`,
// be it an authorization, an advice or a reversal — and writes nothing. (A reversal that reused an approved
// authorization's id and released it would free money the network still counts as held.)
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { JsonObject } from '../types.ts';
import * as b from './bodies.ts';
import { describeAnswer, type Rule, type RuleRun } from './rule-run.ts';
import type { CheckContext } from './types.ts';

export function idOwnershipRules(ctx: CheckContext): Rule[] {
  const a: AccountSeed = ctx.accounts.idempotency;
  const gbp = (value: number): b.Money => b.money(value, a.currency);
  const approve = async (r: RuleRun, id: string, value: number): Promise<void> => {
    const ex = await r.send('POST /v1/authorizations', { body: b.authorization({ id, account: a, amount: gbp(value) }) });
    const body = r.expect(ex, 200, `an authorization ${id} of ${value} on ${a.id}`);
    r.check(body.decision === 'approved', `an authorization ${id} of ${value} on ${a.id}: expected approved, got ${describeAnswer(body)}`, ex);
  };
  const conflict = async (r: RuleRun, route: string, body: JsonObject, id: string, what: string): Promise<void> => {
    const ex = await r.send(route, { body, replica: 1 });
    r.expectRefusal(ex, 409, ['idempotency_conflict'], `${what} (id ${id}, the authorization's)`);
  };
  return [
    {
      subject: "POST /v1/advices id: an authorization's id",
      async run(r) {
        const id = ctx.ids.next('own');
        await approve(r, id, 240);
        await conflict(r, 'POST /v1/advices', b.advice({ id, authorizationId: ctx.ids.next('own-auth'), account: a, amount: gbp(240) }), id, 'an advice reusing an approved authorization\'s id');
        return "409 idempotency_conflict: the authorization's id is taken, whatever the route";
      },
    },
    {
      subject: "POST /v1/reversals id: an authorization's id",
      async run(r) {
        const id = ctx.ids.next('own');
        await approve(r, id, 250);
        await conflict(r, 'POST /v1/reversals', b.reversal({ id, authorizationId: id, account: a, amount: gbp(250) }), id, 'a reversal reusing the id of the authorization it reverses');
        // Nothing moved: the whole amount is still there to reverse under a reversal id of its own.
        const ex = await r.send('POST /v1/reversals', { body: b.reversal({ id: ctx.ids.next('own-rev'), authorizationId: id, account: a, amount: gbp(250) }) });
        const body = r.expect(ex, 200, 'then a reversal of the whole 250 under its own id');
        r.check(body.result === 'released', `then a reversal of the whole 250 under its own id: expected released (the refused one moved nothing), got ${describeAnswer(body)}`, ex);
        return "409 idempotency_conflict, nothing released; the whole amount then reversed under a reversal id of its own";
      },
    },
  ];
}
