// The ledger's read-back (a replica or the store): what every write of the check run claimed, read back.
//   1. a burst of small holds, each released in full on the next replica: enough writes that a service losing
//      one write in a few hundred loses one here (a lost hold shows as a release that finds nothing to reverse)
//   2. every write in the journal, once: each answer that says it wrote has its entry (kind, amount, account,
//      authorization, legs), each answer that says it wrote nothing has none; every replica reads the same journal
//   3. every account the checks used: its balances are what it showed before the check run, moved by the
//      journal's entries since, on every replica
//   4. every authorization the check run wrote for: its counts (holds, releases, postings, captures,
//      refunds, held) are its journal entries'
// A lost or phantom write fails with the write and the read that contradicts it.
import type { AccountSeed } from '../../../services/common/accounts.ts';
import { availableBook, heldBook } from '../../../services/ledger/books.ts';
import { expectedLegs } from '../../checkers/books.ts';
import type { JsonValue } from '../types.ts';
import * as b from './bodies.ts';
import { ledgerClaims, type LedgerClaim } from './claims.ts';
import { JournalUnreadable, readJournalAfter, type JournalRecord } from './journal-reader.ts';
import { writeLogOf } from './recording-client.ts';
import { readBackState } from './read-back-state.ts';
import { ReadBackBroken, RuleSkipped } from './rule-rows.ts';
import { describeAnswer, RuleBroken, type Rule, type RuleRun } from './rule-run.ts';
import { bodyOf } from './validate.ts';
import type { CheckContext, Exchange } from './types.ts';

/** The most authorizations read back one by one (those whose writes claim an entry first): each is also in the journal row. */
const MAX_AUTHORIZATION_READS = 100;

/** Holds in the burst, per replica: at least 200 (a service losing 1 write in 200 loses one here), more with --cases. */
export function burstSize(ctx: CheckContext, replicas: number): number {
  return Math.min(2000, Math.max(200, 2 * ctx.cases)) * replicas;
}

/** Runs `count` jobs, `width` at a time, in order of their index. */
export async function inWaves<T>(count: number, width: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, k) => job(i + k)))));
  return out;
}

/** What the read-back rules share: the state before the writes, the journal since, the writes' claims. */
interface LedgerReads {
  state: ReturnType<typeof readBackState>;
  /** The journal since the check run began (read once, by the first rule that needs it, after the burst). */
  journalSince(r: RuleRun): Promise<JournalRecord[]>;
  /** What each recorded write claimed, by request_id. */
  claimsOf(): Map<string, LedgerClaim>;
  /** The authorization as the service shows it, for a failure to show next to the write. */
  authorizationRead(r: RuleRun, id: string, replica: number): Promise<Exchange>;
}

export function ledgerReadBack(ctx: CheckContext): Rule[] {
  const reads = ledgerReads(ctx);
  return [
    { subject: 'a burst of holds, each released', run: (r) => burstOfHolds(ctx, reads, r) },
    { subject: 'every write is in the journal, once', run: (r) => everyWriteOnce(ctx, reads, r) },
    { subject: 'balances are the journal, on every replica', run: (r) => balancesAreTheJournal(reads, r) },
    { subject: 'authorizations are the journal', run: (r) => authorizationsAreTheJournal(reads, r) },
  ];
}

function ledgerReads(ctx: CheckContext): LedgerReads {
  let journal: JournalRecord[] | undefined;
  let claims: Map<string, LedgerClaim> | undefined;
  const state = readBackState(ctx);

  /** The journal since the check run began (read once, by the first rule that needs it, after the burst). */
  const journalSince = async (r: RuleRun): Promise<JournalRecord[]> => {
    if (journal) return journal;
    const start = state.journalStart ?? 0;
    try {
      const first = await readJournalAfter(r.session, start, 0);
      for (let replica = 1; replica < r.replicas; replica++) {
        const other = await readJournalAfter(r.session, start, replica);
        const at = firstDifference(first.entries, other.entries);
        if (at !== null) {
          const shown = other.exchanges[other.exchanges.length - 1] as Exchange;
          throw new RuleBroken(`replica ${replica + 1} reads another journal than replica 1 after seq ${start}: ${at}`, shown);
        }
      }
      journal = first.entries;
    } catch (err) {
      if (err instanceof JournalUnreadable) throw new RuleBroken(err.reason, err.exchange);
      throw err;
    }
    return journal;
  };
  const claimsOf = (): Map<string, LedgerClaim> => {
    if (claims) return claims;
    const log = writeLogOf(ctx.client);
    if (!log) throw new RuleSkipped('the writes were not recorded (a plain client): nothing to read back');
    claims = ledgerClaims(log.writes, ctx.ids.prefix);
    return claims;
  };
  /** The authorization as the service shows it, for a failure to show next to the write. */
  const authorizationRead = (r: RuleRun, id: string, replica: number): Promise<Exchange> => r.send('GET /v1/authorizations/{id}', { params: { id }, replica });

  return { state, journalSince, claimsOf, authorizationRead };
}

