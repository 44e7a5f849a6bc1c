// The card processor (the issuer processor, the system under test by default), as one Fastify plugin.
// Authorizations place a hold on the ledger through the router under a deadline; advices post stand-in
// approvals (even into overdraft); reversals release all or part of a hold. Every committed ledger change
// becomes a feed event through the outbox, carrying what the ledger did (its amounts, not the request's).
// Idempotency keys are judged by content in the ledger store (fingerprint.ts), shared by every replica;
// this replica only coalesces concurrent duplicates (in-flight.ts).
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
import { InFlight, type Dedup } from './in-flight.ts';
import { IdOnlyAnswers } from './id-only-answers.ts';
import { adviceClaim, authorizationClaim, contentOf, reversalClaim } from './fingerprint.ts';
import { FeedOutbox } from './feed-outbox.ts';
import { adviceResponseSchema, authorizationResponseSchema, hopFailureSchema, refusalSchema, reversalResponseSchema } from './schemas.ts';
import { HopFailure, LedgerCalls, LedgerRefusal } from './ledger-calls.ts';
import { AmbiguousWrites } from './ambiguous-writes.ts';
import { eventsAnswerProblem, prepareFeedAnswerCheck } from './feed-answers.ts';
import { prepareLedgerAnswerChecks } from '../ledger/answer-checks.ts';
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
  /**
   * Deliberate defect for checker tests: answer a reused id from this replica's first answer whatever its
   * content (no content check in the ledger store), as the processor did before keys were judged by content.
   */
  idempotencyByIdOnly?: boolean;
}

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
  // The answer checks compile now, before the first request, not on the first answer under load.
  prepareLedgerAnswerChecks();
  prepareFeedAnswerCheck();
  const ledger = new LedgerCalls(router, opts.ledgerDeadlineMs ?? 1500);
  const cards = new Map<string, AccountSeed>();
  for (const account of seedAccounts(opts.seed, opts.accounts)) cards.set(account.id, account);
  const byIdOnly = opts.idempotencyByIdOnly === true;
  const dedup = <T>(): Dedup<T> => (byIdOnly ? new IdOnlyAnswers<T>() : new InFlight<T>());
  const authorizations = dedup<AuthorizationResponse>();
  const advices = dedup<AdviceResponse>();
  const reversals = dedup<ReversalResponse>();
  const outbox = new FeedOutbox(async (events) => {
    const res = await router.request('feed', {
      method: 'POST',
      path: '/v1/events',
      body: { events },
      idempotent: true,
      deadlineMs: 2000,
    });
    if (res.status >= 500) throw new HopFailure('processor->feed', 'http_5xx', res.attempts, `feed answered ${res.status}`);
    if (res.status >= 400) throw new HopFailure('processor->feed', 'http_4xx', res.attempts, `feed refused the batch with ${res.status}`);
    // The batch counts as delivered only on an answer in the feed's contract that took every event.
    const problem = res.status === 200 ? eventsAnswerProblem(res.body, events.length) : `status ${res.status}; its contract answers 200`;
    if (problem !== null) throw new HopFailure('processor->feed', 'bad_answer', res.attempts, `feed answered /v1/events outside its contract: ${problem}`);
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
      if (ambiguous(err)) {
        unsettled.add(key, async () => {
          try {
            onAnswer(await call());
          } catch (again) {
            // The ledger answered with a refusal (e.g. the key was since used with other content): nothing
            // was written, so there is nothing left to settle.
            if (!(again instanceof LedgerRefusal)) throw again;
          }
        });
      }
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
    async (request) => {
      const auth = request.body;
      const claim = byIdOnly ? undefined : authorizationClaim(auth);
      const [answer, shared] = await authorizations.run(auth.id, claim ? contentOf(claim) : '', async () => {
        const known = cards.get(auth.account_id);
        if (known && known.card_token !== auth.card.token) {
          // Declined without a ledger write: the key is still recorded in the store, so a reuse with other
          // content is refused on every replica.
          if (!claim) return decline(auth, 'card_mismatch', 0, false);
          const { body: record, attempts } = await ledger.recordOutcome(claim, 'card_mismatch');
          return decline(auth, 'card_mismatch', attempts, record.replayed);
        }
        const { body: hold, attempts } = await write(
          `hold:${auth.id}`,
          () => ledger.hold(auth, claim),
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
      });
      return shared ? { ...answer, replayed: true } : answer;
    },
  );

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
      const claim = byIdOnly ? undefined : adviceClaim(advice);
      // The defect keys advices by authorization, as the processor once did; the network's key is the advice id.
      const key = byIdOnly ? advice.authorization_id : advice.id;
      const [answer, shared] = await advices.run(key, claim ? contentOf(claim) : '', async () => {
        if (dropAdvice()) {
          const lost: AdviceResponse = { id: advice.id, authorization_id: advice.authorization_id, result: 'posted', replayed: false };
          return lost;
        }
        const { body: posting } = await write(
          `advice:${advice.authorization_id}`,
          () => ledger.post_advice(advice, claim),
          ({ body }) => {
            if (body.account && body.amount) {
              emit(
                feedEvent(`post:${advice.authorization_id}`, body.result === 'captured' ? 'capture' : 'posting', advice.authorization_id, body.account, body.amount.value, body.amount.currency, {
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
      return shared ? { ...answer, id: advice.id, replayed: true } : answer;
    },
  );

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
    async (request) => {
      const reversal = request.body;
      const claim = byIdOnly ? undefined : reversalClaim(reversal);
      const [answer, shared] = await reversals.run(reversal.id, claim ? contentOf(claim) : '', async () => {
        const { body: release } = await write(
          `reversal:${reversal.id}`,
          () => ledger.release(reversal, claim),
          ({ body }) => {
            // The feed shows what the ledger did: the amount and currency it released or refunded.
            if (body.account && body.amount && body.result !== 'nothing_to_reverse') {
              emit(
                feedEvent(`rev:${reversal.id}`, body.result === 'refunded' ? 'refund' : 'release', reversal.authorization_id, body.account, body.amount.value, body.amount.currency),
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
      });
      return shared ? { ...answer, replayed: true } : answer;
    },
  );

  // Loopback admin: the mesh restart fault, the drain the runner waits for, and the router's view.
  app.post(
    '/__admin/router/restart',
    {
      schema: {
        summary: 'Restart the mesh client (the router.restart fault)',
        description:
          "Drops every endpoint the processor's router resolved and resolves again from a fresh discovery list, as restarting " +
          'linkerd did in 2017. Takes no body. Answers `{restarted: true}`.',
        body: { type: 'null' },
      },
    },
    async () => {
      await router.restart();
      return { restarted: true };
    },
  );
  app.get(
    '/__admin/router',
    {
      schema: {
        summary: "The router's view of discovery",
        description:
          'Endpoints per service, resolution state and counters (RouterSnapshot). Before traffic faultline polls it until the ' +
          'ledger is resolved; a processor that answers 404 here has nothing to wait for.',
      },
    },
    async () => router.snapshot(),
  );
  app.post<{ Body: { deadline_ms?: number } | null }>(
    '/__admin/drain',
    {
      schema: {
        summary: 'Flush the feed outbox and settle unknown ledger writes',
        description:
          'After traffic faultline asks every processor to deliver its pending feed events and settle the ledger writes whose ' +
          'outcome it never learnt, within `deadline_ms` (default 5000), so the feed can be checked against the ledger. Answers ' +
          '`{drained, pending, unsettled_writes, delivered, dropped}`. A processor without it is logged, not fatal.',
        body: { type: ['object', 'null'], additionalProperties: false, properties: { deadline_ms: { type: 'integer', minimum: 0, maximum: 120000 } } },
      },
    },
    async (request) => {
      const deadline = request.body?.deadline_ms ?? 5000;
      const started = Date.now();
      const settled = await unsettled.drain(deadline);
      const drained = (await outbox.drain(Math.max(0, deadline - (Date.now() - started)))) && settled;
      return { drained, pending: outbox.pending + unsettled.size, unsettled_writes: unsettled.size, delivered: outbox.delivered, dropped: outbox.dropped };
    },
  );
};

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
