// POST /v1/advices: the network approved a payment in stand-in and now tells the issuer, who must post it
// (capturing the hold if there is one), even into overdraft.
import type { FastifyInstance } from 'fastify';
import { adviceRequestSchema, type AdviceRequest, type AdviceResponse } from '../contract.ts';
import { adviceClaim } from '../fingerprint.ts';
import { adviceResponseSchema, hopFailureSchema, refusalSchema } from '../schemas.ts';
import { feedEvent } from '../feed-event.ts';
import { IdempotentRoute } from '../idempotent-route.ts';
import type { ProcessorContext } from '../processor-context.ts';

export function adviceRoutes(app: FastifyInstance, ctx: ProcessorContext): void {
  // The defect keys advices by authorization, as the processor once did; the network's key is the advice id.
  const advices = new IdempotentRoute<AdviceRequest, AdviceResponse>({
    byIdOnly: ctx.byIdOnly,
    claim: adviceClaim,
    idOnlyKey: (advice) => advice.authorization_id,
  });

  app.post<{ Body: AdviceRequest }>(
    '/v1/advices',
    {
      schema: {
        summary: 'Post a stand-in advice',
        description:
          'The network approved this payment in stand-in while the issuer was unreachable, and now tells the issuer: the amount ' +
          'must be posted, even into overdraft (an advice is never declined for funds). If a hold exists for the authorization it ' +
          'is captured (`captured`; a different amount moves the difference), else the amount is posted from the available ' +
          'balance (`posted`). One authorization is posted once, however often it is advised.\n\n' +
          'Idempotent by content: the same id with the same body gets the original answer with `replayed: true`; the same id ' +
          'with another body is 409 `idempotency_conflict`; another advice for an already advised authorization with other ' +
          'content is 409 `authorization_conflict`. An unknown account is 404 `unknown_account`; an advice in another currency ' +
          'than the account is 422 `currency_mismatch`.',
        body: adviceRequestSchema,
        response: { 200: adviceResponseSchema, '4xx': refusalSchema, '5xx': hopFailureSchema },
      },
    },
    async (request) => {
      const advice = request.body;
      const answer = await advices.answer(advice, async (claim) => {
        if (ctx.dropAdvice()) {
          const lost: AdviceResponse = { id: advice.id, authorization_id: advice.authorization_id, result: 'posted', replayed: false };
          return lost;
        }
        const { body: posting } = await ctx.write(
          `advice:${advice.authorization_id}`,
          () => ctx.ledger.post_advice(advice, claim),
          ({ body }) => {
            if (body.account && body.amount) {
              ctx.emit(
                feedEvent({
                  eventId: `post:${advice.authorization_id}`,
                  kind: body.result === 'captured' ? 'capture' : 'posting',
                  authorizationId: advice.authorization_id,
                  account: body.account,
                  moved: body.amount,
                  merchantName: advice.merchant.name,
                  cardLast4: advice.card.last4,
                }),
              );
            }
          },
        );
        const out: AdviceResponse = { id: advice.id, authorization_id: advice.authorization_id, result: posting.result, replayed: posting.replayed };
        return out;
      });
      // With the id-only defect a shared answer may be another advice's (same authorization): answer this one's id.
      return answer.id === advice.id ? answer : { ...answer, id: advice.id };
    },
  );
}
