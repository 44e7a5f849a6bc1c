// The processor's calls to the ledger, through the router (the mesh client).
// Request ids are derived from the network's ids, so a retry never writes twice; each write also carries the
// network's idempotency key and content (fingerprint.ts), judged by the ledger store.
// A refusal the ledger decided (a reused key with other content, a reversal over what is held, another
// currency) is a LedgerRefusal, answered to the network as the same 4xx; any other failure is a HopFailure.
// Every 200 is read against the ledger's contract (ledger/answer-checks.ts): an answer outside it (`{}`, a missing
// or mistyped field, an unknown result, a body that is not JSON, another status than 200) is HopFailure
// `bad_answer` on processor->ledger (502), never a decline. A bad answer to a write may have committed (the
// ledger accepted the request and said something unreadable), so it is settled like a reset after sending.
import type { AuthorizationRequest, AdviceRequest, ReversalRequest } from './contract.ts';
import type {
  HoldRequest,
  HoldResponse,
  IdempotencyClaim,
  IdempotencyRecordRequest,
  IdempotencyRecordResponse,
  PostingRequest,
  PostingResponse,
  ReleaseRequest,
  ReleaseResponse,
} from '../ledger/contract.ts';
import { BOOK_ERROR_STATUS, type LedgerErrorBody } from '../ledger/book-errors.ts';
import { holdAnswer, idempotencyRecordAnswer, postingAnswer, releaseAnswer, type AnswerCheck } from '../ledger/answer-checks.ts';
import type { Cause, Hop, HopFailureBody } from '../common/failure.ts';
import type { Router } from '../router/index.ts';
import { RouteError } from '../router/index.ts';
import { withoutStack } from '../common/stackless.ts';

export class HopFailure extends Error {
  readonly hop: Hop;
  override readonly cause: Cause;
  readonly attempts: number;
  /** An earlier attempt was sent and never answered: the write may have been committed (see failureMayHaveCommitted). */
  readonly unansweredAttempt: boolean;

  constructor(hop: Hop, cause: Cause, attempts: number, message: string, unansweredAttempt = false) {
    // An expected outcome, answered as a 5xx body: no stack is captured (see common/stackless.ts).
    const restore = withoutStack();
    super(message);
    restore();
    this.hop = hop;
    this.cause = cause;
    this.attempts = attempts;
    this.unansweredAttempt = unansweredAttempt;
  }

  get httpStatus(): number {
    if (this.cause === 'timeout') return 504;
    if (this.cause.startsWith('discovery') || this.cause === 'circuit_open') return 503;
    return 502;
  }

  body(): HopFailureBody {
    const body: HopFailureBody = { error: this.message, hop: this.hop, cause: this.cause, attempts: this.attempts };
    if (this.unansweredAttempt) body.may_have_committed = true;
    return body;
  }
}

/** The ledger's own codes for a request it refused whole (nothing written): relayed to the network. */
const REFUSAL_CODES: ReadonlySet<string> = new Set(Object.keys(BOOK_ERROR_STATUS));

export class LedgerRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: LedgerErrorBody,
  ) {
    super(body.error);
    this.name = 'LedgerRefusal';
  }
}

function refusalOf(status: number, body: unknown): LedgerRefusal | null {
  if (status < 400 || status >= 500 || status === 400) return null;
  const b = body as Partial<LedgerErrorBody> | null;
  if (!b || typeof b.code !== 'string' || !REFUSAL_CODES.has(b.code) || typeof b.error !== 'string') return null;
  const out: LedgerErrorBody = { error: b.error, code: b.code, status };
  if (typeof b.field === 'string') out.field = b.field;
  if (typeof b.key === 'string') out.key = b.key;
  if (Array.isArray(b.fields)) out.fields = b.fields.filter((f): f is string => typeof f === 'string');
  return new LedgerRefusal(status, out);
}

export interface LedgerResult<T> {
  body: T;
  attempts: number;
}

export class LedgerCalls {
  constructor(
    private readonly router: Router,
    private readonly deadlineMs: number,
  ) {}

