// One sender per kind of request: it sends over HTTP and turns whatever happens into the request's one
// HistoryRecord (the outcome table is in card-network.ts). Senders never throw and never emit: the
// CardNetwork emits what they return.
import { performance } from 'node:perf_hooks';
import type { AuthorizationRequest, ReversalRequest, ReversalResponse } from '../../../services/card-processor/contract.ts';
import type { HistoryRecord } from '../../history/record.ts';
import type { NetworkSpec } from '../../scenario/schema.ts';
import type { SendTiming } from '../load/send-timing.ts';
import { judgeConflictAnswer } from '../requests/conflicting-retries.ts';
import type { ConflictingRetry } from '../requests/planned-request.ts';
import { appReadProblem, failureOf, forwardAnswerProblem, isAuthorizationResponse } from './answers.ts';
import type { HttpClient, HttpResult } from './http-client.ts';
import type { StandIn } from './stand-in.ts';

/** What a sender uses of the network: its clients, its rules, and where owed messages go. */
export interface SendContext {
  processors: HttpClient;
  /** Absent: app reads fail (no feed URL configured). */
  feeds: HttpClient | undefined;
  network: NetworkSpec;
  appTimeoutMs: number;
  standIn: StandIn;
  /** Names of the fault windows active at an intended send time. */
  faultsAt(intendedMs: number): string[];
  /** Queues the advice of a stand-in approval. */
  queueAdvice(auth: AuthorizationRequest): void;
  /** Queues the timeout reversal of an authorization the issuer may have held. */
  queueTimeoutReversal(auth: AuthorizationRequest): void;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** From the intended send time to now: the no-coordinated-omission latency. */
const latencySince = (timing: SendTiming): number => round3(performance.now() - timing.intended_at);

/** One authorization, with the issuer deadline and stand-in. */
export async function sendAuthorization(ctx: SendContext, body: AuthorizationRequest, timing: SendTiming): Promise<HistoryRecord> {
  const res = await ctx.processors.post('/v1/authorizations', body, ctx.network.issuer_deadline_ms);
  const record: HistoryRecord = {
    id: body.id,
    kind: 'authorization',
    account_id: body.account_id,
    amount: body.amount.value,
    currency: body.amount.currency,
    card_last4: body.card.last4,
    intended_ms: timing.intended_ms,
    sent_ms: timing.sent_ms,
    latency_ms: latencySince(timing),
    outcome: 'failed',
    status: res.status,
    faults: ctx.faultsAt(timing.intended_ms),
    late: timing.late,
  };
  if (res.status >= 200 && res.status < 300 && isAuthorizationResponse(res.body, body.id)) {
    record.outcome = res.body.decision;
    record.issuer_decision = res.body.decision;
    record.reason = res.body.reason;
    if (res.body.decision === 'declined') record.card_token = body.card.token;
    if (typeof res.body.ledger_attempts === 'number') record.attempts = res.body.ledger_attempts;
    return record;
  }
  const failure = failureOf(res, 'network->processor');
  record.error = failure.error;
  if (failure.attempts !== undefined) record.attempts = failure.attempts;
  if (failure.standIn && ctx.standIn.enabled) {
    record.outcome = ctx.standIn.decide(body.card.token, body.amount.value);
    record.card_token = body.card.token; // stand-in decides per card: declines-justified judges by it
    if (record.outcome === 'standin_approved') ctx.queueAdvice(body);
    else if (failure.ambiguous) ctx.queueTimeoutReversal(body);
  } else if (failure.standIn && failure.ambiguous) {
    record.outcome = 'unknown';
    ctx.queueTimeoutReversal(body);
  } else {
    record.outcome = 'failed';
  }
  return record;
}

/** A reversal from the plan: ok when the issuer accepted it (2xx). */
export async function sendReversal(ctx: SendContext, body: ReversalRequest, timing: SendTiming): Promise<HistoryRecord> {
  const res = await ctx.processors.post('/v1/reversals', body, ctx.network.issuer_deadline_ms);
  // A 2xx outside the contract is not an accepted reversal: failureOf reads it as bad_answer.
  const ok = res.status >= 200 && res.status < 300 && forwardAnswerProblem('/v1/reversals', res.body, body.id) === null;
  const record: HistoryRecord = {
    id: body.id,
    kind: 'reversal',
    account_id: body.account_id,
    authorization_id: body.authorization_id,
    amount: body.amount.value,
    currency: body.amount.currency,
    intended_ms: timing.intended_ms,
    sent_ms: timing.sent_ms,
    latency_ms: latencySince(timing),
    outcome: ok ? 'ok' : 'error',
    status: res.status,
    faults: ctx.faultsAt(timing.intended_ms),
    late: timing.late,
  };
  if (ok) {
    const result = (res.body as Partial<ReversalResponse> | undefined)?.result;
    if (typeof result === 'string') record.reason = result;
  } else {
    const failure = failureOf(res, 'network->processor');
    record.error = failure.error;
    if (failure.attempts !== undefined) record.attempts = failure.attempts;
  }
  return record;
}

/** A customer's app refreshing its balance or feed. */
export async function sendAppRead(ctx: SendContext, kind: 'balance' | 'feed', accountId: string, id: string, timing: SendTiming): Promise<HistoryRecord> {
  const path = `/v1/accounts/${encodeURIComponent(accountId)}/${kind}`;
  const res: HttpResult = ctx.feeds
    ? await ctx.feeds.get(path, ctx.appTimeoutMs)
    : { status: 0, body: undefined, cause: 'other', error: 'no feed URL configured', written: false, baseUrl: '' };
  // A 2xx the app cannot read (no balance, another account's, not JSON) is a failed read: bad_answer at app->feed.
  const ok = res.status >= 200 && res.status < 300 && appReadProblem(kind, res.body, accountId) === null;
  const record: HistoryRecord = {
    id,
    kind,
    account_id: accountId,
    intended_ms: timing.intended_ms,
    sent_ms: timing.sent_ms,
    latency_ms: latencySince(timing),
    outcome: ok ? 'ok' : 'error',
    status: res.status,
    faults: ctx.faultsAt(timing.intended_ms),
    late: timing.late,
  };
  if (!ok) record.error = failureOf(res, 'app->feed').error;
  return record;
}

/**
 * An authorization's id resent with other content: a correct issuer refuses it (409). `timing.sent_ms` is when
 * it really left; `waitedMs`, how long it waited for its original's answer first (when it had to).
 */
export async function sendConflictingRetry(ctx: SendContext, req: ConflictingRetry, timing: SendTiming, waitedMs?: number): Promise<HistoryRecord> {
  const b = req.body;
  const res = await ctx.processors.post('/v1/authorizations', b, ctx.network.issuer_deadline_ms);
  // A 2xx outside the contract says nothing about the key: unanswered (bad_answer), neither refused nor accepted.
  const readable = res.status < 200 || res.status >= 300 || isAuthorizationResponse(res.body, b.id);
  const answer = readable ? judgeConflictAnswer(res.status, res.body, req) : 'unanswered';
  const record: HistoryRecord = {
    id: b.id,
    kind: 'conflicting_retry',
    account_id: b.account_id,
    amount: b.amount.value,
    currency: b.amount.currency,
    card_last4: b.card.last4,
    intended_ms: timing.intended_ms,
    sent_ms: timing.sent_ms,
    latency_ms: latencySince(timing),
    outcome: answer === 'refused' ? 'ok' : 'error',
    status: res.status,
    reason: answer,
    faults: ctx.faultsAt(timing.intended_ms),
    late: timing.late,
  };
  if (waitedMs !== undefined) record.waited_ms = waitedMs;
  if (req.original_account_id !== undefined) record.original_account_id = req.original_account_id;
  record.original_amount = req.original_amount;
  if (answer === 'unanswered') record.error = failureOf(res, 'network->processor').error;
  return record;
}
