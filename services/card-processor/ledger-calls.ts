// The processor's calls to the ledger and the feed, through the router (the mesh client).
// Idempotency keys are derived from the network's ids, so a retry never writes twice.
import type { AuthorizationRequest, AdviceRequest, ReversalRequest } from './contract.ts';
import type {
  HoldRequest,
  HoldResponse,
  PostingRequest,
  PostingResponse,
  ReleaseRequest,
  ReleaseResponse,
} from '../ledger/contract.ts';
import type { Cause, Hop, HopFailureBody } from '../common/failure.ts';
import type { Router } from '../router/index.ts';
import { RouteError } from '../router/index.ts';

export class HopFailure extends Error {
  constructor(
    readonly hop: Hop,
    override readonly cause: Cause,
    readonly attempts: number,
    message: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    if (this.cause === 'timeout') return 504;
    if (this.cause.startsWith('discovery') || this.cause === 'circuit_open') return 503;
    return 502;
  }

  body(): HopFailureBody {
    return { error: this.message, hop: this.hop, cause: this.cause, attempts: this.attempts };
  }
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

  private async post<T>(path: string, body: unknown): Promise<LedgerResult<T>> {
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
      if (res.status !== 200) {
        throw new HopFailure('processor->ledger', 'http_4xx', res.attempts, `ledger refused the request with ${res.status}`);
      }
      return { body: res.body as T, attempts: res.attempts };
    } catch (err) {
      if (err instanceof HopFailure) throw err;
      if (err instanceof RouteError) throw new HopFailure(err.hop, err.cause, err.attempts, err.message);
      throw new HopFailure('processor->ledger', 'other', 1, (err as Error).message);
    }
  }

  hold(auth: AuthorizationRequest): Promise<LedgerResult<HoldResponse>> {
    const body: HoldRequest = {
      request_id: `hold:${auth.id}`,
      authorization_id: auth.id,
      account_id: auth.account_id,
      amount: auth.amount,
      card_last4: auth.card.last4,
    };
    return this.post<HoldResponse>('/v1/holds', body);
  }

  post_advice(advice: AdviceRequest): Promise<LedgerResult<PostingResponse>> {
    // Keyed by the authorization, not the advice id: one authorization is posted once, however often advised.
    const body: PostingRequest = {
      request_id: `advice:${advice.authorization_id}`,
      authorization_id: advice.authorization_id,
      account_id: advice.account_id,
      amount: advice.amount,
      kind: 'advice',
    };
    return this.post<PostingResponse>('/v1/postings', body);
  }

  release(reversal: ReversalRequest): Promise<LedgerResult<ReleaseResponse>> {
    const body: ReleaseRequest = {
      request_id: `reversal:${reversal.id}`,
      authorization_id: reversal.authorization_id,
      account_id: reversal.account_id,
    };
    return this.post<ReleaseResponse>('/v1/releases', body);
  }
}
