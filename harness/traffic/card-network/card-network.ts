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
// timeout reversals too (when delivered or rejected, or from finalize() if never accepted). The network
// keeps no tally of its own: counting outcomes is the history aggregator's job (harness/history/).
//
// Beside this file: senders.ts (one sender per kind of request), answers.ts (reading the issuer's answer),
// stand-in.ts (the rules), forwards.ts and advice-queue.ts (what is owed the issuer, store and forward),
// dropped.ts (requests never sent), http-client.ts.
import { performance } from 'node:perf_hooks';
import type { AuthorizationRequest } from '../../../services/card-processor/contract.ts';
import type { HistoryRecord } from '../../history/record.ts';
import type { NetworkSpec } from '../../scenario/schema.ts';
import type { SendTiming } from '../load/send-timing.ts';
import type { PlannedRequest } from '../requests/planned-request.ts';
import { AdviceQueue, type AttemptResult, type ForwardMessage, type QueueCounts } from './advice-queue.ts';
import { failureOf, forwardAnswerProblem, prepareAnswerChecks } from './answers.ts';
import { droppedRecord } from './dropped.ts';
import { adviceMessage, forwardRecord, timeoutReversalMessage, type QueuedMessage } from './forwards.ts';
import { HttpClient } from './http-client.ts';
import { sendAppRead, sendAuthorization, sendConflictingRetry, sendReversal, type SendContext } from './senders.ts';
import { StandIn } from './stand-in.ts';

