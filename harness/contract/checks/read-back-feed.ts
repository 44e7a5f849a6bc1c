// The feed's read-back: every event of a batch it answered 200 must be applied (once), and per account the
// snapshot with the highest version must be what the balance shows.
//   1. a burst of events in batches of ten on the rules accounts, each batch to the next replica, newer
//      versions each time: every event is in its account's transaction feed, and the balance is the last one
//   2. every account any accepted event named: its balance is at least the highest version sent, and at that
//      version exactly the snapshot sent
import type { AccountSeed } from '../../../services/common/accounts.ts';
import * as b from './bodies.ts';
import { feedClaims, type EventClaim } from './claims.ts';
import { inWaves } from './read-back-ledger.ts';
import { writeLogOf } from './recording-client.ts';
import { ReadBackBroken, RuleSkipped } from './rule-rows.ts';
import { describeAnswer, type Rule, type RuleRun } from './rule-run.ts';
import { snapshotOf } from './read-back-state.ts';
import type { CheckContext, Exchange } from './types.ts';

const BATCH = 10;
const MAX_ACCOUNT_READS = 200;

export function feedReadBack(ctx: CheckContext): Rule[] {
  const balanceOf = async (r: RuleRun, id: string, replica: number): Promise<{ exchange: Exchange; view: ReturnType<typeof snapshotOf> }> => {
    const exchange = await r.send('GET /v1/accounts/{id}/balance', { params: { id }, replica });
    return { exchange, view: snapshotOf(r.expect(exchange, 200, `the balance of ${id}`)) };
  };
  return [
    {
      subject: 'a burst of events, each applied',
      async run(r) {
        const accounts = ctx.accounts.rules;
        const perAccount = 60;
        const start = new Map<string, number>();
        for (const a of accounts) {
          const { view, exchange } = await balanceOf(r, a.id, 0);
          r.check(view !== null, `the balance of ${a.id} has no version`, exchange);
          start.set(a.id, (view as { version: number }).version);
        }
        const at = Date.now();
        const events = accounts.flatMap((a, k) =>
          Array.from({ length: perAccount }, (_, i) => {
            const available = a.opening_balance - (i % 7);
            return b.feedEvent(ctx.ids.next('rb-evt'), ctx.ids.next('rb-auth'), 'hold', 1 + (i % 9), { account: a, version: (start.get(a.id) as number) + 1 + i, available, holds: a.opening_balance - available }, at + i * accounts.length + k);
          }),
        );
        const batches = Math.ceil(events.length / BATCH);
        const sent = await inWaves(batches, 2, (i) => r.send('POST /v1/events', { body: { events: events.slice(i * BATCH, (i + 1) * BATCH) }, replica: i }));
        for (const ex of sent) {
          const body = r.expect(ex, 200, 'a batch of new events');
          r.check(body.applied === BATCH || body.applied === events.length % BATCH, `a batch of ${BATCH} new events: expected applied: ${BATCH}, got ${describeAnswer(body)}`, ex);
        }
        for (const [k, a] of accounts.entries()) {
          const ids = new Set(events.filter((e) => e.account_id === a.id).map((e) => e.event_id as string));
          const feed = await r.send('GET /v1/accounts/{id}/feed', { params: { id: a.id }, query: { limit: '100' }, replica: k + 1 });
          const items = r.expect(feed, 200, `the feed of ${a.id}`).items;
          const listed = new Set(Array.isArray(items) ? items.map((it) => (it !== null && typeof it === 'object' && !Array.isArray(it) ? it.event_id : undefined)) : []);
          const missing = [...ids].filter((id) => !listed.has(id));
          if (missing.length > 0) {
            const writes = sent.filter((s) => (s.request.body ?? '').includes(`"${missing[0]}"`));
            throw new ReadBackBroken(`lost write: event ${missing[0]} (and ${missing.length - 1} more) for ${a.id} was in a batch answered 200, but ${a.id}'s feed does not list it`, feed, writes);
          }
          const last = events.filter((e) => e.account_id === a.id).pop() as { account: { version: number; available: number } };
          const { view, exchange } = await balanceOf(r, a.id, k);
          if (!view || view.version !== last.account.version || view.available !== last.account.available) {
            throw new ReadBackBroken(`${a.id}'s balance shows version ${view?.version}, available ${view?.available}; the newest event sent carries version ${last.account.version}, available ${last.account.available}`, exchange, sent.slice(-1));
          }
        }
        return `${events.length} events in ${batches} batches of ${BATCH}${r.replicas > 1 ? ' across the replicas' : ''}: each listed in its account's feed, each balance at the newest version`;
      },
    },
    {
      subject: 'every accepted event shows in its balance',
      async run(r) {
        const log = writeLogOf(ctx.client);
        if (!log) throw new RuleSkipped('the writes were not recorded (a plain client): nothing to read back');
        const newest = new Map<string, EventClaim>();
        for (const c of feedClaims(log.writes)) {
          const known = newest.get(c.accountId);
          if (!known || c.version > known.version) newest.set(c.accountId, c);
        }
        const accounts = [...newest.values()].slice(0, MAX_ACCOUNT_READS);
        for (const [i, c] of accounts.entries()) {
          const exchange = await r.send('GET /v1/accounts/{id}/balance', { params: { id: c.accountId }, replica: i });
          const view = snapshotOf(r.expect(exchange, 200, `the balance of ${c.accountId}, named by an accepted event`));
          const ok = view !== null && (view.version > c.version || (view.version === c.version && view.available === c.available && view.balance === c.balance));
          if (!ok) {
            throw new ReadBackBroken(
              `lost write: event ${c.eventId} for ${c.accountId} (version ${c.version}, available ${c.available}, balance ${c.balance}) was accepted, but the balance shows version ${view?.version}, available ${view?.available}, balance ${view?.balance}`,
              exchange,
              [c.exchange],
            );
          }
        }
        const seeded = accounts.filter((c) => ctx.accounts.all.some((a: AccountSeed) => a.id === c.accountId)).length;
        return `${accounts.length} accounts named by accepted events (${seeded} seeded): each balance is at the newest version sent, with its snapshot`;
      },
    },
  ];
}
