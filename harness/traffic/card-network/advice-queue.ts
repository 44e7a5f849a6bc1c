// Store and forward: what the network owes the issuer after an outage. Stand-in approvals become
// advices (POST /v1/advices) and ambiguous authorizations become timeout reversals (POST /v1/reversals);
// both are held until the runner says faults have healed, then delivered, retrying every
// `retryMs` until the issuer accepts (2xx) or the deadline passes. A 4xx other than 408/429 is a
// permanent rejection (retrying cannot help) and is counted apart.
//
// Who failed a message still pending at the end matters: one the issuer was asked for (an attempt was
// written, or answered, refused or reset by the pipeline) and did not accept is the pipeline's failure;
// one that never reached it (never attempted before the deadline, or every attempt given up inside the
// driver before the request was written) is the harness's own, and its fate is unknown (`undelivered`).
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdviceRequest, ReversalRequest } from '../../../services/card-processor/contract.ts';
import type { Cause, Hop } from '../../../services/common/failure.ts';

export type ForwardKind = 'advice' | 'reversal';

export interface ForwardMessage {
  kind: ForwardKind;
  /** The advice or reversal id (the issuer's idempotency key). */
  id: string;
  path: '/v1/advices' | '/v1/reversals';
  body: AdviceRequest | ReversalRequest;
  authorization_id: string;
  account_id: string;
  amount: number;
  currency: string;
  card_last4?: string;
  /** Milliseconds from the start of traffic when it was queued. */
  queued_ms: number;
  state: 'pending' | 'delivered' | 'rejected';
  attempts: number;
  /** Some attempt reached the issuer: it was written, or the pipeline answered, refused or reset it. */
  reached: boolean;
  first_attempt_ms?: number;
  settled_ms?: number;
  last_status: number;
  last_error?: { hop: Hop; cause: Cause };
  /** The issuer's `result` (posted / captured / released / refunded / nothing_to_reverse). */
  result?: string;
  /** The refusal's code when the issuer rejected it for good (4xx), e.g. `authorization_conflict`. */
  refusal_code?: string;
}

/** What one delivery attempt got back. */
export interface AttemptResult {
  status: number;
  /** The issuer's `result` field, when it answered 2xx. */
  result?: string;
  /** Set when the attempt failed, a 2xx outside the contract (bad_answer) included: not an acceptance. */
  error?: { hop: Hop; cause: Cause };
  /**
   * False when the attempt never left the driver: no answer, and the request was never written (it
   * waited for a connection, or its own timer gave up first). Default true.
   */
  reached?: boolean;
  /** The refusal's `code` when the issuer answered 4xx (e.g. `authorization_conflict`). */
  code?: string;
}

export interface QueueCounts {
  queued: number;
  delivered: number;
  /** Delivery attempts made (every try, successful or not). */
  attempts: number;
  /** Still waiting to be accepted. */
  pending: number;
  /** Refused for good (4xx): will not be retried. */
  rejected: number;
}

export interface DeliveryOptions {
  /**
   * Start no attempt later than this (ms from the call). An attempt already under way may run its
   * full attemptTimeoutMs past it, so delivery returns within deadlineMs + attemptTimeoutMs.
   * With `extendUpToMs`, the deadline is counted from the last accepted message instead: delivery goes
   * on while the issuer keeps accepting (a slow machine drains slowly but completely), and stops when
   * it accepted nothing for deadlineMs, or at extendUpToMs from the call, whichever comes first.
   */
  deadlineMs: number;
  /** Hard upper bound when the deadline is extended by progress (default: no extension). */
  extendUpToMs?: number;
  /** Wait between rounds of retries. */
  retryMs: number;
  /** Attempts in flight at once (default 32). */
  concurrency?: number;
  /** Upper bound for one attempt. */
  attemptTimeoutMs: number;
  signal?: AbortSignal;
  /** ms from the start of traffic, for timestamps. */
  now(): number;
}

/** Sends one message with a time budget; must not reject. */
export type Deliver = (message: ForwardMessage, timeoutMs: number) => Promise<AttemptResult>;

/** A 2xx that failed is a bad answer (outside the contract): retried, as the issuer may not have taken it. */
const isRetryable = (status: number): boolean =>
  status === 0 || status >= 500 || status === 408 || status === 429 || (status >= 200 && status < 400);

export class AdviceQueue {
  readonly #messages = new Map<string, ForwardMessage>();
  readonly #onSettled: ((message: ForwardMessage) => void) | undefined;
  #delivered = 0;

