// How the network reads the issuer's answer: an issuer decision, or a failure with where it happened, why,
// whether the issuer may have acted on it (ambiguous) and whether stand-in may answer in its place.
// Every 2xx is read against the processor's contract (its response schemas, services/card-processor/
// schemas.ts, and the answer being about the request sent): a 2xx with no decision, a decline for a reason
// outside the contract, an approval whose reason is not `ok`, an answer about another id, a body that is not
// JSON — each is a technical failure `bad_answer` at network->processor, never counted as a decline. The
// issuer did answer, so it may have held the money: ambiguous, like a timeout (stand-in, or a reversal).
import type { AuthorizationResponse } from '../../../services/card-processor/contract.ts';
import { adviceResponseSchema, authorizationResponseSchema, reversalResponseSchema } from '../../../services/card-processor/schemas.ts';
import { balanceViewSchema, feedPageSchema } from '../../../services/feed/schemas.ts';
import { answerProblem, echoProblem, precompileAnswers } from '../../../services/common/answer-contract.ts';
import { CAUSES, HOPS, failureMayHaveCommitted, type Cause, type HopFailureBody, type Hop } from '../../../services/common/failure.ts';
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

/** Compiles every schema the network reads answers with: call before traffic (the card network does). */
export function prepareAnswerChecks(): void {
  precompileAnswers(authorizationResponseSchema, adviceResponseSchema, reversalResponseSchema, balanceViewSchema, feedPageSchema);
}

const first = (...problems: (string | null)[]): string | null => problems.find((p) => p !== null) ?? null;

/** Why a 2xx body is not an issuer decision on authorization `id` in the processor's contract, or null. */
export function authorizationAnswerProblem(body: unknown, id: string): string | null {
  const schema = answerProblem(authorizationResponseSchema, body);
  if (schema) return schema;
  const b = body as AuthorizationResponse;
  const consistent =
    b.decision === 'approved' && b.reason !== 'ok'
      ? `answer/reason is ${JSON.stringify(b.reason)} on an approval (expected "ok")`
      : b.decision === 'declined' && b.reason === 'ok'
        ? 'answer/reason is "ok" on a decline: a decline names why'
        : null;
  return first(echoProblem(b, 'id', id), consistent);
}

/** A 2xx body that is an issuer decision on authorization `id` (approved or declined), in the contract. */
export function isAuthorizationResponse(body: unknown, id: string): body is AuthorizationResponse {
  return authorizationAnswerProblem(body, id) === null;
}

/** Why a 2xx answer to an advice or reversal `id` is outside the processor's contract, or null. */
export function forwardAnswerProblem(path: '/v1/advices' | '/v1/reversals', body: unknown, id: string): string | null {
  return answerProblem(path === '/v1/advices' ? adviceResponseSchema : reversalResponseSchema, body) ?? echoProblem(body, 'id', id);
}

/** Why a 2xx app read (balance or feed) of `accountId` is outside the feed's contract, or null. */
export function appReadProblem(kind: 'balance' | 'feed', body: unknown, accountId: string): string | null {
  return answerProblem(kind === 'balance' ? balanceViewSchema : feedPageSchema, body) ?? echoProblem(body, 'account_id', accountId);
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
      const ambiguous = failureMayHaveCommitted(body);
      return { error: { hop: body.hop, cause: body.cause }, ambiguous, standIn: true, attempts: body.attempts };
    }
    return { error: { hop, cause: 'http_5xx' }, ambiguous: false, standIn: true };
  }
  if (res.status >= 200 && res.status < 300) {
    // The issuer answered outside its contract: we cannot read what it said, and it may well have held the money.
    return { error: { hop, cause: 'bad_answer' }, ambiguous: true, standIn: true };
  }
  return { error: { hop, cause: res.status >= 400 && res.status < 500 ? 'http_4xx' : 'other' }, ambiguous: false, standIn: false };
}
