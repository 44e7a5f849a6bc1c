// Check 4: idempotency by content, on every replica. For each write route: a request, then the very same
// request again (to the next replica when there are several) must get the same answer with
// `replayed: true`; then the same key with other content must be refused — 409 (or 422) with a JSON error
// naming the key and the field that differs — and never answered with the first answer. The feed is
// idempotent by event id: a batch sent again is all duplicates and applies nothing.
import type { ContractRoute, JsonObject } from '../types.ts';
import { answerDifference } from './answers.ts';
import * as b from './bodies.ts';
import { idOwnershipRules } from './id-ownership.ts';
import { requestFor } from './requests.ts';
import { runRules } from './rule-rows.ts';
import { answerProblem, bodyOf, describeStatus, statusOf } from './validate.ts';
import { routeName, type CheckContext, type CheckResult, type ContractCheck, type Exchange } from './types.ts';

/** One key used twice with the same content and once with other content. */
interface KeyCase {
  subject: string;
  route: string;
  /** The key the request carries (its id, request_id or idempotency key). */
  key: string;
  /** Requests that must succeed first (the authorization a reversal reverses). */
  setup?: Array<{ route: string; body: JsonObject }>;
  first: JsonObject;
  /** The same key, with `differs` changed. */
  other: JsonObject;
  /** Where the reuse goes, when another route than the first use (an id is the service's, whatever the route). */
  otherRoute?: string;
  differs: string;
}

export const idempotencyCheck: ContractCheck = {
  family: 'idempotency',
  async run(ctx: CheckContext): Promise<CheckResult[]> {
    if (ctx.service === 'feed') return [await feedDuplicates(ctx)];
    const results: CheckResult[] = [];
    for (const c of keyCases(ctx)) {
      if (ctx.client.refused) break;
      const route = findRoute(ctx, c.route);
      if (route) results.push(...(await runKeyCase(ctx, route, c)));
    }
    if (ctx.service === 'card-processor') results.push(...(await runRules(ctx, 'idempotency', idOwnershipRules(ctx))));
    return results;
  },
};

/** Two rows: the same request again (`… repeated`), and the same key with other content (`… reused`). */
async function runKeyCase(ctx: CheckContext, route: ContractRoute, c: KeyCase): Promise<CheckResult[]> {
  const session = ctx.client.session();
  const repeated = `${c.subject}: repeated`;
  const reused = `${c.subject}: other ${c.differs}`;
  const row = (subject: string, reason: string | null, detail: string, exchange?: Exchange, context: Exchange[] = []): CheckResult =>
    reason === null
      ? { family: 'idempotency', subject, verdict: 'pass', requests: session.count, detail }
      : { family: 'idempotency', subject, verdict: 'fail', requests: session.count, detail: reason, failure: { reason, ...(exchange ? { exchange } : {}), context: [...context] } };
  const notRun = (why: string): CheckResult => ({ family: 'idempotency', subject: reused, verdict: 'skip', requests: 0, detail: `not run: ${why}` });

  const context: Exchange[] = [];
  for (const step of c.setup ?? []) {
    const setupRoute = findRoute(ctx, step.route);
    if (!setupRoute) continue;
    const exchange = await session.send(requestFor(setupRoute, { body: step.body }));
    if (statusOf(exchange.response) !== 200) return [row(repeated, `setting up: ${step.route} answered ${describeStatus(exchange.response)}, expected 200`, '', exchange, context), notRun('the set-up failed')];
    context.push(exchange);
  }
  const other = session.replicas > 1 ? 1 : 0;
  const on = other ? ' on another replica' : '';
  const first = await session.send(requestFor(route, { body: c.first, replica: 0 }));
  const firstProblem = statusOf(first.response) === 200 ? answerProblem(route, first.response) : `answered ${describeStatus(first.response)}, expected 200`;
  if (firstProblem) return [row(repeated, `the first use of key ${c.key}: ${firstProblem}`, '', first, context), notRun('the first use failed')];
  context.push(first);

  const retry = await session.send(requestFor(route, { body: c.first, replica: other }));
  const rows = [row(repeated, retryProblem(first, retry, on), `the same request again${on}: the first answer, replayed: true`, retry, context)];
  const sent = session.count;

  const reuseRoute = c.otherRoute ? findRoute(ctx, c.otherRoute) : route;
  if (!reuseRoute) return [rows[0] as CheckResult, notRun(`the contract has no ${c.otherRoute}`)];
  const reuse = await session.send(requestFor(reuseRoute, { body: c.other, replica: other }));
  const problem = reuseProblem(first, reuse, c, on);
  const body = bodyOf(reuse.response);
  const code = typeof body?.code === 'string' ? ` ${body.code}` : '';
  const reuseRow = row(reused, problem, `${statusOf(reuse.response) ?? ''}${code}, naming the key and ${c.differs}`, reuse, context);
  rows[0] = { ...(rows[0] as CheckResult), requests: sent };
  rows.push({ ...reuseRow, requests: session.count - sent });
  return rows;
}

