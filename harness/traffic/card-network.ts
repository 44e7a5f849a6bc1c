// The card-network emulator: what sits between the merchant's terminal and the issuer processor.
// It sends each authorization with the issuer deadline and turns whatever happens into one outcome:
//
//   issuer answered (2xx approved/declined)     -> approved / declined
//   no usable answer: timeout, connection error, 5xx
//     stand-in on                               -> standin_approved (under the per-card limit; advice queued)
//                                                  standin_declined (over it; a timeout reversal is queued
//                                                  when the request may have reached the issuer)
//     stand-in off, request may have been processed (timeout or reset after the request was written,
//       or a 2xx we could not read)             -> unknown (a timeout reversal is queued, ISO 8583 practice)
//     stand-in off, it cannot have been processed or the issuer said it failed
//       (refused; reset or timeout before the request was written, e.g. queued
//       behind the client's connection limit; 5xx) -> failed
//   4xx                                         -> failed (a bad request: no stand-in, nothing to reverse)
//
// Advices and timeout reversals wait in the store-and-forward queue until the runner calls
// deliverAdvices() after the faults heal. Reversals from the traffic plan go to POST /v1/reversals and
// app reads to the feed API. Every request yields exactly one HistoryRecord (onRecord), advices and
// timeout reversals too (when delivered or rejected, or from finalize() if never accepted).
import { performance } from 'node:perf_hooks';
import type {
  AdviceRequest,
  AuthorizationRequest,
  AuthorizationResponse,
  ReversalRequest,
  ReversalResponse,
} from '../../services/card-processor/contract.ts';
import { CAUSES, HOPS, mayHaveCommitted, type Cause, type HopFailureBody, type Hop } from '../../services/common/failure.ts';
import { hashSeed } from '../../services/common/random.ts';
import { AUTH_OUTCOMES, type AuthOutcome, type HistoryRecord } from '../history/record.ts';
import type { NetworkSpec } from '../scenario/schema.ts';
import { AdviceQueue, type AttemptResult, type ForwardMessage, type QueueCounts } from './advice-queue.ts';
import type { PlannedRequest } from './generator.ts';
import { judgeConflictAnswer, type ConflictingRetry } from './conflicting-retries.ts';
import { HttpClient, type HttpResult } from './http-client.ts';
import type { SendTiming } from './open-model.ts';
import { StandIn } from './stand-in.ts';

export interface CardNetworkOptions {
  /** Base URLs of the card processors (or their proxies), used round-robin. */
  processorUrls: readonly string[];
  /** Base URLs of the feed/balance API for app reads. */
  feedUrls?: readonly string[];
  network: NetworkSpec;
  /** Names of the fault windows active at an intended send time (ms from the start of traffic). */
  activeFaults?: (intendedMs: number) => string[];
  /** Receives every HistoryRecord as it is made. */
  onRecord?: (record: HistoryRecord) => void;
  /** Connections per processor / feed URL (default 512). */
  connections?: number;
  /** Timeout for app reads (default: the issuer deadline). */
  appTimeoutMs?: number;
  /** performance.now() at the start of traffic (default: learnt from the first SendTiming, else now). */
  startAt?: number;
  /** Advice / reversal deliveries in flight at once (default 32). */
  adviceConcurrency?: number;
}

export interface ForwardReport {
  advices: QueueCounts;
  /** Timeout reversals the network queued itself (not the plan's reversals). */
  timeout_reversals: QueueCounts;
}

export interface CardNetworkStats extends ForwardReport {
  authorizations: Record<AuthOutcome, number> & { total: number };
  reversals: { total: number; ok: number };
  app: { total: number; ok: number };
  dropped: number;
  standin: { approved: number; declined: number; cards: number };
}

const MAX_ID = 64;

/** `<prefix>-<id>`, kept within the 64-character id limit (long ids are shortened with a hash). */
export function derivedId(prefix: string, id: string): string {
  const plain = `${prefix}-${id}`;
  if (plain.length <= MAX_ID) return plain;
  const hash = hashSeed(id).toString(16).padStart(8, '0');
  return `${prefix}-${hash}-${id.slice(-(MAX_ID - prefix.length - hash.length - 2))}`;
}