  /** `onSettled` is called once per message when it is delivered or rejected. */
  constructor(onSettled?: (message: ForwardMessage) => void) {
    this.#onSettled = onSettled;
  }

  /** Queues a message; a repeated id is ignored (returns false). */
  enqueue(message: Omit<ForwardMessage, 'state' | 'attempts' | 'last_status' | 'reached'>): boolean {
    if (this.#messages.has(message.id)) return false;
    this.#messages.set(message.id, { ...message, state: 'pending', attempts: 0, last_status: 0, reached: false });
    return true;
  }

  get(id: string): ForwardMessage | undefined {
    return this.#messages.get(id);
  }

  /** Messages still waiting, in the order they were queued. */
  pending(kind?: ForwardKind): ForwardMessage[] {
    const out: ForwardMessage[] = [];
    for (const m of this.#messages.values()) if (m.state === 'pending' && (kind === undefined || m.kind === kind)) out.push(m);
    return out;
  }

  /** Messages still waiting that never reached the issuer: the harness never delivered them. */
  undelivered(kind?: ForwardKind): ForwardMessage[] {
    return this.pending(kind).filter((m) => !m.reached);
  }

  all(): IterableIterator<ForwardMessage> {
    return this.#messages.values();
  }

  counts(kind?: ForwardKind): QueueCounts {
    const c: QueueCounts = { queued: 0, delivered: 0, attempts: 0, pending: 0, rejected: 0 };
    for (const m of this.#messages.values()) {
      if (kind !== undefined && m.kind !== kind) continue;
      c.queued++;
      c.attempts += m.attempts;
      if (m.state === 'delivered') c.delivered++;
      else if (m.state === 'rejected') c.rejected++;
      else c.pending++;
    }
    return c;
  }

  /**
   * Delivers everything pending, in rounds: each round tries every pending message (a few at a time),
   * then waits `retryMs` if any is left. Stops when nothing is pending, at the deadline, or on abort.
   * Messages queued while it runs are picked up in the next round.
   */
  async deliver(send: Deliver, options: DeliveryOptions): Promise<QueueCounts> {
    const start = options.now();
    const idleMs = Math.max(0, options.deadlineMs);
    const capMs = Math.max(idleMs, options.extendUpToMs ?? idleMs);
    let lastProgress = start;
    const deliveredBefore = (): number => this.#delivered;
    let delivered = deliveredBefore();
    const deadlineLeft = (): number => {
      const now = options.now();
      const count = deliveredBefore();
      if (count > delivered) {
        delivered = count;
        lastProgress = now;
      }
      return Math.min(lastProgress + idleMs, start + capMs) - now;
    };
    const concurrency = Math.max(1, options.concurrency ?? 32);
    const signal = options.signal;
    for (;;) {
      const round = this.pending();
      if (round.length === 0 || signal?.aborted) break;
      if (deadlineLeft() <= 0) break;
      let index = 0;
      const worker = async (): Promise<void> => {
        while (index < round.length) {
          const message = round[index++] as ForwardMessage;
          if (deadlineLeft() <= 0 || signal?.aborted) return;
          await this.#attempt(message, send, options.attemptTimeoutMs, options.now);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, round.length) }, worker));
      if (this.pending().length === 0) break;
      const left = deadlineLeft();
      if (left <= 0 || signal?.aborted) break;
      try {
        await sleep(Math.min(options.retryMs, left), undefined, { signal });
      } catch {
        break; // aborted
      }
    }
    return this.counts();
  }

  async #attempt(message: ForwardMessage, send: Deliver, timeoutMs: number, now: () => number): Promise<void> {
    if (message.state !== 'pending') return;
    message.attempts++;
    message.first_attempt_ms ??= now();
    let result: AttemptResult;
    try {
      result = await send(message, timeoutMs);
    } catch {
      result = { status: 0, error: { hop: 'network->processor', cause: 'other' }, reached: false };
    }
    if (result.reached !== false) message.reached = true;
    message.last_status = result.status;
    if (result.status >= 200 && result.status < 300 && result.error === undefined) {
      message.state = 'delivered';
      this.#delivered++;
      message.result = result.result;
      message.last_error = undefined;
    } else {
      message.last_error = result.error ?? { hop: 'network->processor', cause: 'other' };
      if (!isRetryable(result.status)) {
        message.state = 'rejected';
        if (result.code !== undefined) message.refusal_code = result.code;
      }
    }
    if (message.state !== 'pending') {
      message.settled_ms = now();
      this.#onSettled?.(message);
    }
  }
}
