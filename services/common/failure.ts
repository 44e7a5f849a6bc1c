// Where a request failed (the hop) and why (the cause): shared by services, the driver and the checkers,
// so every failed or unknown authorization can be attributed to the fault that caused it.

export const HOPS = [
  'network->processor',
  'processor->discovery',
  'processor->ledger',
  'ledger->store',
  'processor->feed',
  'app->feed',
] as const;
export type Hop = (typeof HOPS)[number];

export const CAUSES = [
  'connection_refused',
  'reset',
  'timeout',
  'http_5xx',
  'http_4xx',
  'discovery_empty',
  'discovery_null',
  'discovery_unavailable',
  'circuit_open',
  /**
   * The hop answered, but not in its contract: `{}`, a missing or mistyped field, an unknown result, a body
   * that is not JSON. A technical failure of that hop (502), never a decline.
   */
  'bad_answer',
  'other',
] as const;
export type Cause = (typeof CAUSES)[number];

/** The body every service returns when a downstream hop failed (status 502, 503 or 504). */
export interface HopFailureBody {
  error: string;
  hop: Hop;
  cause: Cause;
  /** How many attempts the caller made at that hop before giving up. */
  attempts?: number;
  /**
   * An earlier attempt was sent and got no answer (a reset or a timeout before the caller retried): the write
   * may have been committed although the last attempt failed in a way that writes nothing (refused, 5xx).
   */
  may_have_committed?: boolean;
}

/** Maps a Node socket/undici error to a cause. */
export function causeOfError(err: unknown): Cause {
  const e = err as { code?: string; name?: string; cause?: { code?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'reset';
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ETIMEDOUT' ||
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError'
  )
    return 'timeout';
  return 'other';
}

/**
 * Whether a write that failed this way may still have been committed downstream: it was sent, and no
 * usable answer came back (a timeout, a reset, an unclassified error, or a bad answer). A refusal, a 5xx
 * answer or a failure to resolve the service means nothing was written. The card processor re-settles such
 * writes and the card network treats such answers as ambiguous (a timeout reversal follows).
 *
 * A bad answer (a 2xx whose body is outside the contract, e.g. `200 {}`) counts as "may have committed":
 * the service accepted the request and said something we cannot read, so whether it wrote is unknown, the
 * same as a reset after the request was sent. Reading it as "nothing written" would leave a hold nobody
 * releases; reading it as written would approve a payment on a hold that may not exist.
 */
export function mayHaveCommitted(hop: Hop, cause: Cause): boolean {
  if (hop === 'processor->discovery' || hop === 'network->processor') return false;
  return cause === 'timeout' || cause === 'reset' || cause === 'other' || cause === 'bad_answer';
}

/**
 * The same for a whole failure body: its last cause, or an earlier attempt that was sent and never answered
 * (`may_have_committed`: a hold reset after the ledger committed it, then refused on the retry, is still
 * perhaps written — judging by the last attempt alone would leave it unsettled and unreversed).
 */
export function failureMayHaveCommitted(body: Pick<HopFailureBody, 'hop' | 'cause' | 'may_have_committed'>): boolean {
  return body.may_have_committed === true || mayHaveCommitted(body.hop, body.cause);
}
