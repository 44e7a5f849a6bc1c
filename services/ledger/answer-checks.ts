// What a client accepts as the ledger's answer to each write: the ledger's own response schema (schemas.ts:
// required fields, types, the result's enum, the account view) and that the answer is about what was asked
// (the same request_id and authorization, the same account, the amount a release says it moved). Anything
// else is a bad answer: a technical failure of the hop, never a decline. Two clients read them: the card
// processor (card-processor/ledger-calls.ts: HopFailure processor->ledger `bad_answer`) and a ledger replica
// reading its store (replica-plugin.ts: 502 ledger->store `bad_answer`).
import type { HoldRequest, IdempotencyRecordRequest, PostingRequest, ReleaseRequest } from './contract.ts';
import { holdResponseSchema, idempotencyRecordResponseSchema, postingResponseSchema, releaseResponseSchema } from './schemas.ts';
import { answerProblem, echoProblem, precompileAnswers } from '../common/answer-contract.ts';

/** Compiles the write answers' schemas: call before serving (a first compile under load stalls the loop). */
export function prepareLedgerAnswerChecks(): void {
  precompileAnswers(holdResponseSchema, releaseResponseSchema, postingResponseSchema, idempotencyRecordResponseSchema);
}

/** Why an answer is not one the ledger's contract allows for `request`, or null when it is. */
export type AnswerCheck = (body: unknown) => string | null;

type Body = Record<string, unknown>;

function first(...problems: (string | null)[]): string | null {
  for (const p of problems) if (p !== null) return p;
  return null;
}

/** An account view, when present, is the account the request named. */
function accountProblem(body: Body, accountId: string, required: boolean): string | null {
  const account = body.account as Body | null;
  if (account === null) return required ? `answer/account is null for result ${JSON.stringify(body.result)}` : null;
  return account.account_id === accountId ? null : `answer/account/account_id is ${JSON.stringify(account.account_id)}, not the ${JSON.stringify(accountId)} asked for`;
}

function writeEcho(body: unknown, req: { request_id: string; authorization_id: string }): string | null {
  return first(echoProblem(body, 'request_id', req.request_id), echoProblem(body, 'authorization_id', req.authorization_id));
}

export function holdAnswer(req: HoldRequest): AnswerCheck {
  return (body) => {
    const schema = answerProblem(holdResponseSchema, body);
    if (schema) return schema;
    const b = body as Body;
    // `held` moved money on a known account; a decline may name the account or not (unknown_account).
    return first(writeEcho(b, req), accountProblem(b, req.account_id, b.result === 'held'));
  };
}

export function releaseAnswer(req: ReleaseRequest): AnswerCheck {
  return (body) => {
    const schema = answerProblem(releaseResponseSchema, body);
    if (schema) return schema;
    const b = body as Body;
    const moved = b.result === 'released' || b.result === 'refunded';
    const amount = b.amount as { value: number; currency: string } | null;
    // A release moves exactly the amount asked (a partial reversal too), in the authorization's currency.
    const amountProblem =
      moved && (amount === null || amount.value !== req.amount.value || amount.currency !== req.amount.currency)
        ? `answer/amount is ${JSON.stringify(amount)} for result ${JSON.stringify(b.result)}, not the ${req.amount.value} ${req.amount.currency} asked for`
        : null;
    return first(writeEcho(b, req), accountProblem(b, req.account_id, moved), amountProblem);
  };
}

export function postingAnswer(req: PostingRequest): AnswerCheck {
  return (body) => {
    const schema = answerProblem(postingResponseSchema, body);
    if (schema) return schema;
    const b = body as Body;
    // Posted or captured: money moved to settlement, so the answer says how much and from which account.
    const amountProblem = b.amount === null ? `answer/amount is null for result ${JSON.stringify(b.result)}` : null;
    return first(writeEcho(b, req), accountProblem(b, req.account_id, true), amountProblem);
  };
}

export function idempotencyRecordAnswer(req: IdempotencyRecordRequest): AnswerCheck {
  return (body) => {
    const schema = answerProblem(idempotencyRecordResponseSchema, body);
    if (schema) return schema;
    return first(echoProblem(body, 'scope', req.idempotency.scope), echoProblem(body, 'key', req.idempotency.key));
  };
}
