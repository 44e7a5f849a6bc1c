// The card processor (the issuer processor, the system under test by default), as one Fastify plugin.
// Authorizations place a hold on the ledger through the router under a deadline; advices post stand-in
// approvals (even into overdraft); reversals release holds. Every committed ledger change becomes a
// feed event through the outbox.
import type { FastifyPluginAsync } from 'fastify';
import {
  adviceRequestSchema,
  authorizationRequestSchema,
  reversalRequestSchema,
  type AdviceRequest,
  type AdviceResponse,
  type AuthorizationRequest,
  type AuthorizationResponse,
  type ReversalRequest,
  type ReversalResponse,
} from './contract.ts';
import { AnswerCache } from './idempotency.ts';
import { FeedOutbox } from './feed-outbox.ts';
import { HopFailure, LedgerCalls } from './ledger-calls.ts';
import { AmbiguousWrites } from './ambiguous-writes.ts';
import type { AccountView } from '../ledger/contract.ts';
import type { FeedEvent } from '../feed/contract.ts';
import { seedAccounts, type AccountSeed } from '../common/accounts.ts';
import { createRng, hashSeed } from '../common/random.ts';
import { mayHaveCommitted } from '../common/failure.ts';
import type { Router } from '../router/index.ts';

export interface CardProcessorOptions {
  replica: string;
  router: Router;
  seed: number;
  accounts: number;
  /** Budget for the ledger call of one authorization (below the network's 2 s issuer deadline). */
  ledgerDeadlineMs?: number;
  /** Send feed events (off in unit tests without a feed). */
  feedEvents?: boolean;
  /**
   * Deliberate defect for checker tests: acknowledge this share of advices (0..100) without posting them,
   * so the advices-posted invariant has something real to catch.
   */
  dropAdvicesPercent?: number;
}

const hopFailureSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    hop: { type: 'string' },
    cause: { type: 'string' },
    attempts: { type: 'integer' },
  },
} as const;

const moneyOut = { type: 'object', properties: { value: { type: 'integer' }, currency: { type: 'string' } } } as const;

const authorizationResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    decision: { type: 'string', enum: ['approved', 'declined'] },
    reason: { type: 'string' },
    account_id: { type: 'string' },
    amount: moneyOut,
    replayed: { type: 'boolean' },
    ledger_attempts: { type: 'integer' },
  },
} as const;

function feedEvent(
  eventId: string,
  kind: FeedEvent['kind'],
  authorizationId: string,
  account: AccountView,
  amount: number,
  currency: string,
  extra: { merchant_name?: string; card_last4?: string } = {},
): FeedEvent {
  return {
    event_id: eventId,
    account_id: account.account_id,
    kind,
    authorization_id: authorizationId,
    amount,
    currency,
    ...extra,
    account,
    at: Date.now(),
  };
}

/** The ledger may have committed a write that failed this way: it was sent, and no answer came back. */
function ambiguous(err: unknown): boolean {
  return err instanceof HopFailure && mayHaveCommitted(err.hop, err.cause);
}