/** 1. A burst of small holds, each released in full on the next replica. */
async function burstOfHolds(ctx: CheckContext, { authorizationRead }: LedgerReads, r: RuleRun): Promise<string> {
    const replicas = r.replicas;
    const n = burstSize(ctx, replicas);
    const accounts = ctx.accounts.rules;
    const plan = Array.from({ length: n }, (_, i) => ({ account: accounts[i % accounts.length] as AccountSeed, auth: ctx.ids.next('rb-auth'), value: 1 + (i % 9) }));
    const write = (i: number, kind: 'hold' | 'release'): b.LedgerWrite => {
      const p = plan[i] as (typeof plan)[number];
      return { request_id: ctx.ids.next(`rb-${kind}`), authorization_id: p.auth, account_id: p.account.id, amount: b.money(p.value, p.account.currency) };
    };
    const holds = await inWaves(n, 8, (i) => r.send('POST /v1/holds', { body: b.hold(write(i, 'hold')), replica: i }));
    for (const [i, ex] of holds.entries()) {
      const p = plan[i] as (typeof plan)[number];
      const body = r.expect(ex, 200, `a hold of ${p.value} on ${p.account.id}`);
      r.check(body.result === 'held' && body.replayed === false, `a hold of ${p.value} on ${p.account.id} (opening balance ${p.account.opening_balance}): expected held, got ${describeAnswer(body)}`, ex);
    }
    const releases = await inWaves(n, 8, (i) => r.send('POST /v1/releases', { body: b.release(write(i, 'release')), replica: i + 1 }));
    for (const [i, ex] of releases.entries()) {
      const p = plan[i] as (typeof plan)[number];
      const body = r.expect(ex, 200, `the release of the hold of ${p.value} for ${p.auth}`);
      if (body.result === 'nothing_to_reverse') {
        const on = replicas > 1 ? ` (replica ${(i % replicas) + 1}; the release went to replica ${((i + 1) % replicas) + 1})` : '';
        throw new ReadBackBroken(
          `lost write: the hold of ${p.value} for ${p.auth} on ${p.account.id} was answered held${on}, but its release finds nothing_to_reverse and the authorization reads as never held: the hold was never written`,
          await authorizationRead(r, p.auth, i + 1),
          [holds[i] as Exchange, ex],
        );
      }
      const moved = body.amount !== null && typeof body.amount === 'object' && !Array.isArray(body.amount) ? body.amount.value : undefined;
      r.check(body.result === 'released' && moved === p.value, `the release of the hold of ${p.value} for ${p.auth}: expected released with amount ${p.value}, got ${describeAnswer(body)}`, ex);
    }
    const on = replicas > 1 ? `, each released on the next of ${replicas} replicas` : ', each released';
    return `${n} holds of 1–9 on ${accounts.map((a) => a.id).join(', ')} answered held${on} in full`;
}