export { adviceIdFor, derivedId, timeoutReversalIdFor } from './forwards.ts';

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

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export class CardNetwork {
  readonly #processors: HttpClient;
  readonly #feeds: HttpClient | undefined;
  readonly #network: NetworkSpec;
  readonly #standIn: StandIn;
  readonly #queue: AdviceQueue;
  readonly #activeFaults: (intendedMs: number) => string[];
  readonly #onRecord: ((record: HistoryRecord) => void) | undefined;
  readonly #adviceConcurrency: number;
  readonly #senders: SendContext;
  #startAt: number | undefined;
  #finalized = false;
  /** Authorizations still waiting for their answer, by id: a conflicting retry waits for its original's. */
  readonly #inFlight = new Map<string, Promise<HistoryRecord>>();

  constructor(opts: CardNetworkOptions) {
    prepareAnswerChecks(); // before the first send: compiling on the first answer would stall the driver
    this.#network = opts.network;
    this.#processors = new HttpClient(opts.processorUrls, { connections: opts.connections });
    this.#feeds = opts.feedUrls && opts.feedUrls.length > 0 ? new HttpClient(opts.feedUrls, { connections: opts.connections }) : undefined;
    this.#standIn = new StandIn(opts.network.standin);
    this.#activeFaults = opts.activeFaults ?? (() => []);
    this.#onRecord = opts.onRecord;
    this.#adviceConcurrency = opts.adviceConcurrency ?? 32;
    this.#startAt = opts.startAt;
    this.#queue = new AdviceQueue((m) => this.#emitForward(m));
    this.#senders = {
      processors: this.#processors,
      feeds: this.#feeds,
      network: opts.network,
      appTimeoutMs: opts.appTimeoutMs ?? opts.network.issuer_deadline_ms,
      standIn: this.#standIn,
      faultsAt: this.#activeFaults,
      queueAdvice: (auth) => this.#enqueue(adviceMessage, auth),
      queueTimeoutReversal: (auth) => this.#enqueue(timeoutReversalMessage, auth),
    };
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

  #enqueue(message: (auth: AuthorizationRequest, queuedMs: number) => QueuedMessage, auth: AuthorizationRequest): void {
    this.#queue.enqueue(message(auth, this.#now()));
  }

  /** The one record of an advice or timeout reversal, when it settles or is finalized. */
  #emitForward(m: ForwardMessage): HistoryRecord {
    return this.#emit(forwardRecord(m, this.#activeFaults(m.first_attempt_ms ?? m.queued_ms)));
  }

  /** Sends one planned request and resolves with its HistoryRecord (never rejects). */
  async send(req: PlannedRequest, timing: SendTiming): Promise<HistoryRecord> {
    this.#startAt ??= timing.intended_at - timing.intended_ms;
    const ctx = this.#senders;
    switch (req.kind) {
      case 'authorization': {
        const sending = sendAuthorization(ctx, req.body, timing);
        this.#inFlight.set(req.body.id, sending);
        try {
          return this.#emit(await sending);
        } finally {
          if (this.#inFlight.get(req.body.id) === sending) this.#inFlight.delete(req.body.id);
        }
      }
      case 'reversal':
        return this.#emit(await sendReversal(ctx, req.body, timing));
      case 'conflicting_retry': {
        // A retry follows its original's answer (or the network's timeout of it): on a starved machine the
        // planned 300-1500 ms gap can be shorter than the original's trip, and a retry that overtook its
        // original would be a different test (the issuer sees the changed content first).
        // The history records when it really left (sent_ms) and how long it waited (waited_ms).
        const original = this.#inFlight.get(req.body.id);
        if (!original) return this.#emit(await sendConflictingRetry(ctx, req, timing));
        const handed = this.#now();
        await original;
        const sentMs = this.#now();
        return this.#emit(await sendConflictingRetry(ctx, req, { ...timing, sent_ms: sentMs }, round3(Math.max(0, sentMs - handed))));
      }
      default:
        return this.#emit(await sendAppRead(ctx, req.kind, req.account_id, req.id, timing));
    }
  }

  /** Records a request the open model could not send (in-flight cap): dropped, never silently skipped. */
  drop(req: PlannedRequest, timing: SendTiming): HistoryRecord {
    this.#startAt ??= timing.intended_at - timing.intended_ms;
    return this.#emit(droppedRecord(req, timing, this.#activeFaults(timing.intended_ms)));
  }

  /**
   * Delivers queued advices and timeout reversals (call after faults heal), retrying every
   * network.advice_retry_ms until each is accepted or `deadlineMs` (ms from now) has passed. No attempt
   * starts after the deadline; one under way may take up to the issuer deadline to finish.
   */
  async deliverAdvices(opts: { deadlineMs: number; extendUpToMs?: number; signal?: AbortSignal }): Promise<ForwardReport> {
    await this.#queue.deliver((m, timeoutMs) => this.#deliverOne(m, timeoutMs), {
      deadlineMs: opts.deadlineMs,
      ...(opts.extendUpToMs !== undefined ? { extendUpToMs: opts.extendUpToMs } : {}),
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
    if (res.status >= 200 && res.status < 300 && forwardAnswerProblem(message.path, res.body, message.id) === null) {
      const result = (res.body as { result?: unknown } | undefined)?.result;
      return { status: res.status, result: typeof result === 'string' ? result : undefined };
    }
    // Never written and no word from the pipeline (its own timer, or the client): it stayed in the driver.
    const reached = res.status !== 0 || res.written || (res.cause !== 'timeout' && res.cause !== 'other');
    // A 2xx outside the contract is not an acceptance: bad_answer, retried like a 5xx (the id makes it safe).
    const attempt: AttemptResult = { status: res.status, error: failureOf(res, 'network->processor').error, reached };
    const code = (res.body as { code?: unknown } | undefined)?.code;
    if (res.status >= 400 && res.status < 500 && typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) attempt.code = code;
    return attempt;
  }

  /** Advices and timeout reversals: queued, delivered, attempts, pending, rejected (the runner's forward report). */
  forwardReport(): ForwardReport {
    return { advices: this.#queue.counts('advice'), timeout_reversals: this.#queue.counts('reversal') };
  }

  /** The advices and timeout reversals not yet accepted. */
  pendingForwards(): ForwardMessage[] {
    return this.#queue.pending();
  }

  /** Of those, the ones that never reached the issuer: the harness itself never delivered them. */
  undeliveredForwards(): ForwardMessage[] {
    return this.#queue.undelivered();
  }

  /**
   * Emits a record (outcome error) for every advice / timeout reversal still pending, so each has
   * exactly one HistoryRecord. Call once, at the end of the run.
   */
  finalize(): HistoryRecord[] {
    if (this.#finalized) return [];
    this.#finalized = true;
    return this.#queue.pending().map((m) => this.#emitForward(m));
  }

  /** The stand-in total approved so far for a card token. */
  standInTotal(cardToken: string): number {
    return this.#standIn.totalFor(cardToken);
  }

  async close(): Promise<void> {
    await Promise.all([this.#processors.close(), this.#feeds?.close()]);
  }
}