export const cardProcessorPlugin: FastifyPluginAsync<CardProcessorOptions> = async (app, opts) => {
  const router = opts.router;
  const ledger = new LedgerCalls(router, opts.ledgerDeadlineMs ?? 1500);
  const cards = new Map<string, AccountSeed>();
  for (const account of seedAccounts(opts.seed, opts.accounts)) cards.set(account.id, account);
  const authorizations = new AnswerCache<AuthorizationResponse>();
  const advices = new AnswerCache<AdviceResponse>();
  const reversals = new AnswerCache<ReversalResponse>();
  const outbox = new FeedOutbox(async (events) => {
    const res = await router.request('feed', {
      method: 'POST',
      path: '/v1/events',
      body: { events },
      idempotent: true,
      deadlineMs: 2000,
    });
    if (res.status !== 200) throw new Error(`feed answered ${res.status}`);
  });
  const defectRng = createRng(hashSeed('drop-advices', opts.seed, opts.replica));
  const dropAdvice = (): boolean => (opts.dropAdvicesPercent ?? 0) > 0 && defectRng.next() * 100 < (opts.dropAdvicesPercent ?? 0);
  const emit = (event: FeedEvent): void => {
    if (opts.feedEvents !== false) outbox.push(event);
  };

  const unsettled = new AmbiguousWrites();
  /** Runs a ledger write; if its outcome is unknown, keeps settling it in the background, then rethrows. */
  const write = async <T>(key: string, call: () => Promise<T>, onAnswer: (answer: T) => void): Promise<T> => {
    try {
      const answer = await call();
      onAnswer(answer);
      return answer;
    } catch (err) {
      if (ambiguous(err)) unsettled.add(key, async () => onAnswer(await call()));
      throw err;
    }
  };

  app.addHook('onClose', async () => {
    await unsettled.drain(2000);
    unsettled.stop();
    await outbox.drain(3000);
    outbox.stop();
    await router.close();
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HopFailure) {
      void reply.code(error.httpStatus).send(error.body());
      return;
    }
    const err = error as { statusCode?: number; code?: string; message: string };
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    void reply.code(status).send({ error: err.message, code: err.code ?? 'ERROR', status });
  });

  app.get('/health', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' }, replica: { type: 'string' } } } } } }, async () => ({
    status: 'ok',
    replica: opts.replica,
  }));

  app.post<{ Body: AuthorizationRequest }>(
    '/v1/authorizations',
    { schema: { body: authorizationRequestSchema, response: { 200: authorizationResponseSchema, '5xx': hopFailureSchema } } },
    async (request) => {
      const auth = request.body;
      const [answer, replayed] = await authorizations.run(auth.id, async () => {
        const known = cards.get(auth.account_id);
        if (known && known.card_token !== auth.card.token) {
          return decline(auth, 'card_mismatch', 0);
        }
        const { body: hold, attempts } = await write(
          `hold:${auth.id}`,
          () => ledger.hold(auth),
          ({ body }) => {
            if (body.result === 'held' && body.account) {
              emit(
                feedEvent(`hold:${auth.id}`, 'hold', auth.id, body.account, auth.amount.value, auth.amount.currency, {
                  merchant_name: auth.merchant.name,
                  card_last4: auth.card.last4,
                }),
              );
            }
          },
        );
        if (hold.result !== 'held') return decline(auth, hold.result, attempts);
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
      });
      return replayed ? { ...answer, replayed: true } : answer;
    },
  );

  app.post<{ Body: AdviceRequest }>(
    '/v1/advices',
    { schema: { body: adviceRequestSchema } },
    async (request) => {
      const advice = request.body;
      const [answer, replayed] = await advices.run(advice.authorization_id, async () => {
        if (dropAdvice()) {
          const lost: AdviceResponse = { id: advice.id, authorization_id: advice.authorization_id, result: 'posted', replayed: false };
          return lost;
        }
        const { body: posting } = await write(
          `advice:${advice.authorization_id}`,
          () => ledger.post_advice(advice),
          ({ body }) => {
            if (body.account) {
              emit(
                feedEvent(`post:${advice.authorization_id}`, body.result === 'captured' ? 'capture' : 'posting', advice.authorization_id, body.account, advice.amount.value, advice.amount.currency, {
                  merchant_name: advice.merchant.name,
                  card_last4: advice.card.last4,
                }),
              );
            }
          },
        );
        const out: AdviceResponse = { id: advice.id, authorization_id: advice.authorization_id, result: posting.result, replayed: posting.replayed };
        return out;
      });
      return replayed ? { ...answer, id: advice.id, replayed: true } : answer;
    },
  );

  app.post<{ Body: ReversalRequest }>(
    '/v1/reversals',
    { schema: { body: reversalRequestSchema } },
    async (request) => {
      const reversal = request.body;
      const [answer, replayed] = await reversals.run(reversal.id, async () => {
        const { body: release } = await write(
          `reversal:${reversal.id}`,
          () => ledger.release(reversal),
          ({ body }) => {
            if (body.account && body.result !== 'nothing_to_reverse') {
              emit(
                feedEvent(`rev:${reversal.id}`, body.result === 'refunded' ? 'refund' : 'release', reversal.authorization_id, body.account, reversal.amount.value, reversal.amount.currency),
              );
            }
          },
        );
        const out: ReversalResponse = { id: reversal.id, authorization_id: reversal.authorization_id, result: release.result, replayed: release.replayed };
        return out;
      });
      return replayed ? { ...answer, replayed: true } : answer;
    },
  );

  // Loopback admin: the mesh restart fault, the drain the runner waits for, and the router's view.
  app.post('/__admin/router/restart', { schema: { body: { type: 'null' } } }, async () => {
    await router.restart();
    return { restarted: true };
  });
  app.get('/__admin/router', async () => router.snapshot());
  app.post<{ Body: { deadline_ms?: number } | null }>(
    '/__admin/drain',
    { schema: { body: { type: ['object', 'null'], additionalProperties: false, properties: { deadline_ms: { type: 'integer', minimum: 0, maximum: 120000 } } } } },
    async (request) => {
      const deadline = request.body?.deadline_ms ?? 5000;
      const started = Date.now();
      const settled = await unsettled.drain(deadline);
      const drained = (await outbox.drain(Math.max(0, deadline - (Date.now() - started)))) && settled;
      return { drained, pending: outbox.pending + unsettled.size, unsettled_writes: unsettled.size, delivered: outbox.delivered, dropped: outbox.dropped };
    },
  );
};

function decline(auth: AuthorizationRequest, reason: Exclude<AuthorizationResponse['reason'], 'ok'>, attempts: number): AuthorizationResponse {
  return {
    id: auth.id,
    decision: 'declined',
    reason,
    account_id: auth.account_id,
    amount: auth.amount,
    replayed: false,
    ledger_attempts: attempts,
  };
}
