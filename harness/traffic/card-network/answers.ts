// How the network reads the issuer's answer: an issuer decision, or a failure with where it happened, why,
// whether the issuer may have acted on it (ambiguous) and whether stand-in may answer in its place.
import type { AuthorizationResponse } from '../../../services/card-processor/contract.ts';
import { CAUSES, HOPS, mayHaveCommitted, type Cause, type HopFailureBody, type Hop } from '../../../services/common/failure.ts';
import type { HttpResult } from './http-client.ts';

export interface Failure {
  error: { hop: Hop; cause: Cause };
  /** The issuer may have processed it (so its state is unknown). */
  ambiguous: boolean;
  /** Stand-in may answer in the issuer's place (timeout, connection error, 5xx). */
  standIn: boolean;
  attempts?: number;
}

function isHopFailure(body: unknown): body is HopFailureBody {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as { hop?: unknown; cause?: unknown };
  return typeof b.hop === 'string' && (HOPS as readonly string[]).includes(b.hop) && typeof b.cause === 'string' && (CAUSES as readonly string[]).includes(b.cause);
}

/** A 2xx body that carries an issuer decision (approved or declined). */
export function isAuthorizationResponse(body: unknown): body is AuthorizationResponse {
  if (typeof body !== 'object' || body === null) return false;
  const d = (body as { decision?: unknown }).decision;
  return d === 'approved' || d === 'declined';
}

/** Why an answer is not a usable issuer answer, for a request sent over `hop`. */
export function failureOf(res: HttpResult, hop: Hop): Failure {
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
