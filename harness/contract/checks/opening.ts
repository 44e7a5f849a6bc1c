// Check 2: the seeded accounts, before anything is written. Every mock derives the same accounts from the run's
// seed (services/contracts/vectors/accounts.json publishes them, with the derivation in words); a replacement
// must know the same ones, or a run fails on feed-agrees and balances although every route answers well.
//   ledger, store  each account the checks use (and the last one the service was told of) has its published
//                  currency and opening balance; its balances are that opening balance moved by its journal
//                  entries; an opening entry, where the journal has one, is for exactly that balance
//   feed           each account's currency, and an untouched account shows its opening balance
//   processor      each account's own card is accepted, another account's card is declined `card_mismatch`
// It also notes, for the read-back check, where the journal ends and how each account looks before the
// check run writes anything.
import { accountId, seedAccounts, type AccountSeed } from '../../../services/common/accounts.ts';
import { availableBook, heldBook, EQUITY_OPENING } from '../../../services/ledger/books.ts';
import type { JsonValue } from '../types.ts';
import * as b from './bodies.ts';
import { JournalUnreadable, journalEnd, readJournalAfter, type JournalRecord } from './journal-reader.ts';
import { readBackState, snapshotOf, type AccountSnapshot } from './read-back-state.ts';
import { runRules } from './rule-rows.ts';
import { describeAnswer, RuleBroken, type Rule, type RuleRun } from './rule-run.ts';
import type { CheckContext, CheckResult, ContractCheck, Exchange } from './types.ts';

/** The journal is read from its start (to add up each account's entries) only when it is this short. */
const MAX_JOURNAL_FOR_BALANCES = 200_000;

export const accountsCheck: ContractCheck = {
  family: 'accounts',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    const rules = ctx.service === 'card-processor' ? processorAccountRules(ctx) : ctx.service === 'feed' ? feedAccountRules(ctx) : ledgerAccountRules(ctx);
    return runRules(ctx, 'accounts', rules);
  },
};

/** The accounts the checks use, and the last one the service was told of (acc-001000 of 1,000), when known. */
function accountsToRead(ctx: CheckContext): AccountSeed[] {
  const out = [...ctx.accounts.all];
  const told = ctx.accountsTold;
  if (told !== undefined && told > out.length) out.push(seedAccounts(ctx.accounts.seed, told)[told - 1] as AccountSeed);
  return out;
}

