// What each answered write claims was written, read from the write and its answer, so the read-back check can
// compare it with what the service shows afterwards:
//   ledger     per request_id: the journal entry its first non-replayed answer says it wrote (a hold of the
//              amount asked; a release, refund, posting or capture of the amount answered), or none (a decline,
//              nothing_to_reverse, a replay, a refusal)
//   processor  per authorization id: holds (an approval), posts (an advice posted or captured), releases and
//              refunds (one per reversal id answered released or refunded)
//   feed       per event: the account snapshot it carries, from batches answered 200
import type { JsonObject, JsonValue } from '../types.ts';
import { bodyOf, statusOf } from './validate.ts';
import { answered, type Exchange } from './types.ts';

export type EntryKind = 'hold' | 'release' | 'refund' | 'posting' | 'capture';

export interface LedgerClaim {
  requestId: string;
  authorizationId: string;
  accountId: string;
  /** The entry the answer says was written, or null: nothing was. */
  wrote: { kind: EntryKind; amount: number } | null;
  /** The answer that decides it (the first that wrote, else the first answered). */
  exchange: Exchange;
  /** No answer at all: what happened is unknown. */
  unknown: boolean;
}

function requestBody(e: Exchange): JsonObject | undefined {
  try {
    const v = JSON.parse(e.request.body ?? '') as JsonValue;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const pathOf = (e: Exchange): string => e.request.path.split('?')[0] as string;

function amountValue(v: JsonValue | undefined): number | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.value === 'number' ? v.value : undefined;
}

/** What one ledger write's answer says it wrote (undefined: not a ledger write the read-back judges). */
function ledgerWrote(e: Exchange, body: JsonObject): LedgerClaim['wrote'] | undefined {
  const path = pathOf(e);
  if (path !== '/v1/holds' && path !== '/v1/releases' && path !== '/v1/postings') return undefined;
  if (statusOf(e.response) !== 200) return null;
  const answer = bodyOf(e.response);
  if (!answer || answer.replayed !== false) return null;
  if (path === '/v1/holds') {
    const asked = amountValue(body.amount);
    return answer.result === 'held' && asked !== undefined ? { kind: 'hold', amount: asked } : null;
  }
  const moved = amountValue(answer.amount);
  if (moved === undefined) return null;
  const kinds: Record<string, EntryKind> = path === '/v1/releases' ? { released: 'release', refunded: 'refund' } : { posted: 'posting', captured: 'capture' };
  const kind = typeof answer.result === 'string' ? kinds[answer.result] : undefined;
  return kind ? { kind, amount: moved } : null;
}

/** Per request_id (those starting with `prefix`: the check run's own), what the ledger's answers claim. */
export function ledgerClaims(writes: readonly Exchange[], prefix: string): Map<string, LedgerClaim> {
  const claims = new Map<string, LedgerClaim>();
  for (const e of writes) {
    const body = requestBody(e);
    if (!body || typeof body.request_id !== 'string' || !body.request_id.startsWith(prefix)) continue;
    if (typeof body.authorization_id !== 'string' || typeof body.account_id !== 'string') continue;
    const wrote = answered(e.response) ? ledgerWrote(e, body) : null;
    if (wrote === undefined) continue;
    const known = claims.get(body.request_id);
    if (!known) {
      claims.set(body.request_id, { requestId: body.request_id, authorizationId: body.authorization_id, accountId: body.account_id, wrote, exchange: e, unknown: !answered(e.response) });
      continue;
    }
    if (answered(e.response)) known.unknown = false;
    if (!known.wrote && wrote) {
      known.wrote = wrote;
      known.exchange = e;
      known.authorizationId = body.authorization_id;
      known.accountId = body.account_id;
    }
  }
  return claims;
}

export interface AuthorizationClaim {
  authorizationId: string;
  accountId: string;
  /** 1: approved; 0: only declined; undefined: never answered (or not by us). */
  holds?: number;
  /** Advices answered posted or captured (not replayed): the authorization is posted once. */
  posted: boolean;
  /** Reversal ids answered released / refunded (not replayed). */
  releases: Set<string>;
  refunds: Set<string>;
  /** The writes that claim it, first to last. */
  exchanges: Exchange[];
}

/** Per authorization id (the check run's own), what the processor's answers claim the ledger holds. */
export function processorClaims(writes: readonly Exchange[], prefix: string): Map<string, AuthorizationClaim> {
  const claims = new Map<string, AuthorizationClaim>();
  const claimOf = (id: string, accountId: string): AuthorizationClaim => {
    let c = claims.get(id);
    if (!c) {
      c = { authorizationId: id, accountId, posted: false, releases: new Set(), refunds: new Set(), exchanges: [] };
      claims.set(id, c);
    }
    return c;
  };
  for (const e of writes) {
    if (statusOf(e.response) !== 200) continue;
    const body = requestBody(e);
    const answer = bodyOf(e.response);
    if (!body || !answer || typeof body.id !== 'string' || typeof body.account_id !== 'string') continue;
    const path = pathOf(e);
    if (path === '/v1/authorizations') {
      if (!body.id.startsWith(prefix) || answer.replayed !== false) continue;
      const c = claimOf(body.id, body.account_id);
      c.exchanges.push(e);
      if (answer.decision === 'approved') c.holds = 1;
      else if (answer.decision === 'declined' && c.holds === undefined) c.holds = 0;
      continue;
    }
    const auth = body.authorization_id;
    if (typeof auth !== 'string' || !auth.startsWith(prefix) || answer.replayed !== false) continue;
    if (path === '/v1/advices' && (answer.result === 'posted' || answer.result === 'captured')) {
      const c = claimOf(auth, body.account_id);
      c.posted = true;
      c.exchanges.push(e);
    } else if (path === '/v1/reversals' && (answer.result === 'released' || answer.result === 'refunded')) {
      const c = claimOf(auth, body.account_id);
      (answer.result === 'released' ? c.releases : c.refunds).add(body.id);
      c.exchanges.push(e);
    }
  }
  return claims;
}

export interface EventClaim {
  eventId: string;
  accountId: string;
  version: number;
  available: number;
  balance: number;
  exchange: Exchange;
}

/** Every event of every batch the feed answered 200 (applied now, or a duplicate of one applied before). */
export function feedClaims(writes: readonly Exchange[]): EventClaim[] {
  const out: EventClaim[] = [];
  for (const e of writes) {
    if (pathOf(e) !== '/v1/events' || statusOf(e.response) !== 200) continue;
    const events = requestBody(e)?.events;
    if (!Array.isArray(events)) continue;
    for (const ev of events) {
      if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) continue;
      const snapshot = ev.account;
      if (typeof ev.event_id !== 'string' || typeof ev.account_id !== 'string' || snapshot === null || typeof snapshot !== 'object' || Array.isArray(snapshot)) continue;
      const { version, available, balance } = snapshot;
      if (typeof version !== 'number' || typeof available !== 'number' || typeof balance !== 'number') continue;
      out.push({ eventId: ev.event_id, accountId: ev.account_id, version, available, balance, exchange: e });
    }
  }
  return out;
}
