// The card processor's read-back. Its answers carry no balances: what they claim is read in the ledger behind
// it, which faultline runs when it starts the processor by command (a processor checked by URL has a ledger
// faultline cannot see: the ledger rows are skipped and say so).
//   1. a burst of small authorizations with the account's own card, each reversed in full on the next replica
//   2. every answer is in the ledger: an approval is one hold for the authorization id (a decline none), an
//      advice posted or captured is one posting or capture, each reversal released or refunded is one entry
//   3. the feed agrees with the ledger once the processor has drained (POST /__admin/drain): every committed
//      change became a feed event, replays after a retry included
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { JsonValue } from '../types.ts';
import * as b from './bodies.ts';
import { processorClaims } from './claims.ts';
import { inWaves } from './read-back-ledger.ts';
import { writeLogOf } from './recording-client.ts';
import { ReadBackBroken, RuleSkipped } from './rule-rows.ts';
import { describeAnswer, RuleBroken, type Rule } from './rule-run.ts';
import { statusOf } from './validate.ts';
import type { CheckContext, Exchange } from './types.ts';

const MAX_AUTHORIZATION_READS = 500;

export function processorReadBack(ctx: CheckContext): Rule[] {
  const noLedger = (): RuleSkipped =>
    new RuleSkipped("the ledger behind it is not faultline's (checked by --url): its writes cannot be read back there; check it by --command to have them read back");
  return [
    {
      subject: 'a burst of authorizations, each reversed',
      async run(r) {
        const replicas = r.replicas;
        // Each one is a hold, a release and two feed events through the whole pipeline: fewer than the ledger's.
        const n = Math.min(1000, Math.max(50, ctx.cases)) * replicas;
        const accounts = ctx.accounts.rules;
        const plan = Array.from({ length: n }, (_, i) => ({ account: accounts[i % accounts.length] as AccountSeed, id: ctx.ids.next('rb-auth'), value: 1 + (i % 9) }));
        const auths = await inWaves(n, 8, (i) => {
          const p = plan[i] as (typeof plan)[number];
          return r.send('POST /v1/authorizations', { body: b.authorization({ id: p.id, account: p.account, amount: b.money(p.value, p.account.currency), merchant: i }), replica: i });
        });
        for (const [i, ex] of auths.entries()) {
          const p = plan[i] as (typeof plan)[number];
          const body = r.expect(ex, 200, `an authorization of ${p.value} on ${p.account.id}`);
          r.check(body.decision === 'approved', `an authorization of ${p.value} on ${p.account.id} with its own card: expected approved, got ${describeAnswer(body)}`, ex);
        }
        const reversals = await inWaves(n, 8, (i) => {
          const p = plan[i] as (typeof plan)[number];
          return r.send('POST /v1/reversals', { body: b.reversal({ id: ctx.ids.next('rb-rev'), authorizationId: p.id, account: p.account, amount: b.money(p.value, p.account.currency) }), replica: i + 1 });
        });
        for (const [i, ex] of reversals.entries()) {
          const p = plan[i] as (typeof plan)[number];
          const body = r.expect(ex, 200, `the reversal of the authorization of ${p.value} (${p.id})`);
          if (body.result === 'nothing_to_reverse') {
            throw new ReadBackBroken(`lost write: the authorization ${p.id} of ${p.value} on ${p.account.id} was approved, but its reversal finds nothing_to_reverse: it was never held`, ex, [auths[i] as Exchange]);
          }
          const moved = body.amount !== null && typeof body.amount === 'object' && !Array.isArray(body.amount) ? body.amount.value : undefined;
          r.check(body.result === 'released' && moved === p.value, `the reversal of ${p.id}: expected released with amount ${p.value}, got ${describeAnswer(body)}`, ex);
        }
        return `${n} authorizations of 1–9 on ${accounts.map((a) => a.id).join(', ')} approved, each reversed in full${replicas > 1 ? ' on the next replica' : ''}`;
      },
    },
    {
      subject: 'every answer is in the ledger behind it',
      async run() {
        const ledger = ctx.ledger;
        if (!ledger) throw noLedger();
        const log = writeLogOf(ctx.client);
        if (!log) throw new RuleSkipped('the writes were not recorded (a plain client): nothing to read back');
        const claims = [...processorClaims(log.writes, ctx.ids.prefix).values()];
        // Those that claim a write first, then those that claim none.
        claims.sort((x, y) => Number(y.holds === 1 || y.posted) - Number(x.holds === 1 || x.posted));
        const read = claims.slice(0, MAX_AUTHORIZATION_READS);
        for (const c of read) {
          const { exchange, body } = await ledger.ledger(`/v1/authorizations/${encodeURIComponent(c.authorizationId)}`);
          if (!body) throw new RuleBroken(`reading authorization ${c.authorizationId} in the ledger behind it (${ledger.url}) answered ${statusOf(exchange.response) ?? 'nothing'}`, exchange);
          const n = (k: string): number => (typeof body[k] === 'number' ? (body[k] as number) : -1);
          const problems: string[] = [];
          if (c.holds === 1 && n('holds') !== 1) problems.push(`approved, so one hold; the ledger has holds: ${n('holds')}`);
          if (c.holds === 0 && n('holds') !== 0) problems.push(`declined, so no hold; the ledger has holds: ${n('holds')}`);
          if (c.posted && n('postings') + n('captures') !== 1) problems.push(`advised (posted or captured), so posted once; the ledger has postings: ${n('postings')}, captures: ${n('captures')}`);
          if (n('releases') !== c.releases.size) problems.push(`${c.releases.size} reversal${c.releases.size === 1 ? '' : 's'} answered released; the ledger has releases: ${n('releases')}`);
          if (n('refunds') !== c.refunds.size) problems.push(`${c.refunds.size} answered refunded; the ledger has refunds: ${n('refunds')}`);
          if (problems.length > 0) {
            const kind = problems[0]?.startsWith('declined') ? 'phantom write' : 'lost write';
            throw new ReadBackBroken(
              `${kind}: authorization ${c.authorizationId} on ${c.accountId} was ${problems.join('; ')} (GET ${ledger.url}/v1/authorizations/${c.authorizationId}, shown)`,
              exchange,
              c.exchanges.slice(-4),
            );
          }
        }
        const more = claims.length > read.length ? ` (the first ${read.length} of ${claims.length})` : '';
        return `${read.length} authorizations${more}: each approval one hold, each decline none, each advice one posting, each reversal one release, in the ledger behind it`;
      },
    },
    {
      subject: 'the feed agrees with the ledger after drain',
      async run(r) {
        const ledger = ctx.ledger;
        if (!ledger) throw noLedger();
        if (!ledger.feedUrl) throw new RuleSkipped('no feed of faultline\'s behind it to read');
        const drains: Exchange[] = [];
        for (let replica = 0; replica < r.replicas; replica++) drains.push(await r.send('POST /__admin/drain', { body: { deadline_ms: 5000 }, replica }));
        const drained = drains.every((d) => statusOf(d.response) === 200);
        const accounts = ctx.accounts.all;
        for (const a of accounts) {
          const inLedger = await ledger.ledger(`/v1/accounts/${a.id}`);
          const inFeed = await ledger.feed(`/v1/accounts/${a.id}/balance`);
          if (!inLedger.body || !inFeed?.body) throw new RuleBroken(`reading ${a.id} in the ledger and the feed behind it failed`, (inFeed ?? inLedger).exchange);
          const same = (k: string): boolean => (inLedger.body as Record<string, JsonValue>)[k] === (inFeed.body as Record<string, JsonValue>)[k];
          if (!same('balance') || !same('available')) {
            const why = drained ? '' : ' (it does not serve POST /__admin/drain: events still in its outbox cannot be flushed)';
            throw new ReadBackBroken(
              `the feed shows ${a.id} at balance ${JSON.stringify(inFeed.body.balance)}, available ${JSON.stringify(inFeed.body.available)} (version ${JSON.stringify(inFeed.body.version)}); the ledger at ${JSON.stringify(inLedger.body.balance)}, ${JSON.stringify(inLedger.body.available)} (version ${JSON.stringify(inLedger.body.version)}): a committed change never became a feed event${why}`,
              inFeed.exchange,
              [inLedger.exchange],
            );
          }
        }
        return `after POST /__admin/drain${drained ? '' : ' (absent)'}: ${accounts.length} accounts show the same balance and available in the feed as in the ledger`;
      },
    },
  ];
}
