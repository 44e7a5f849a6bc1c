// POST /v1/reversals: the network cancels all or part of an authorization; the ledger releases the hold,
// or refunds what an advice posted.
import type { FastifyInstance } from 'fastify';
import { reversalRequestSchema, type ReversalRequest, type ReversalResponse } from '../contract.ts';
import { reversalClaim } from '../fingerprint.ts';
import { hopFailureSchema, refusalSchema, reversalResponseSchema } from '../schemas.ts';
import { feedEvent } from '../feed-event.ts';
import { IdempotentRoute } from '../idempotent-route.ts';
import type { ProcessorContext } from '../processor-context.ts';

export function reversalRoutes(app: FastifyInstance, ctx: ProcessorContext): void {
  const reversals = new IdempotentRoute<ReversalRequest, ReversalResponse>({ byIdOnly: ctx.byIdOnly, claim: reversalClaim });

  app.post<{ Body: ReversalRequest }>(
    '/v1/reversals',
    {
      schema: {
        summary: 'Reverse all or part of an authorization',
        description:
          'The network cancels an authorization (or part of it), e.g. after its own timeout. `amount` is in the ' +
          "authorization's currency and at most what it still holds: less is a partial reversal that releases exactly that " +
          'much and leaves the rest held; more is 422 `amount_exceeds_remaining`, another currency 422 `currency_mismatch`. ' +
          'An authorization that was posted by an advice is refunded instead (`refunded`). With nothing left to reverse the ' +
          'answer is `nothing_to_reverse` (amount null). A reversal that overtakes its authorization is remembered: the late ' +
          'authorization is declined with reason `reversed` and nothing stays held.\n\n' +
          'Idempotent by content: the same id with the same body gets the original answer with `replayed: true`; the same id ' +
          'with another body is 409 `idempotency_conflict` naming the key and fields.',
        body: reversalRequestSchema,
        response: { 200: reversalResponseSchema, '4xx': refusalSchema, '5xx': hopFailureSchema },
      },
    },
    async (request) =>
      reversals.answer(request.body, async (claim) => {
        const reversal = request.body;
        const { body: release } = await ctx.write(
          `reversal:${reversal.id}`,
          () => ctx.ledger.release(reversal, claim),
          ({ body }) => {
            // The feed shows what the ledger did: the amount and currency it released or refunded.
            if (body.account && body.amount && body.result !== 'nothing_to_reverse') {
              ctx.emit(
                feedEvent({
                  eventId: `rev:${reversal.id}`,
                  kind: body.result === 'refunded' ? 'refund' : 'release',
                  authorizationId: reversal.authorization_id,
                  account: body.account,
                  moved: body.amount,
                }),
              );
            }
          },
        );
        const out: ReversalResponse = {
          id: reversal.id,
          authorization_id: reversal.authorization_id,
          result: release.result,
          amount: release.amount ?? null,
          replayed: release.replayed,
        };
        return out;
      }),
  );
}