/** The advice id for a stand-in approval: `adv-<authorization id>`. */
export const adviceIdFor = (authorizationId: string): string => derivedId('adv', authorizationId);
/** The id of the reversal the network sends for an ambiguous authorization: `trev-<authorization id>`. */
export const timeoutReversalIdFor = (authorizationId: string): string => derivedId('trev', authorizationId);

function isHopFailure(body: unknown): body is HopFailureBody {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as { hop?: unknown; cause?: unknown };
  return typeof b.hop === 'string' && (HOPS as readonly string[]).includes(b.hop) && typeof b.cause === 'string' && (CAUSES as readonly string[]).includes(b.cause);
}

function isAuthorizationResponse(body: unknown): body is AuthorizationResponse {
  if (typeof body !== 'object' || body === null) return false;
  const d = (body as { decision?: unknown }).decision;
  return d === 'approved' || d === 'declined';
}

interface Failure {
  error: { hop: Hop; cause: Cause };
  /** The issuer may have processed it (so its state is unknown). */
  ambiguous: boolean;
  /** Stand-in may answer in the issuer's place (timeout, connection error, 5xx). */
  standIn: boolean;
  attempts?: number;
}

/** Why an answer is not a usable issuer answer, for a request sent over `hop`. */
function failureOf(res: HttpResult, hop: Hop): Failure {
  if (res.status === 0) {
    const cause = res.cause ?? 'other';
    const ambiguous = res.written && cause !== 'connection_refused';
    return { error: { hop, cause }, ambiguous, standIn: true };
  }
  if (res.status >= 500) {
    const body = res.body;
    if (isHopFailure(body)) {
      // The processor gave up on the ledger after sending it the hold (a timeout or a reset): the hold may
      // have committed anyway, so the outcome is ambiguous and deserves a reversal, like a timeout here.
      const ambiguous = mayHaveCommitted(body.hop, body.cause);
      return { error: { hop: body.hop, cause: body.cause }, ambiguous, standIn: true, attempts: body.attempts };
    }
    return { error: { hop, cause: 'http_5xx' }, ambiguous: false, standIn: true };
  }
  if (res.status >= 200 && res.status < 300) {
    // The issuer answered but we cannot read what it said: it may well have held the money.
    return { error: { hop, cause: 'other' }, ambiguous: true, standIn: true };
  }
  return { error: { hop, cause: res.status >= 400 && res.status < 500 ? 'http_4xx' : 'other' }, ambiguous: false, standIn: false };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class CardNetwork {
  readonly #processors: HttpClient;
  readonly #feeds: HttpClient | undefined;
  readonly #network: NetworkSpec;
  readonly #standIn: StandIn;
  readonly #queue: AdviceQueue;
  readonly #activeFaults: (intendedMs: number) => string[];
  readonly #onRecord: ((record: HistoryRecord) => void) | undefined;
  readonly #appTimeoutMs: number;
  readonly #adviceConcurrency: number;
  #startAt: number | undefined;
  readonly #outcomes: Record<AuthOutcome, number> = Object.fromEntries(AUTH_OUTCOMES.map((o) => [o, 0])) as Record<AuthOutcome, number>;
  #reversals = { total: 0, ok: 0 };
  #app = { total: 0, ok: 0 };
  #dropped = 0;
  #finalized = false;

  constructor(opts: CardNetworkOptions) {
    this.#network = opts.network;
    this.#processors = new HttpClient(opts.processorUrls, { connections: opts.connections });
    this.#feeds = opts.feedUrls && opts.feedUrls.length > 0 ? new HttpClient(opts.feedUrls, { connections: opts.connections }) : undefined;
    this.#standIn = new StandIn(opts.network.standin);
    this.#activeFaults = opts.activeFaults ?? (() => []);
    this.#onRecord = opts.onRecord;
    this.#appTimeoutMs = opts.appTimeoutMs ?? opts.network.issuer_deadline_ms;
    this.#adviceConcurrency = opts.adviceConcurrency ?? 32;
    this.#startAt = opts.startAt;
    this.#queue = new AdviceQueue((m) => this.#emit(this.#forwardRecord(m)));
  }

  /** Milliseconds since the start of traffic. */
  #now(): number {
    this.#startAt ??= performance.now();
    return round3(performance.now() - this.#startAt);
  }

  #emit(record: HistoryRecord): HistoryRecord {
    this.#onRecord?.(record);
    return record;
  }

  /** Sends one planned request and resolves with its HistoryRecord (never rejects). */
  async send(req: PlannedRequest, timing: SendTiming): Promise<HistoryRecord> {
    this.#startAt ??= timing.intended_at - timing.intended_ms;
    switch (req.kind) {
      case 'authorization':
        return this.authorize(req.body, timing);
      case 'reversal':
        return this.reverse(req.body, timing);
      case 'conflicting_retry':
        return this.conflictingRetry(req, timing);
      default:
        return this.readApp(req.kind, req.account_id, req.id, timing);
    }
  }

  /** Records a request the open model could not send (in-flight cap): dropped, never silently skipped. */
  drop(req: PlannedRequest, timing: SendTiming): HistoryRecord {
    this.#startAt ??= timing.intended_at - timing.intended_ms;
    this.#dropped++;
    const base = {
      intended_ms: timing.intended_ms,
      sent_ms: timing.sent_ms,
      latency_ms: 0,
      status: 0,
      faults: this.#activeFaults(timing.intended_ms),
      late: timing.late,
      dropped: true,
    };
    switch (req.kind) {
      case 'authorization': {
        const b = req.body;
        this.#outcomes.failed++;
        return this.#emit({
          id: b.id,
          kind: 'authorization',
          account_id: b.account_id,
          amount: b.amount.value,
          currency: b.amount.currency,
          card_last4: b.card.last4,
          outcome: 'failed',
          error: { hop: 'network->processor', cause: 'other' },
          ...base,
        });
      }
      case 'reversal': {
        const b = req.body;
        this.#reversals.total++;
        return this.#emit({
          id: b.id,
          kind: 'reversal',
          account_id: b.account_id,
          authorization_id: b.authorization_id,
          amount: b.amount.value,
          currency: b.amount.currency,
          outcome: 'error',
          error: { hop: 'network->processor', cause: 'other' },
          ...base,
        });
      }
      case 'conflicting_retry': {
        const b = req.body;
        return this.#emit({ id: b.id, kind: 'conflicting_retry', account_id: b.account_id, amount: b.amount.value, currency: b.amount.currency, outcome: 'error', reason: 'unanswered', error: { hop: 'network->processor', cause: 'other' }, ...base });
      }
      default:
        this.#app.total++;
        return this.#emit({ id: req.id, kind: req.kind, account_id: req.account_id, outcome: 'error', error: { hop: 'app->feed', cause: 'other' }, ...base });
    }
  }

  /** An authorization's id resent with other content: a correct issuer refuses it (409). */
  async conflictingRetry(req: ConflictingRetry, timing: SendTiming): Promise<HistoryRecord> {
    const b = req.body;
    const res = await this.#processors.post('/v1/authorizations', b, this.#network.issuer_deadline_ms);
    const answer = judgeConflictAnswer(res.status, res.body, req);
    const record: HistoryRecord = {
      id: b.id,
      kind: 'conflicting_retry',
      account_id: b.account_id,
      amount: b.amount.value,
      currency: b.amount.currency,
      card_last4: b.card.last4,
      intended_ms: timing.intended_ms,
      sent_ms: timing.sent_ms,
      latency_ms: round3(performance.now() - timing.intended_at),
      outcome: answer === 'refused' ? 'ok' : 'error',
      status: res.status,
      reason: answer,
      faults: this.#activeFaults(timing.intended_ms),
      late: timing.late,
    };
    if (answer === 'unanswered') record.error = failureOf(res, 'network->processor').error;
    return this.#emit(record);
  }

  /** One authorization, with the issuer deadline and stand-in. */
  async authorize(body: AuthorizationRequest, timing: SendTiming): Promise<HistoryRecord> {
    const res = await this.#processors.post('/v1/authorizations', body, this.#network.issuer_deadline_ms);
    const record: HistoryRecord = {
      id: body.id,
      kind: 'authorization',
      account_id: body.account_id,
      amount: body.amount.value,
      currency: body.amount.currency,
      card_last4: body.card.last4,
      intended_ms: timing.intended_ms,
      sent_ms: timing.sent_ms,
      latency_ms: round3(performance.now() - timing.intended_at),
      outcome: 'failed',
      status: res.status,
      faults: this.#activeFaults(timing.intended_ms),
      late: timing.late,
    };
    if (res.status >= 200 && res.status < 300 && isAuthorizationResponse(res.body)) {
      record.outcome = res.body.decision;
      record.issuer_decision = res.body.decision;
      record.reason = res.body.reason;
      if (typeof res.body.ledger_attempts === 'number') record.attempts = res.body.ledger_attempts;
      this.#outcomes[record.outcome]++;
      return this.#emit(record);
    }
    const failure = failureOf(res, 'network->processor');
    record.error = failure.error;
    if (failure.attempts !== undefined) record.attempts = failure.attempts;
    if (failure.standIn && this.#standIn.enabled) {
      record.outcome = this.#standIn.decide(body.card.token, body.amount.value);
      if (record.outcome === 'standin_approved') this.#queueAdvice(body);
      else if (failure.ambiguous) this.#queueTimeoutReversal(body);
    } else if (failure.standIn && failure.ambiguous) {
      record.outcome = 'unknown';
      this.#queueTimeoutReversal(body);
    } else {
      record.outcome = 'failed';
    }
    this.#outcomes[record.outcome]++;
    return this.#emit(record);
  }

  /** A reversal from the plan: ok when the issuer accepted it (2xx). */
  async reverse(body: ReversalRequest, timing: SendTiming): Promise<HistoryRecord> {
    const res = await this.#processors.post('/v1/reversals', body, this.#network.issuer_deadline_ms);
    const ok = res.status >= 200 && res.status < 300;
    this.#reversals.total++;
    if (ok) this.#reversals.ok++;
    const record: HistoryRecord = {
      id: body.id,
      kind: 'reversal',
      account_id: body.account_id,
      authorization_id: body.authorization_id,
      amount: body.amount.value,
      currency: body.amount.currency,
      intended_ms: timing.intended_ms,
      sent_ms: timing.sent_ms,
      latency_ms: round3(performance.now() - timing.intended_at),
      outcome: ok ? 'ok' : 'error',
      status: res.status,
      faults: this.#activeFaults(timing.intended_ms),
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
    return this.#emit(record);
  }

  /** A customer's app refreshing its balance or feed. */
  async readApp(kind: 'balance' | 'feed', accountId: string, id: string, timing: SendTiming): Promise<HistoryRecord> {
    const path = `/v1/accounts/${encodeURIComponent(accountId)}/${kind}`;
    const res: HttpResult = this.#feeds
      ? await this.#feeds.get(path, this.#appTimeoutMs)
      : { status: 0, body: undefined, cause: 'other', error: 'no feed URL configured', written: false, baseUrl: '' };
    const ok = res.status >= 200 && res.status < 300;
    this.#app.total++;
    if (ok) this.#app.ok++;
    const record: HistoryRecord = {
      id,
      kind,
      account_id: accountId,
      intended_ms: timing.intended_ms,
      sent_ms: timing.sent_ms,
      latency_ms: round3(performance.now() - timing.intended_at),
      outcome: ok ? 'ok' : 'error',
      status: res.status,
      faults: this.#activeFaults(timing.intended_ms),
      late: timing.late,
    };
    if (!ok) record.error = failureOf(res, 'app->feed').error;
    return this.#emit(record);
  }

  #queueAdvice(auth: AuthorizationRequest): void {
    const advice: AdviceRequest = {
      id: adviceIdFor(auth.id),
      authorization_id: auth.id,
      account_id: auth.account_id,
      card: auth.card,
      amount: auth.amount,
      merchant: auth.merchant,
      channel: auth.channel,
    };
    this.#queue.enqueue({
      kind: 'advice',
      id: advice.id,
      path: '/v1/advices',
      body: advice,
      authorization_id: auth.id,
      account_id: auth.account_id,
      amount: auth.amount.value,
      currency: auth.amount.currency,
      card_last4: auth.card.last4,
      queued_ms: this.#now(),
    });
  }

  #queueTimeoutReversal(auth: AuthorizationRequest): void {
    const reversal: ReversalRequest = {
      id: timeoutReversalIdFor(auth.id),
      authorization_id: auth.id,
      account_id: auth.account_id,
      amount: auth.amount,
    };
    this.#queue.enqueue({
      kind: 'reversal',
      id: reversal.id,
      path: '/v1/reversals',
      body: reversal,
      authorization_id: auth.id,
      account_id: auth.account_id,
      amount: auth.amount.value,
      currency: auth.amount.currency,
      card_last4: auth.card.last4,
      queued_ms: this.#now(),
    });
  }

  /**
   * Delivers queued advices and timeout reversals (call after faults heal), retrying every
   * network.advice_retry_ms until each is accepted or `deadlineMs` (ms from now) has passed. No attempt
   * starts after the deadline; one under way may take up to the issuer deadline to finish.
   */
  async deliverAdvices(opts: { deadlineMs: number; signal?: AbortSignal }): Promise<ForwardReport> {
    await this.#queue.deliver((m, timeoutMs) => this.#deliverOne(m, timeoutMs), {
      deadlineMs: opts.deadlineMs,
      retryMs: this.#network.advice_retry_ms,
      attemptTimeoutMs: this.#network.issuer_deadline_ms,
      concurrency: this.#adviceConcurrency,
      signal: opts.signal,
      now: () => this.#now(),
    });
    return this.forwardReport();
  }

  async #deliverOne(message: ForwardMessage, timeoutMs: number): Promise<AttemptResult> {
    const res = await this.#processors.post(message.path, message.body, timeoutMs);
    if (res.status >= 200 && res.status < 300) {
      const result = (res.body as { result?: unknown } | undefined)?.result;
      return { status: res.status, result: typeof result === 'string' ? result : undefined };
    }
    return { status: res.status, error: failureOf(res, 'network->processor').error };
  }

  #forwardRecord(m: ForwardMessage): HistoryRecord {
    const start = m.first_attempt_ms ?? m.queued_ms;
    const record: HistoryRecord = {
      id: m.id,
      kind: m.kind,
      account_id: m.account_id,
      authorization_id: m.authorization_id,
      amount: m.amount,
      currency: m.currency,
      intended_ms: start,
      sent_ms: start,
      latency_ms: m.settled_ms !== undefined ? round3(m.settled_ms - start) : 0,
      outcome: m.state === 'delivered' ? 'ok' : 'error',
      status: m.last_status,
      faults: this.#activeFaults(start),
      late: false,
      // For advices and timeout reversals: delivery attempts made by the network.
      attempts: m.attempts,
    };
    if (m.card_last4 !== undefined) record.card_last4 = m.card_last4;
    if (m.result !== undefined) record.reason = m.result;
    if (m.state !== 'delivered') record.error = m.last_error ?? { hop: 'network->processor', cause: 'other' };
    return record;
  }

  forwardReport(): ForwardReport {
    return { advices: this.#queue.counts('advice'), timeout_reversals: this.#queue.counts('reversal') };
  }

  /** The advices and timeout reversals not yet accepted. */
  pendingForwards(): ForwardMessage[] {
    return this.#queue.pending();
  }

  /**
   * Emits a record (outcome error) for every advice / timeout reversal still pending, so each has
   * exactly one HistoryRecord. Call once, at the end of the run.
   */
  finalize(): HistoryRecord[] {
    if (this.#finalized) return [];
    this.#finalized = true;
    return this.#queue.pending().map((m) => this.#emit(this.#forwardRecord(m)));
  }

  stats(): CardNetworkStats {
    const total = AUTH_OUTCOMES.reduce((sum, o) => sum + this.#outcomes[o], 0);
    return {
      authorizations: { ...this.#outcomes, total },
      reversals: { ...this.#reversals },
      app: { ...this.#app },
      dropped: this.#dropped,
      standin: this.#standIn.counts(),
      ...this.forwardReport(),
    };
  }

  /** The stand-in total approved so far for a card token. */
  standInTotal(cardToken: string): number {
    return this.#standIn.totalFor(cardToken);
  }

  async close(): Promise<void> {
    await Promise.all([this.#processors.close(), this.#feeds?.close()]);
  }
}
