// The feed's rules: events arrive out of order, and per account the snapshot with the highest ledger
// version wins; a batch is checked whole before any event is applied (one bad event: 400, nothing applied).
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { JsonValue } from '../types.ts';
import * as b from './bodies.ts';
import { describeAnswer, type Rule, type RuleRun } from './rule-run.ts';
import type { CheckContext, Exchange } from './types.ts';

interface Balance {
  available: number;
  version: number;
}

export function feedRules(ctx: CheckContext): Rule[] {
  const account = (i: number): AccountSeed => ctx.accounts.rules[i % ctx.accounts.rules.length] as AccountSeed;
  const balance = async (r: RuleRun, a: AccountSeed, what: string): Promise<{ view: Balance; exchange: Exchange }> => {
    const exchange = await r.send('GET /v1/accounts/{id}/balance', { params: { id: a.id } });
    const body = r.expect(exchange, 200, `${what}: the balance of ${a.id}`);
    r.check(typeof body.available === 'number' && typeof body.version === 'number', `${what}: the balance of ${a.id} has no available or version`, exchange);
    return { view: { available: body.available as number, version: body.version as number }, exchange };
  };
  const event = (a: AccountSeed, version: number, available: number, at: number): ReturnType<typeof b.feedEvent> =>
    b.feedEvent(ctx.ids.next('rule-evt'), ctx.ids.next('rule-auth'), 'hold', 100, { account: a, version, available, holds: a.opening_balance - available }, at);

  return [
    {
      subject: 'the snapshot with the highest version wins',
      async run(r) {
        const a = account(0);
        const { view: before } = await balance(r, a, 'before');
        const newer = before.version + 1_000_002;
        const older = before.version + 1_000_001;
        const at = Date.now();
        r.expect(await r.send('POST /v1/events', { body: { events: [event(a, newer, a.opening_balance - 300, at)] } }), 200, `an event at version ${newer}`);
        r.expect(await r.send('POST /v1/events', { body: { events: [event(a, older, a.opening_balance - 200, at + 1)] } }), 200, `then an older one, at version ${older}`);
        const { view: after, exchange } = await balance(r, a, 'after');
        r.check(
          after.version === newer && after.available === a.opening_balance - 300,
          `after versions ${newer} then ${older} arrived, the balance shows version ${after.version}, available ${after.available}; expected version ${newer}, available ${a.opening_balance - 300}`,
          exchange,
        );
        return `version ${newer} then ${older}: the balance kept version ${newer}`;
      },
    },
    {
      subject: 'a batch with one bad event applies nothing',
      async run(r) {
        const a = account(1);
        const { view: before } = await balance(r, a, 'before');
        const good = event(a, before.version + 10, a.opening_balance - 150, Date.now());
        const bad: Record<string, JsonValue> = { ...event(a, before.version + 11, 0, Date.now()) };
        delete bad.account;
        const refused = await r.send('POST /v1/events', { body: { events: [good, bad] } });
        r.expectRefusal(refused, 400, [], 'a batch of a good event and one without its account snapshot');
        const { view: between, exchange } = await balance(r, a, 'after the refused batch');
        r.check(between.version === before.version, `the refused batch changed the balance to version ${between.version} (was ${before.version}): its good event was applied`, exchange);
        const alone = await r.send('POST /v1/events', { body: { events: [good] } });
        const body = r.expect(alone, 200, 'then the good event alone');
        r.check(body.applied === 1, `the good event alone, after its batch was refused: expected applied: 1, got ${describeAnswer(body)}`, alone);
        return '400 for the batch, nothing applied; the good event alone then applied';
      },
    },
  ];
}