/** 2. Every write in the journal, once; a write answered as writing nothing has no entry. */
async function everyWriteOnce(ctx: CheckContext, { state, journalSince, claimsOf, authorizationRead }: LedgerReads, r: RuleRun): Promise<string> {
    const all = claimsOf();
    const entries = await journalSince(r);
    const byRequest = new Map<string, JournalRecord[]>();
    for (const e of entries) {
      const list = byRequest.get(e.request_id);
      if (list) list.push(e);
      else byRequest.set(e.request_id, [e]);
    }
    let written = 0;
    let none = 0;
    for (const claim of all.values()) {
      if (claim.unknown) continue;
      const found = byRequest.get(claim.requestId) ?? [];
      const wrote = claim.wrote;
      const answered = describeAnswer(bodyOf(claim.exchange.response) ?? {});
      if (!wrote) {
        if (found.length === 0) {
          none++;
          continue;
        }
        const e = found[0] as JournalRecord;
        throw new ReadBackBroken(
          `phantom write: ${claim.exchange.request.method} ${claim.exchange.request.path} request_id ${claim.requestId} was answered ${answered} (nothing written), but the journal has a ${e.kind} of ${e.amount} on ${e.account_id} for it (seq ${e.seq})`,
          await authorizationRead(r, claim.authorizationId, 1),
          [claim.exchange],
        );
      }
      if (found.length === 0) {
        throw new ReadBackBroken(
          `lost write: ${claim.exchange.request.method} ${claim.exchange.request.path} request_id ${claim.requestId} was answered ${answered} (a ${wrote.kind} of ${wrote.amount} on ${claim.accountId}), but the journal has no entry for it (read after seq ${state.journalStart ?? 0}); the authorization reads:`,
          await authorizationRead(r, claim.authorizationId, 1),
          [claim.exchange],
        );
      }
      const e = found[0] as JournalRecord;
      const problem =
        found.length > 1
          ? `the journal has ${found.length} entries for it (seq ${found.map((f) => f.seq).join(', ')}): written more than once`
          : e.kind !== wrote.kind || e.amount !== wrote.amount
            ? `the journal's entry (seq ${e.seq}) is a ${e.kind} of ${e.amount}`
            : e.account_id !== claim.accountId || e.authorization_id !== claim.authorizationId
              ? `the journal's entry (seq ${e.seq}) is for ${e.account_id}, authorization ${e.authorization_id}`
              : legsProblem(e);
      if (problem) {
        throw new ReadBackBroken(
          `${claim.exchange.request.method} ${claim.exchange.request.path} request_id ${claim.requestId} was answered ${answered} (a ${wrote.kind} of ${wrote.amount} on ${claim.accountId}, authorization ${claim.authorizationId}), but ${problem}`,
          await authorizationRead(r, claim.authorizationId, 1),
          [claim.exchange],
        );
      }
      written++;
    }
    const log = writeLogOf(ctx.client);
    const dropped = log && log.dropped > 0 ? `; ${log.dropped} later writes not recorded, not read back` : '';
    const replicas = r.replicas > 1 ? `, the same journal on all ${r.replicas} replicas` : '';
    return `${written} writes each have their one entry (kind, amount, legs), ${none} answered as writing nothing have none (${entries.length} entries since seq ${state.journalStart ?? 0}${replicas})${dropped}`;
}

/** 3. Every account the checks used: its balances are its journal since the check run began, on every replica. */
async function balancesAreTheJournal({ state, journalSince }: LedgerReads, r: RuleRun): Promise<string> {
    if (state.accountsAtStart.size === 0) throw new RuleSkipped('the accounts check did not run: no balances from before the writes to start from');
    const entries = await journalSince(r);
    let reads = 0;
    for (const [id, start] of state.accountsAtStart) {
      const own = entries.filter((e) => e.account_id === id);
      let available = start.available;
      let holds = start.holds;
      for (const e of own) {
        for (const leg of e.legs) {
          if (leg.book === availableBook(id)) available += leg.amount;
          else if (leg.book === heldBook(id)) holds += leg.amount;
        }
      }
      const version = start.version + own.length;
      for (let replica = 0; replica < r.replicas; replica++) {
        const ex = await r.send('GET /v1/accounts/{id}', { params: { id }, replica });
        reads++;
        const body = r.expect(ex, 200, `reading ${id}`);
        const shown = (k: string): JsonValue | undefined => body[k];
        if (shown('available') !== available || shown('holds') !== holds || shown('balance') !== available + holds || shown('version') !== version) {
          throw new RuleBroken(
            `${id}${r.replicas > 1 ? ` on replica ${replica + 1}` : ''} shows available ${JSON.stringify(shown('available'))}, holds ${JSON.stringify(shown('holds'))}, balance ${JSON.stringify(shown('balance'))}, version ${JSON.stringify(shown('version'))}; ` +
              `before the writes it showed available ${start.available}, holds ${start.holds} (version ${start.version}), and its ${own.length} journal entries since make available ${available}, holds ${holds}, balance ${available + holds}, version ${version}`,
            ex,
          );
        }
      }
    }
    return `${state.accountsAtStart.size} accounts: available, holds, balance and version are what they were moved by the journal since (${reads} reads)`;
}