function retryProblem(first: Exchange, retry: Exchange, on: string): string | null {
  if (statusOf(retry.response) !== 200) return `the same request again${on} answered ${describeStatus(retry.response)}, expected 200 with the first answer`;
  const differs = answerDifference(first.response, retry.response);
  if (differs) return `the same request again${on} got another answer than the first (${differs} differs), expected the first answer with replayed: true`;
  const replayed = bodyOf(retry.response)?.replayed;
  if (replayed !== true) return `the same request again${on} answered with replayed: ${JSON.stringify(replayed)}, expected true`;
  return null;
}

function reuseProblem(first: Exchange, reuse: Exchange, c: KeyCase, on: string): string | null {
  const what = `key ${c.key} reused with another ${c.differs}${on}`;
  const status = statusOf(reuse.response);
  if (status === 200 && !answerDifference(first.response, reuse.response)) return `${what} was answered with the first answer, expected 409 idempotency_conflict`;
  if (status !== 409 && status !== 422) return `${what} answered ${describeStatus(reuse.response)}, expected 409 idempotency_conflict`;
  const body = bodyOf(reuse.response);
  const error = typeof body?.error === 'string' ? body.error : undefined;
  if (error === undefined) return `${what}: ${status} without a JSON error body`;
  if (body?.key !== c.key && !error.includes(c.key)) return `${what}: the ${status} does not name the key (as \`key\` or in \`error\`)`;
  const fields = Array.isArray(body?.fields) ? body.fields : [];
  if (!fields.includes(c.differs) && !error.includes(c.differs.split('.')[0] as string)) return `${what}: the ${status} does not name the field that differs (as \`fields\` or in \`error\`)`;
  return null;
}

function keyCases(ctx: CheckContext): KeyCase[] {
  const account = ctx.accounts.idempotency;
  const gbp = (value: number): b.Money => b.money(value, account.currency);
  const ids = ctx.ids;
  if (ctx.service === 'card-processor') {
    const auth = ids.next('idem');
    const authorized = ids.next('idem');
    const advised = ids.next('idem');
    const reversal = ids.next('idem');
    const advisedAuth = ids.next('idem-auth');
    const payment = (id: string, value: number): JsonObject => b.authorization({ id, account, amount: gbp(value) });
    const mismatched = ids.next('idem');
    const foreign = ctx.accounts.all.find((a) => a.card_token !== account.card_token) ?? account;
    const card = { token: foreign.card_token, last4: foreign.card_last4 };
    const advisedAgain = ids.next('idem');
    const advisedAgainAuth = ids.next('idem-auth');
    return [
      { subject: 'POST /v1/authorizations id', route: 'POST /v1/authorizations', key: auth, first: payment(auth, 410), other: payment(auth, 510), differs: 'amount.value' },
      {
        // A decline is an answer: its id is used up like any other (only a refusal leaves it free).
        subject: 'POST /v1/authorizations id (declined card_mismatch)',
        route: 'POST /v1/authorizations',
        key: mismatched,
        first: b.authorization({ id: mismatched, account, amount: gbp(430), card }),
        other: b.authorization({ id: mismatched, account, amount: gbp(530), card }),
        differs: 'amount.value',
      },
      {
        // What a processor that only forwards amounts to its ledger cannot see: the same advice id, another merchant.
        subject: 'POST /v1/advices id (another merchant)',
        route: 'POST /v1/advices',
        key: advisedAgain,
        first: b.advice({ id: advisedAgain, authorizationId: advisedAgainAuth, account, amount: gbp(330) }),
        other: b.advice({ id: advisedAgain, authorizationId: advisedAgainAuth, account, amount: gbp(330), merchant: 1 }),
        differs: 'merchant.name',
      },
      {
        subject: 'POST /v1/advices id',
        route: 'POST /v1/advices',
        key: advised,
        first: b.advice({ id: advised, authorizationId: advisedAuth, account, amount: gbp(320) }),
        other: b.advice({ id: advised, authorizationId: advisedAuth, account, amount: gbp(420) }),
        differs: 'amount.value',
      },
      {
        subject: 'POST /v1/reversals id',
        route: 'POST /v1/reversals',
        key: reversal,
        setup: [{ route: 'POST /v1/authorizations', body: payment(authorized, 2000) }],
        first: b.reversal({ id: reversal, authorizationId: authorized, account, amount: gbp(500) }),
        other: b.reversal({ id: reversal, authorizationId: authorized, account, amount: gbp(600) }),
        differs: 'amount.value',
      },
    ];
  }
  const write = (requestId: string, authorizationId: string, value: number): b.LedgerWrite => ({ request_id: requestId, authorization_id: authorizationId, account_id: account.id, amount: gbp(value) });
  const [held, released, posted, claimed, crossed] = [ids.next('idem'), ids.next('idem'), ids.next('idem'), ids.next('idem-key'), ids.next('idem')];
  const crossedAuth = ids.next('idem-auth');
  const releasedAuth = ids.next('idem-auth');
  const postedAuth = ids.next('idem-auth');
  const heldAuth = ids.next('idem-auth');
  const claimAuth = ids.next('idem-auth');
  const claim = (value: number): JsonObject => ({ scope: 'authorization', key: claimed, fields: { account_id: account.id, 'amount.value': value, 'amount.currency': account.currency } });
  const recordKey = ids.next('idem-key');
  return [
    { subject: 'POST /v1/holds request_id', route: 'POST /v1/holds', key: held, first: b.hold(write(held, heldAuth, 1000)), other: b.hold(write(held, heldAuth, 1100)), differs: 'amount.value' },
    {
      subject: 'POST /v1/releases request_id',
      route: 'POST /v1/releases',
      key: released,
      setup: [{ route: 'POST /v1/holds', body: b.hold(write(ids.next('idem'), releasedAuth, 2000)) }],
      first: b.release(write(released, releasedAuth, 500)),
      other: b.release(write(released, releasedAuth, 600)),
      differs: 'amount.value',
    },
    { subject: 'POST /v1/postings request_id', route: 'POST /v1/postings', key: posted, first: b.posting(write(posted, postedAuth, 300)), other: b.posting(write(posted, postedAuth, 400)), differs: 'amount.value' },
    {
      // One request_id space across routes: a release may not reuse a hold's request_id (nothing is released).
      subject: 'POST /v1/holds request_id (then a release)',
      route: 'POST /v1/holds',
      otherRoute: 'POST /v1/releases',
      key: crossed,
      first: b.hold(write(crossed, crossedAuth, 600)),
      other: b.release(write(crossed, crossedAuth, 600)),
      differs: 'operation',
    },
    {
      subject: 'POST /v1/holds idempotency.key',
      route: 'POST /v1/holds',
      key: claimed,
      first: { ...b.hold(write(ids.next('idem'), claimAuth, 700)), idempotency: claim(700) },
      // Another request_id and authorization: only the caller's key ties the two together.
      other: { ...b.hold(write(ids.next('idem'), ids.next('idem-auth'), 800)), idempotency: claim(800) },
      differs: 'amount.value',
    },
    {
      subject: 'POST /v1/idempotency-records idempotency.key',
      route: 'POST /v1/idempotency-records',
      key: recordKey,
      first: b.idempotencyRecord(recordKey, account, 1250),
      other: b.idempotencyRecord(recordKey, account, 1350),
      differs: 'amount.value',
    },
  ];
}