  private async post<T>(path: string, body: unknown, check: AnswerCheck): Promise<LedgerResult<T>> {
    try {
      const res = await this.router.request('ledger', {
        method: 'POST',
        path,
        body,
        idempotent: true,
        deadlineMs: this.deadlineMs,
      });
      if (res.status >= 500) {
        const detail = res.body as Partial<HopFailureBody> | null;
        // A ledger replica that could not reach its store says so: keep the deeper hop for attribution.
        if (detail && detail.hop && detail.cause) {
          throw new HopFailure(detail.hop, detail.cause, res.attempts, detail.error ?? `ledger answered ${res.status}`);
        }
        throw new HopFailure('processor->ledger', 'http_5xx', res.attempts, `ledger answered ${res.status}`);
      }
      if (res.status >= 400) {
        const refusal = refusalOf(res.status, res.body);
        if (refusal) throw refusal;
        throw new HopFailure('processor->ledger', 'http_4xx', res.attempts, `ledger refused the request with ${res.status}`);
      }
      if (res.status !== 200) {
        throw new HopFailure('processor->ledger', 'bad_answer', res.attempts, `ledger answered ${path} with status ${res.status}; its contract answers 200`);
      }
      const problem = check(res.body);
      if (problem !== null) {
        throw new HopFailure('processor->ledger', 'bad_answer', res.attempts, `ledger answered ${path} outside its contract: ${problem}`);
      }
      return { body: res.body as T, attempts: res.attempts };
    } catch (err) {
      if (err instanceof HopFailure || err instanceof LedgerRefusal) throw err;
      if (err instanceof RouteError) throw new HopFailure(err.hop, err.cause, err.attempts, err.message, err.unansweredAttempt);
      throw new HopFailure('processor->ledger', 'other', 1, (err as Error).message);
    }
  }

  hold(auth: AuthorizationRequest, idempotency?: IdempotencyClaim): Promise<LedgerResult<HoldResponse>> {
    const body: HoldRequest = {
      request_id: `hold:${auth.id}`,
      authorization_id: auth.id,
      account_id: auth.account_id,
      amount: auth.amount,
      card_last4: auth.card.last4,
    };
    if (idempotency) body.idempotency = idempotency;
    return this.post<HoldResponse>('/v1/holds', body, holdAnswer(body));
  }

  async post_advice(advice: AdviceRequest, idempotency?: IdempotencyClaim): Promise<LedgerResult<PostingResponse>> {
    // Keyed by the authorization, not the advice id: one authorization is posted once, however often advised.
    const body: PostingRequest = {
      request_id: `advice:${advice.authorization_id}`,
      authorization_id: advice.authorization_id,
      account_id: advice.account_id,
      amount: advice.amount,
      kind: 'advice',
    };
    if (idempotency) body.idempotency = idempotency;
    try {
      return await this.post<PostingResponse>('/v1/postings', body, postingAnswer(body));
    } catch (err) {
      // Another advice (another id) for the same authorization with other content: say so in the network's terms.
      if (err instanceof LedgerRefusal && err.body.code === 'idempotency_conflict' && err.body.key === body.request_id) {
        const fields = err.body.fields ?? [];
        throw new LedgerRefusal(409, {
          error: `authorization ${advice.authorization_id} was already advised with different ${fields.join(', ') || 'content'}`,
          code: 'authorization_conflict',
          status: 409,
          field: 'authorization_id',
          fields,
        });
      }
      throw err;
    }
  }

  /** Releases (or refunds) the reversal's amount: all or part of what the authorization still holds. */
  release(reversal: ReversalRequest, idempotency?: IdempotencyClaim): Promise<LedgerResult<ReleaseResponse>> {
    const body: ReleaseRequest = {
      request_id: `reversal:${reversal.id}`,
      authorization_id: reversal.authorization_id,
      account_id: reversal.account_id,
      amount: reversal.amount,
    };
    if (idempotency) body.idempotency = idempotency;
    return this.post<ReleaseResponse>('/v1/releases', body, releaseAnswer(body));
  }

  /** Records the key of an answer given without a ledger write; a reuse with other content is a LedgerRefusal (409). */
  recordOutcome(idempotency: IdempotencyClaim, outcome: string): Promise<LedgerResult<IdempotencyRecordResponse>> {
    const body: IdempotencyRecordRequest = { idempotency, outcome };
    return this.post<IdempotencyRecordResponse>('/v1/idempotency-records', body, idempotencyRecordAnswer(body));
  }
}
