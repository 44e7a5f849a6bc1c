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
//
// Routes (the same public routes as a replica): POST /v1/holds, /v1/releases, /v1/postings;
// GET /v1/accounts/:id, /v1/journal?after=&limit=, /v1/authorizations/:id, /health.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import {
  holdRequestSchema,
  postingRequestSchema,
  releaseRequestSchema,
  type HoldRequest,
  type PostingRequest,
  type ReleaseRequest,
} from './contract.ts';
import { BookError, DEFAULT_JOURNAL_PAGE, type LedgerBook } from './book.ts';
import { sendBookError } from './book-errors.ts';
import {
  accountViewSchema,
  authorizationStateSchema,
  healthSchema,
  holdResponseSchema,
  idParamsSchema,
  journalPageSchema,
  journalQuerySchema,
  postingResponseSchema,
  releaseResponseSchema,
} from './schemas.ts';

export interface LedgerStoreOptions {
  book: LedgerBook;
  replica: string;
}

export const ledgerStorePlugin: FastifyPluginAsync<LedgerStoreOptions> = async (app: FastifyInstance, opts) => {
  const { book } = opts;

  const operation = <B>(path: string, bodySchema: object, responseSchema: object, run: (body: B) => unknown): void => {
    app.post<{ Body: B }>(path, { schema: { body: bodySchema, response: { 200: responseSchema } } }, async (request, reply) => {
      try {
        return run(request.body as B);
      } catch (err) {
        if (err instanceof BookError) return sendBookError(reply, err);
        throw err;
      }
    });
  };
  operation<HoldRequest>('/v1/holds', holdRequestSchema, holdResponseSchema, (body) => book.hold(body));
  operation<ReleaseRequest>('/v1/releases', releaseRequestSchema, releaseResponseSchema, (body) => book.release(body));
  operation<PostingRequest>('/v1/postings', postingRequestSchema, postingResponseSchema, (body) => book.post(body));

  app.get<{ Params: { id: string } }>(
    '/v1/accounts/:id',
    { schema: { params: idParamsSchema, response: { 200: accountViewSchema } } },
    async (request, reply) => {
      const view = book.account(request.params.id);
      if (view) return view;
      return reply
        .code(404)
        .send({ error: `params/id names an unknown account: ${request.params.id}`, code: 'unknown_account', status: 404, field: 'id' });
    },
  );

  app.get<{ Querystring: { after?: number; limit?: number } }>(
    '/v1/journal',
    { schema: { querystring: journalQuerySchema, response: { 200: journalPageSchema } } },
    async (request) => book.journalPage(request.query.after ?? 0, request.query.limit ?? DEFAULT_JOURNAL_PAGE),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/authorizations/:id',
    { schema: { params: idParamsSchema, response: { 200: authorizationStateSchema } } },
    async (request) => book.authorizationState(request.params.id),
  );

  app.get('/health', { schema: { response: { 200: healthSchema } } }, async () => {
    const stats = book.stats();
    return {
      status: 'ok',
      service: 'ledger-store',
      replica: opts.replica,
      entries: stats.entries,
      accounts: stats.accounts,
      authorizations: stats.authorizations,
      idempotency: stats.idempotency,
    };
  });
};