function ledgerAccountRules(ctx: CheckContext): Rule[] {
  const state = readBackState(ctx);
  return [
    {
      subject: 'opening balances as published',
      async run(r) {
        const accounts = accountsToRead(ctx);
        const replicas = r.replicas;
        // Where the journal ends before anything is written: the read-back reads what comes after.
        let end: number;
        try {
          end = await journalEnd(r.session, 0);
        } catch (err) {
          if (err instanceof JournalUnreadable) throw new RuleBroken(err.reason, err.exchange);
          throw err;
        }
        state.journalStart = end;
        const views = new Map<string, { view: AccountSnapshot; opening: number; exchange: Exchange }>();
        for (const [i, a] of accounts.entries()) {
          const ex = await r.send('GET /v1/accounts/{id}', { params: { id: a.id }, replica: i % replicas });
          const body = r.expect(ex, 200, `reading ${a.id}, a seeded account (${a.currency} ${a.opening_balance} for seed ${ctx.seed})`);
          r.check(body.currency === a.currency, `${a.id} has currency ${JSON.stringify(body.currency)}; the published seed data say ${a.currency}`, ex);
          r.check(
            body.opening_balance === a.opening_balance,
            `${a.id} has opening_balance ${JSON.stringify(body.opening_balance)}; the published seed data (services/contracts/vectors/accounts.json, seed ${ctx.seed}) say ${a.opening_balance}`,
            ex,
          );
          const view = snapshotOf(body);
          r.check(view !== null && view.balance === view.available + view.holds, `${a.id}: balance must be available + holds, got ${describeView(body)}`, ex);
          views.set(a.id, { view: view as AccountSnapshot, opening: a.opening_balance, exchange: ex });
          if (ctx.accounts.all.includes(a)) state.accountsAtStart.set(a.id, view as AccountSnapshot);
        }
        const unknown = await r.send('GET /v1/accounts/{id}', { params: { id: ctx.accounts.unknown } });
        r.expectRefusal(unknown, 404, ['unknown_account'], `reading ${ctx.accounts.unknown}, an account no seed has`);
        if (ctx.accountsTold !== undefined) {
          const past = accountId(ctx.accountsTold);
          r.expectRefusal(await r.send('GET /v1/accounts/{id}', { params: { id: past } }), 404, ['unknown_account'], `reading ${past}, one past the ${ctx.accountsTold} accounts it was told of`);
        }

        // Each account's balances against its journal: the opening balance moved by every entry of its own.
        let journalNote: string;
        if (end > MAX_JOURNAL_FOR_BALANCES) {
          journalNote = `the journal (${end} entries) is too long to add up: balances not compared with it`;
        } else {
          let entries: JournalRecord[];
          try {
            entries = (await readJournalAfter(r.session, 0, 0)).entries.filter((e) => e.seq <= end);
          } catch (err) {
            if (err instanceof JournalUnreadable) throw new RuleBroken(err.reason, err.exchange);
            throw err;
          }
          let openings = 0;
          for (const [id, { view, opening, exchange }] of views) {
            const own = entries.filter((e) => e.account_id === id);
            const openingEntries = own.filter((e) => e.kind === 'opening');
            for (const e of openingEntries) {
              r.check(
                openingEntries.length === 1 && e.amount === opening && legsAre(e, [[availableBook(id), opening], [EQUITY_OPENING, -opening]]),
                `${id}: the journal's opening entry (seq ${e.seq}) is ${e.amount} with legs ${JSON.stringify(e.legs)}; expected one entry of ${opening}: ${availableBook(id)} +${opening}, ${EQUITY_OPENING} −${opening}`,
                exchange,
              );
            }
            openings += openingEntries.length;
            let available = opening;
            let held = 0;
            for (const e of own) {
              if (e.kind === 'opening') continue;
              for (const leg of e.legs) {
                if (leg.book === availableBook(id)) available += leg.amount;
                else if (leg.book === heldBook(id)) held += leg.amount;
              }
            }
            r.check(
              view.available === available && view.holds === held,
              `${id} shows available ${view.available}, holds ${view.holds}; its opening balance ${opening} moved by its ${own.length - openingEntries.length} journal entries gives available ${available}, holds ${held}`,
              exchange,
            );
          }
          journalNote =
            openings > 0
              ? `balances = opening + journal (${openings} opening entries, each for its balance)`
              : 'balances = opening + journal (no opening entries: the checkers then take opening_balance)';
        }
        const last = accounts[accounts.length - 1] as AccountSeed;
        const told = ctx.accountsTold !== undefined ? ` and ${last.id}, the last of the ${ctx.accountsTold} it was told of` : '';
        return `${ctx.accounts.all.length} accounts${told}: currencies and opening balances as published for seed ${ctx.seed}; ${journalNote}; ${ctx.accounts.unknown} 404`;
      },
    },
  ];
}

function feedAccountRules(ctx: CheckContext): Rule[] {
  const state = readBackState(ctx);
  return [
    {
      subject: 'opening balances as published',
      async run(r) {
        const accounts = accountsToRead(ctx);
        let untouched = 0;
        for (const [i, a] of accounts.entries()) {
          const ex = await r.send('GET /v1/accounts/{id}/balance', { params: { id: a.id }, replica: i % r.replicas });
          const body = r.expect(ex, 200, `the balance of ${a.id}, a seeded account (${a.currency} ${a.opening_balance} for seed ${ctx.seed})`);
          r.check(body.currency === a.currency, `${a.id} has currency ${JSON.stringify(body.currency)}; the published seed data say ${a.currency}`, ex);
          const view = snapshotOf(body);
          r.check(view !== null, `the balance of ${a.id} has no available, balance or version`, ex);
          const v = view as AccountSnapshot;
          // Before any event an account shows its opening balance, at version 1 (0 for an empty account), as the ledger does.
          if (v.version <= 1) {
            untouched++;
            r.check(
              v.balance === a.opening_balance && v.available === a.opening_balance,
              `${a.id} has heard of no event (version ${v.version}) and shows balance ${v.balance}, available ${v.available}; the published opening balance for seed ${ctx.seed} is ${a.opening_balance}`,
              ex,
            );
          }
          if (ctx.accounts.all.includes(a)) state.accountsAtStart.set(a.id, v);
        }
        r.expectRefusal(await r.send('GET /v1/accounts/{id}/balance', { params: { id: ctx.accounts.unknown } }), 404, ['unknown_account'], `the balance of ${ctx.accounts.unknown}, an account no seed has`);
        return `${accounts.length} accounts: currencies as published for seed ${ctx.seed}; ${untouched} untouched ones show their opening balance; ${ctx.accounts.unknown} 404`;
      },
    },
  ];
}