/** The feed: a batch sent again is all duplicates. */
async function feedDuplicates(ctx: CheckContext): Promise<CheckResult> {
  const route = findRoute(ctx, 'POST /v1/events');
  const session = ctx.client.session();
  const subject = 'POST /v1/events event_id: repeated';
  if (!route) return { family: 'idempotency', subject, verdict: 'skip', requests: 0, detail: 'the contract has no POST /v1/events' };
  const account = ctx.accounts.idempotency;
  const auth = ctx.ids.next('idem-auth');
  const at = Date.now();
  const batch = {
    events: [
      b.feedEvent(ctx.ids.next('idem-evt'), auth, 'hold', 640, { account, version: 1_000_001, available: account.opening_balance - 640, holds: 640 }, at),
      b.feedEvent(ctx.ids.next('idem-evt'), auth, 'release', 640, { account, version: 1_000_002, available: account.opening_balance, holds: 0 }, at + 1),
    ],
  };
  const other = session.replicas > 1 ? 1 : 0;
  const fail = (reason: string, exchange: Exchange, context: Exchange[] = []): CheckResult => ({ family: 'idempotency', subject, verdict: 'fail', requests: session.count, detail: reason, failure: { reason, exchange, context } });
  const first = await session.send(requestFor(route, { body: batch }));
  const firstBody = bodyOf(first.response);
  if (statusOf(first.response) !== 200 || firstBody?.applied !== 2) return fail(`a batch of two new events answered ${describeStatus(first.response)}, expected 200 with applied: 2`, first);
  const again = await session.send(requestFor(route, { body: batch, replica: other }));
  const body = bodyOf(again.response);
  if (statusOf(again.response) !== 200) return fail(`the same batch again answered ${describeStatus(again.response)}, expected 200`, again, [first]);
  if (body?.applied !== 0 || body?.duplicates !== 2) {
    return fail(`the same batch again was applied again (applied: ${JSON.stringify(body?.applied)}, duplicates: ${JSON.stringify(body?.duplicates)}), expected applied: 0, duplicates: 2`, again, [first]);
  }
  return { family: 'idempotency', subject, verdict: 'pass', requests: session.count, detail: 'the same batch again: applied 0, duplicates 2' };
}

function findRoute(ctx: CheckContext, name: string): ContractRoute | undefined {
  return ctx.routes.find((r) => routeName(r) === name);
}
