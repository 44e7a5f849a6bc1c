// The one error a route can fail with: where (the hop), why (the cause), after how many attempts.
import { CAUSES, HOPS, type Cause, type Hop, type HopFailureBody } from '../common/failure.ts';
import { withoutStack } from '../common/stackless.ts';

export class RouteError extends Error {
  override readonly name = 'RouteError';
  readonly hop: Hop;
  override readonly cause: Cause;
  readonly attempts: number;
  /** The upstream's last status and body, for http_5xx. */
  readonly status?: number;
  readonly body?: unknown;
  /** The endpoint of the last attempt, when there was one. */
  readonly endpoint?: string;
  /** An earlier attempt was sent and got no answer (reset, timeout): what it asked may have been done. */
  readonly unansweredAttempt: boolean;

  constructor(
    message: string,
    hop: Hop,
    cause: Cause,
    attempts: number,
    detail: { status?: number; body?: unknown; endpoint?: string; unansweredAttempt?: boolean } = {},
  ) {
    // An expected outcome (it becomes a 5xx body: hop, cause, attempts), frequent when the pipeline is short
    // of CPU: no stack is captured (see stackless.ts).
    const restore = withoutStack();
    super(message);
    restore();
    this.hop = hop;
    this.cause = cause;
    this.attempts = attempts;
    if (detail.status !== undefined) this.status = detail.status;
    if (detail.body !== undefined) this.body = detail.body;
    if (detail.endpoint !== undefined) this.endpoint = detail.endpoint;
    this.unansweredAttempt = detail.unansweredAttempt === true;
  }

  toBody(): HopFailureBody {
    const body: HopFailureBody = { error: this.message, hop: this.hop, cause: this.cause, attempts: this.attempts };
    if (this.unansweredAttempt) body.may_have_committed = true;
    return body;
  }
}

/** An upstream's 5xx body naming a deeper hop (the ledger could not reach its store) keeps that attribution. */
export function deeperFailure(body: unknown): { hop: Hop; cause: Cause; error?: string } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Partial<HopFailureBody>;
  if (typeof b.hop !== 'string' || typeof b.cause !== 'string') return undefined;
  if (!(HOPS as readonly string[]).includes(b.hop) || !(CAUSES as readonly string[]).includes(b.cause)) return undefined;
  return { hop: b.hop as Hop, cause: b.cause as Cause, error: typeof b.error === 'string' ? b.error : undefined };
}

export function defaultHop(service: string): Hop {
  const hop = `processor->${service}`;
  return (HOPS as readonly string[]).includes(hop) ? (hop as Hop) : 'processor->ledger';
}
