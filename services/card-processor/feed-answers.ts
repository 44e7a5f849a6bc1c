// What the processor accepts as the feed's answer to a batch of events (POST /v1/events): the feed's own
// response schema (services/feed/schemas.ts) and a count that covers the batch (every event received, each
// applied or a duplicate). Anything else is a bad answer: the outbox keeps the batch and sends it again
// (the feed applies events idempotently by event_id), so a feed that answers `200 {}` never passes for one
// that took the events.
import { eventsResponseSchema } from '../feed/schemas.ts';
import { answerProblem, precompileAnswers } from '../common/answer-contract.ts';

/** Compiles the feed's answer schema: call before serving. */
export function prepareFeedAnswerCheck(): void {
  precompileAnswers(eventsResponseSchema);
}

/** Why the feed's answer to a batch of `sent` events is outside its contract, or null. */
export function eventsAnswerProblem(body: unknown, sent: number): string | null {
  const schema = answerProblem(eventsResponseSchema, body);
  if (schema) return schema;
  const b = body as { received: number; applied: number; duplicates: number };
  if (b.received !== sent) return `answer/received is ${b.received}, not the ${sent} events sent`;
  if (b.applied < 0 || b.duplicates < 0 || b.applied + b.duplicates !== sent) {
    return `answer/applied ${b.applied} + duplicates ${b.duplicates} do not account for the ${sent} events sent`;
  }
  return null;
}
