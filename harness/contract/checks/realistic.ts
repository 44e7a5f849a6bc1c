// What turns a value drawn from a request schema into a request a payment service meets in real traffic,
// without leaving the schema: every id is new (a generated `request_id` of `a` would otherwise be reused
// across cases: a conflict, not a test of the route), most requests name a seeded account in its own
// currency with its own card, half the reversals and advices point at an authorization an earlier case
// held, and what the contract ties together beyond its schemas holds (a feed event's `account.account_id`
// is its `account_id`). Seeded: the same seed makes the same requests.
import type { AccountSeed } from '../../../services/common/accounts.ts';
import type { Rng } from '../../../services/common/random.ts';
import { isObject } from '../generate.ts';
import type { JsonObject, JsonValue } from '../types.ts';
import type { ContractAccounts } from './accounts.ts';
import type { IdFactory } from './ids.ts';

/** Fields holding a key or an id that must be new for each request. */
const ID_FIELDS = new Set(['id', 'request_id', 'authorization_id', 'event_id', 'key']);

/** An authorization an earlier request held, for later reversals and advices to point at. */
export interface HeldAuthorization {
  authorizationId: string;
  account: AccountSeed;
  value: number;
}

export interface RealisticContext {
  accounts: ContractAccounts;
  ids: IdFactory;
  rng: Rng;
  held: readonly HeldAuthorization[];
}

/** A copy of a generated body made realistic; `writesAnAuthorization`: it creates one (a hold, an authorization). */
export function realisticBody(value: JsonValue, ctx: RealisticContext, writesAnAuthorization: boolean): JsonValue {
  const body = freshIds(structuredClone(value), ctx.ids);
  if (!isObject(body)) return body;
  if (Array.isArray(body.events)) {
    for (const event of body.events) if (isObject(event)) realisticEvent(event, ctx);
    return body;
  }
  if (typeof body.account_id !== 'string') return body;
  const earlier = !writesAnAuthorization && typeof body.authorization_id === 'string' && ctx.held.length > 0 && ctx.rng.chance(0.5) ? ctx.rng.pick(ctx.held) : undefined;
  if (earlier) {
    body.authorization_id = earlier.authorizationId;
    setAccount(body, earlier.account, 0);
    return body;
  }
  if (ctx.rng.chance(0.8)) setAccount(body, ctx.rng.pick(ctx.accounts.generated), ctx.rng.next());
  return body;
}

/** A generated path parameter: an account's id most of the time, where the route reads an account. */
export function realisticParams(params: Record<string, string>, path: string, ctx: RealisticContext): Record<string, string> {
  const out = { ...params };
  if (typeof out.id === 'string' && path.includes('/accounts/') && ctx.rng.chance(0.7)) out.id = ctx.rng.pick(ctx.accounts.generated).id;
  else if (typeof out.id === 'string' && path.includes('/authorizations/') && ctx.held.length > 0 && ctx.rng.chance(0.5)) out.id = ctx.rng.pick(ctx.held).authorizationId;
  return out;
}

/** The account, in its currency (mostly: `draw` below 0.85) and with its card (below 0.75). */
function setAccount(body: JsonObject, account: AccountSeed, draw: number): void {
  body.account_id = account.id;
  if (isObject(body.amount) && draw < 0.85) body.amount.currency = account.currency;
  if (isObject(body.card) && draw < 0.75) {
    body.card.token = account.card_token;
    body.card.last4 = account.card_last4;
  }
  if (typeof body.card_last4 === 'string' && draw < 0.75) body.card_last4 = account.card_last4;
}

function realisticEvent(event: JsonObject, ctx: RealisticContext): void {
  const snapshot = isObject(event.account) ? event.account : undefined;
  if (ctx.rng.chance(0.8)) {
    const account = ctx.rng.pick(ctx.accounts.generated);
    event.account_id = account.id;
    event.currency = account.currency;
    if (snapshot) {
      snapshot.currency = account.currency;
      snapshot.opening_balance = account.opening_balance;
    }
  }
  if (snapshot) snapshot.account_id = event.account_id ?? snapshot.account_id ?? '';
}

/** Every id-like field gets a new id that keeps (a little of) the generated characters. */
function freshIds(value: JsonValue, ids: IdFactory): JsonValue {
  if (Array.isArray(value)) return value.map((v) => freshIds(v, ids));
  if (!isObject(value)) return value;
  for (const [key, child] of Object.entries(value)) {
    if (ID_FIELDS.has(key) && typeof child === 'string') value[key] = ids.next('g', child.slice(0, 12));
    else value[key] = freshIds(child, ids);
  }
  return value;
}
