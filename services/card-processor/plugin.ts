// The card processor (the issuer processor, the system under test by default), as one Fastify plugin.
// Authorizations place a hold on the ledger through the router under a deadline; advices post stand-in
// approvals (even into overdraft); reversals release all or part of a hold. Every committed ledger change
// becomes a feed event through the outbox, carrying what the ledger did (its amounts, not the request's).
// Idempotency keys are judged by content in the ledger store (fingerprint.ts), shared by every replica;
// this replica only coalesces concurrent duplicates (in-flight.ts, idempotent-route.ts).
// One file a role: routes/ (authorizations, advices, reversals, admin), processor-context.ts (what they share).
import type { FastifyPluginAsync } from 'fastify';
import { prepareFeedAnswerCheck } from './feed-answers.ts';
import { HopFailure, LedgerRefusal } from './ledger-calls.ts';
import { prepareLedgerAnswerChecks } from '../ledger/answer-checks.ts';
import { createProcessorContext, type CardProcessorOptions } from './processor-context.ts';
import { authorizationRoutes } from './routes/authorizations.ts';
import { adviceRoutes } from './routes/advices.ts';
import { reversalRoutes } from './routes/reversals.ts';
import { adminRoutes } from './routes/admin.ts';

export type { CardProcessorOptions } from './processor-context.ts';

export const cardProcessorPlugin: FastifyPluginAsync<CardProcessorOptions> = async (app, opts) => {
  // The answer checks compile now, before the first request, not on the first answer under load.
  prepareLedgerAnswerChecks();
  prepareFeedAnswerCheck();
  const ctx = createProcessorContext(opts);

  app.addHook('onClose', async () => {
    await ctx.unsettled.drain(2000);
    ctx.unsettled.stop();
    await ctx.outbox.drain(3000);
    ctx.outbox.stop();
    await ctx.router.close();
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HopFailure) {
      void reply.code(error.httpStatus).send(error.body());
      return;
    }
    if (error instanceof LedgerRefusal) {
      void reply.code(error.status).send(error.body);
      return;
    }
    const err = error as { statusCode?: number; code?: string; message: string };
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    void reply.code(status).send({ error: err.message, code: err.code ?? 'ERROR', status });
  });

  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness',
        description: 'Answers 200 as soon as the replica can serve requests. faultline waits for it before traffic and after every restart.',
        response: {
          200: {
            type: 'object',
            description: 'The replica is up.',
            properties: { status: { type: 'string', description: '`ok`.' }, replica: { type: 'string', description: "The replica's name." } },
          },
        },
      },
    },
    async () => ({
      status: 'ok',
      replica: opts.replica,
    }),
  );

  authorizationRoutes(app, ctx);
  adviceRoutes(app, ctx);
  reversalRoutes(app, ctx);
  adminRoutes(app, ctx);
};