function processorAccountRules(ctx: CheckContext): Rule[] {
  return [
    {
      subject: "each account's own card, and no other",
      async run(r) {
        const all = ctx.accounts.all;
        let approved = 0;
        for (const [i, a] of all.entries()) {
          const other = all[(i + 1) % all.length] as AccountSeed;
          const foreign = { token: other.card_token, last4: other.card_last4 };
          const mismatch = await r.send('POST /v1/authorizations', { body: b.authorization({ id: ctx.ids.next('card'), account: a, amount: b.money(1, a.currency), card: foreign }), replica: i });
          const refused = r.expect(mismatch, 200, `an authorization on ${a.id} with ${other.id}'s card (…${other.card_last4})`);
          r.check(
            refused.decision === 'declined' && refused.reason === 'card_mismatch',
            `an authorization on ${a.id} with ${other.id}'s card (the published seed data give ${a.id} the card …${a.card_last4}): expected declined, card_mismatch; got ${describeAnswer(refused)}`,
            mismatch,
          );
          const id = ctx.ids.next('card');
          const own = await r.send('POST /v1/authorizations', { body: b.authorization({ id, account: a, amount: b.money(1, a.currency) }), replica: i + 1 });
          const answer = r.expect(own, 200, `an authorization of 1 on ${a.id} with its own card`);
          r.check(
            answer.decision === 'approved' || (answer.decision === 'declined' && answer.reason === 'insufficient_funds'),
            `an authorization of 1 on ${a.id} with its own card (…${a.card_last4}, as published for seed ${ctx.seed}): expected approved (or insufficient_funds on an empty account), got ${describeAnswer(answer)}`,
            own,
          );
          if (answer.decision !== 'approved') continue;
          approved++;
          const back = await r.send('POST /v1/reversals', { body: b.reversal({ id: ctx.ids.next('card-rev'), authorizationId: id, account: a, amount: b.money(1, a.currency) }) });
          const released = r.expect(back, 200, `then its reversal`);
          r.check(released.result === 'released', `the reversal of the approved authorization of 1 on ${a.id}: expected released, got ${describeAnswer(released)}`, back);
        }
        const stranger = all[0] as AccountSeed;
        const unknown = await r.send('POST /v1/authorizations', { body: { ...b.authorization({ id: ctx.ids.next('card'), account: stranger, amount: b.money(1, stranger.currency) }), account_id: ctx.accounts.unknown } });
        const body = r.expect(unknown, 200, `an authorization on ${ctx.accounts.unknown}, an account no seed has`);
        r.check(body.decision === 'declined' && body.reason === 'unknown_account', `an authorization on ${ctx.accounts.unknown}: expected declined, unknown_account; got ${describeAnswer(body)}`, unknown);
        return `${all.length} accounts: another account's card declined card_mismatch, its own card approved (${approved}, each reversed) or insufficient_funds; unknown account declined`;
      },
    },
  ];
}

function legsAre(e: JournalRecord, legs: Array<[string, number]>): boolean {
  if (e.legs.length !== legs.length) return false;
  return legs.every(([book, amount]) => e.legs.some((l) => l.book === book && l.amount === amount));
}

function describeView(body: Record<string, JsonValue>): string {
  return ['balance', 'available', 'holds', 'version'].map((k) => `${k} ${JSON.stringify(body[k])}`).join(', ');
}
