// The ledger store: the one process that owns the ledger's state.
//
// Design (why one store and N API replicas):
//   ONE ledger-store process holds the book (book.ts): the journal, balances, holds and the
//   idempotency records. It is the single writer, and Node runs each request's book operation to the
//   end before the next one starts, so double entry (every entry's legs sum to zero) and idempotency
//   (a request_id is answered once, whichever replica it came through) hold without locks.
//   The N ledger API replicas (replica-plugin.ts) are stateless: they validate a request against the
//   same JSON schemas and forward the raw body to the store over keep-alive HTTP (an undici Pool).
//   Killing, freezing or faulting a replica therefore never loses or forks state; the store plays the
//   role of the database behind a fleet of API servers, and the replicas are what discovery, the
//   router and the fault plane act on.
//   An operation either commits whole or not at all: a bad body is rejected by the schema before the
//   book sees it, and the book checks everything before it writes anything.
//   The callers' idempotency keys live here too (idempotency-keys.ts): a write carrying one is checked
//   against the key's first use before the book runs, and the key is recorded in the same synchronous step
//   once the book has answered, so no two replicas of a caller can ever see different first uses.
//
// Routes (the same public routes as a replica): POST /v1/holds, /v1/releases, /v1/postings,
// /v1/idempotency-records; GET /v1/accounts?after=&limit=, /v1/accounts/:id, /v1/journal?after=&limit=, /v1/authorizations/:id, /health.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import {
  holdRequestSchema,
  idempotencyRecordRequestSchema,
  postingRequestSchema,
  releaseRequestSchema,
  type HoldRequest,
  type IdempotencyClaim,
  type IdempotencyRecordRequest,
  type IdempotencyRecordResponse,
  type PostingRequest,
  type ReleaseRequest,
} from './contract.ts';
import { BookError, DEFAULT_JOURNAL_PAGE, type LedgerBook } from './book.ts';
import { ledgerErrorSchema, sendBookError, sendKeyConflict } from './book-errors.ts';
import { IdempotencyKeys, KeyConflict } from './idempotency-keys.ts';
import { DEFAULT_ID_PAGE, type IdPageQuery } from '../common/id-pages.ts';
import {
  accountsPageSchema,
  accountsQuerySchema,
  accountViewSchema,
  authorizationStateSchema,
  healthSchema,
  holdResponseSchema,
  idempotencyRecordResponseSchema,
  idParamsSchema,
  journalPageSchema,
  LEDGER_ROUTE_DOCS,
  journalQuerySchema,
  postingResponseSchema,
  releaseResponseSchema,
} from './schemas.ts';

export interface LedgerStoreOptions {
  book: LedgerBook;
  replica: string;
  /** The callers' idempotency keys; a fresh registry when absent. */
  keys?: IdempotencyKeys;
}

export const ledgerStorePlugin: FastifyPluginAsync<LedgerStoreOptions> = async (app: FastifyInstance, opts) => {
  const { book } = opts;
  const keys = opts.keys ?? new IdempotencyKeys();

  const operation = <B extends { idempotency?: IdempotencyClaim }>(
    path: string,
    docs: { summary: string; description: string },
    bodySchema: object,
    responseSchema: object,
    run: (body: B) => unknown,
  ): void => {
    app.post<{ Body: B }>(path, { schema: { ...docs, body: bodySchema, response: { 200: responseSchema, '4xx': ledgerErrorSchema } } }, async (request, reply) => {
      const body = request.body as B;
      try {
        // Check, run, record: one synchronous step, so nothing else runs in between.
        if (body.idempotency) keys.check(body.idempotency);
        const answer = run(body);
        if (body.idempotency) keys.remember(body.idempotency);
        return answer;
      } catch (err) {
        if (err instanceof BookError) return sendBookError(reply, err);
        if (err instanceof KeyConflict) return sendKeyConflict(reply, err);
        throw err;
      }
    });
  };
  operation<HoldRequest>('/v1/holds', LEDGER_ROUTE_DOCS.holds, holdRequestSchema, holdResponseSchema, (body) => book.hold(body));
  operation<ReleaseRequest>('/v1/releases', LEDGER_ROUTE_DOCS.releases, releaseRequestSchema, releaseResponseSchema, (body) => book.release(body));
  operation<PostingRequest>('/v1/postings', LEDGER_ROUTE_DOCS.postings, postingRequestSchema, postingResponseSchema, (body) => book.post(body));

  // An answer the caller gave without a ledger write (the processor's card_mismatch decline): its key is
  // judged and recorded here like any other, so a reuse with other content is refused on every replica.
  app.post<{ Body: IdempotencyRecordRequest }>(
    '/v1/idempotency-records',
    {
      schema: {
        ...LEDGER_ROUTE_DOCS.idempotencyRecords,
        body: idempotencyRecordRequestSchema,
        response: { 200: idempotencyRecordResponseSchema, '4xx': ledgerErrorSchema },
      },
    },
    async (request, reply) => {
      const { idempotency, outcome } = request.body;
      try {
        const first = keys.check(idempotency);
        if (!first) keys.remember(idempotency, outcome);
        const answer: IdempotencyRecordResponse = {
          scope: idempotency.scope,
          key: idempotency.key,
          outcome: first?.outcome ?? outcome,
          replayed: first !== null,
        };
        return answer;
      } catch (err) {
        if (err instanceof KeyConflict) return sendKeyConflict(reply, err);
        throw err;
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/accounts/:id',
    { schema: { ...LEDGER_ROUTE_DOCS.account, params: idParamsSchema, response: { 200: accountViewSchema } } },
    async (request, reply) => {
      const view = book.account(request.params.id);
      if (view) return view;
      return reply
        .code(404)
        .send({ error: `params/id names an unknown account: ${request.params.id}`, code: 'unknown_account', status: 404, field: 'id' });
    },
  );

  app.get<{ Querystring: IdPageQuery }>(
    '/v1/accounts',
    { schema: { ...LEDGER_ROUTE_DOCS.accounts, querystring: accountsQuerySchema, response: { 200: accountsPageSchema } } },
    async (request) => book.accountsPage(request.query.after, request.query.limit ?? DEFAULT_ID_PAGE),
  );

  app.get<{ Querystring: { after?: number; limit?: number } }>(
    '/v1/journal',
    { schema: { ...LEDGER_ROUTE_DOCS.journal, querystring: journalQuerySchema, response: { 200: journalPageSchema } } },
    async (request) => book.journalPage(request.query.after ?? 0, request.query.limit ?? DEFAULT_JOURNAL_PAGE),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/authorizations/:id',
    { schema: { ...LEDGER_ROUTE_DOCS.authorization, params: idParamsSchema, response: { 200: authorizationStateSchema } } },
    async (request) => book.authorizationState(request.params.id),
  );

  app.get('/health', { schema: { ...LEDGER_ROUTE_DOCS.health, response: { 200: healthSchema } } }, async () => {
    const stats = book.stats();
    return {
      status: 'ok',
      service: 'ledger-store',
      replica: opts.replica,
      entries: stats.entries,
      accounts: stats.accounts,
      authorizations: stats.authorizations,
      idempotency: stats.idempotency,
      idempotency_keys: keys.size,
    };
  });
};