/** 4. Every authorization written for: its counts are its journal entries'. */
async function authorizationsAreTheJournal({ journalSince, claimsOf }: LedgerReads, r: RuleRun): Promise<string> {
    const all = claimsOf();
    const entries = await journalSince(r);
    const counts = new Map<string, Record<string, number>>();
    for (const e of entries) {
      if (e.authorization_id === null) continue;
      const c = counts.get(e.authorization_id) ?? { hold: 0, release: 0, posting: 0, capture: 0, refund: 0 };
      c[e.kind] = (c[e.kind] ?? 0) + 1;
      counts.set(e.authorization_id, c);
    }
    // Those whose writes claim an entry first, then the rest, each once.
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const pass of [true, false]) {
      for (const c of all.values()) {
        if (Boolean(c.wrote) !== pass || seen.has(c.authorizationId)) continue;
        seen.add(c.authorizationId);
        ids.push(c.authorizationId);
      }
    }
    const read = ids.slice(0, MAX_AUTHORIZATION_READS);
    for (const [i, id] of read.entries()) {
      const c = counts.get(id) ?? { hold: 0, release: 0, posting: 0, capture: 0, refund: 0 };
      const ex = await r.send('GET /v1/authorizations/{id}', { params: { id }, replica: i });
      const body = r.expect(ex, 200, `reading authorization ${id}`);
      const want = { holds: c.hold ?? 0, releases: c.release ?? 0, postings: c.posting ?? 0, captures: c.capture ?? 0, refunds: c.refund ?? 0, held: (c.hold ?? 0) > 0 };
      const wrong = (Object.keys(want) as Array<keyof typeof want>).filter((k) => body[k] !== want[k]);
      if (wrong.length > 0) {
        const writes = [...all.values()].filter((w) => w.authorizationId === id).map((w) => w.exchange);
        throw new ReadBackBroken(
          `authorization ${id} reads ${wrong.map((k) => `${k}: ${JSON.stringify(body[k])}`).join(', ')}; its journal entries say ${wrong.map((k) => `${k}: ${JSON.stringify(want[k])}`).join(', ')}`,
          ex,
          writes.slice(-4),
        );
      }
    }
    const more = ids.length > read.length ? ` (the first ${read.length} of ${ids.length})` : '';
    return `${read.length} authorizations${more}: holds, releases, postings, captures, refunds and held as the journal has them`;
}

/** Where two reads of the journal differ, or null when they list the same entries. */
function firstDifference(a: readonly JournalRecord[], b: readonly JournalRecord[]): string | null {
  const key = (e: JournalRecord): string => `seq ${e.seq} ${e.kind} ${e.request_id} ${e.account_id} ${e.amount}`;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return `replica 1 has ${a.length} entries, this one ${b.length}`;
    if (key(x) !== key(y)) return `entry ${i + 1}: ${key(x)} vs ${key(y)}`;
  }
  return null;
}

/** Null when the entry's legs are its kind's (a capture of another amount than its hold has a third leg). */
function legsProblem(e: JournalRecord): string | null {
  const sum = e.legs.reduce((s, l) => s + l.amount, 0);
  if (sum !== 0) return `the journal's entry (seq ${e.seq}) has legs summing to ${sum}, not zero`;
  if (e.kind === 'capture' && e.legs.length === 3) return null;
  const want = expectedLegs({ kind: e.kind as 'hold', account_id: e.account_id, amount: e.amount });
  if (!want) return `the journal's entry (seq ${e.seq}) has the unknown kind ${JSON.stringify(e.kind)}`;
  const same = e.legs.length === 2 && want.every((w) => e.legs.some((l) => l.book === w.book && l.amount === w.amount));
  return same ? null : `the journal's entry (seq ${e.seq}) has legs ${JSON.stringify(e.legs)}; a ${e.kind} of ${e.amount} has ${JSON.stringify(want)}`;
}
