// POST /v1/authorizations: the network asks the issuer to approve a card payment; approved means the
// amount is held on the ledger, under a deadline below the network's.
import type { FastifyInstance } from 'fastify';
import { authorizationRequestSchema, type AuthorizationRequest, type AuthorizationResponse } from '../contract.ts';
import { authorizationClaim } from '../fingerprint.ts';
import { authorizationResponseSchema, hopFailureSchema, refusalSchema } from '../schemas.ts';
import { feedEvent } from '../feed-event.ts';
import { IdempotentRoute } from '../idempotent-route.ts';
import type { ProcessorContext } from '../processor-context.ts';

export function authorizationRoutes(app: FastifyInstance, ctx: ProcessorContext): void {
  const authorizations = new IdempotentRoute<AuthorizationRequest, AuthorizationResponse>({ byIdOnly: ctx.byIdOnly, claim: authorizationClaim });

  app.post<{ Body: AuthorizationRequest }>(
    '/v1/authorizations',
    {
      schema: {
        summary: 'Authorize a card payment: hold the amount on the account',
        description:
          'The card network asks the issuer to approve a payment. Approved means the amount is now held on the account ' +
          '(available balance down, held up); a decline (insufficient funds, unknown account, another currency, a card that is ' +
          "not the account's, or an authorization whose reversal arrived first) is a 200 too. The network's deadline is 2 s.\n\n" +
          "Idempotent by content: `id` is the network's key. The same id with the same body gets the original answer with " +
          '`replayed: true` and never holds twice, on every replica; the same id with another body is refused with 409 ' +
          '`idempotency_conflict` naming the key and the differing fields. An authorization that was held and has since been ' +
          'released in full is never held again: 409 `one_hold_per_authorization`. A ledger that answers outside its contract ' +
          '(e.g. `200 {}`) is a technical failure, 502 with cause `bad_answer`, never a decline.',
        body: authorizationRequestSchema,
        response: { 200: authorizationResponseSchema, '4xx': refusalSchema, '5xx': hopFailureSchema },
      },
    },
    async (request) =>
      authorizations.answer(request.body, async (claim) => {
        const auth = request.body;
        const known = ctx.cards.get(auth.account_id);
        if (known && known.card_token !== auth.card.token) {
          // Declined without a ledger write: the key is still recorded in the store, so a reuse with other
          // content is refused on every replica.
          if (!claim) return decline(auth, 'card_mismatch', 0, false);
          const { body: record, attempts } = await ctx.ledger.recordOutcome(claim, 'card_mismatch');
          return decline(auth, 'card_mismatch', attempts, record.replayed);
        }
        const { body: hold, attempts } = await ctx.write(
          `hold:${auth.id}`,
          () => ctx.ledger.hold(auth, claim),
          ({ body }) => {
            if (body.result === 'held' && body.account) {
              ctx.emit(
                feedEvent({
                  eventId: `hold:${auth.id}`,
                  kind: 'hold',
                  authorizationId: auth.id,
                  account: body.account,
                  moved: auth.amount,
                  merchantName: auth.merchant.name,
                  cardLast4: auth.card.last4,
                }),
              );
            }
          },
        );
        if (hold.result !== 'held') return decline(auth, hold.result, attempts, hold.replayed);
        const approved: AuthorizationResponse = {
          id: auth.id,
          decision: 'approved',
          reason: 'ok',
          account_id: auth.account_id,
          amount: auth.amount,
          replayed: hold.replayed,
          ledger_attempts: attempts,
        };
        return approved;
      }),
  );
}

function decline(auth: AuthorizationRequest, reason: Exclude<AuthorizationResponse['reason'], 'ok'>, attempts: number, replayed: boolean): AuthorizationResponse {
  return {
    id: auth.id,
    decision: 'declined',
    reason,
    account_id: auth.account_id,
    amount: auth.amount,
    replayed,
    ledger_attempts: attempts,
  };
}
