// A ledger API replica: stateless. It serves the ledger's public routes, validates every request
// against the same JSON schemas as the store (a bad request never leaves the replica), and forwards
// the raw body to the one ledger store over keep-alive HTTP, passing the store's answer back as is.
// When the store cannot be reached or fails, the replica answers 502/503/504 with a HopFailureBody
// naming the hop `ledger->store`. A store's 200 to a write that is outside the ledger's contract (`{}`, an
// unknown result, another request's answer: answer-checks.ts) is 502 `bad_answer` on ledger->store, so the
// processor sees where it broke. Reads are passed through (the checkers read them against the contract).
// See store-plugin.ts for why the state lives in one store.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { holdRequestSchema, idempotencyRecordRequestSchema, postingRequestSchema, releaseRequestSchema } from './contract.ts';
import { ledgerErrorSchema } from './book-errors.ts';
import { keepRawJson, rawBody } from './raw-json.ts';
import {
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
import { StoreClient, StoreHopError, type StoreAnswer } from './store-client.ts';
import { holdAnswer, idempotencyRecordAnswer, postingAnswer, prepareLedgerAnswerChecks, releaseAnswer, type AnswerCheck } from './answer-checks.ts';
import type { HoldRequest, IdempotencyRecordRequest, PostingRequest, ReleaseRequest } from './contract.ts';

export interface LedgerReplicaOptions {
  replica: string;
  storeUrl: string;
  storeTimeoutMs?: number;
  storeConnections?: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export const ledgerReplicaPlugin: FastifyPluginAsync<LedgerReplicaOptions> = async (app: FastifyInstance, opts) => {
  const store = new StoreClient({
    url: opts.storeUrl,
    timeoutMs: opts.storeTimeoutMs ?? 5000,
    connections: opts.storeConnections ?? 32,
  });
  app.addHook('onClose', async () => {
    await store.close();
  });
  keepRawJson(app);
  prepareLedgerAnswerChecks(); // before serving: a first compile under load would stall the replica

  const relay = async (reply: FastifyReply, call: Promise<StoreAnswer>, check?: AnswerCheck, what = ''): Promise<FastifyReply> => {
    try {
      const answer = await call;
      if (check && answer.status === 200) {
        const problem = check(parseOrText(answer.body));
        if (problem !== null) throw new StoreHopError(502, 'bad_answer', `ledger store answered ${what} outside its contract: ${problem}`);
      }
      return reply.code(answer.status).header('content-type', JSON_TYPE).send(answer.body);
    } catch (err) {
      if (err instanceof StoreHopError) return reply.code(err.status).send(err.body());
      throw err;
    }
  };

  const operation = <T>(
    path: string,
    docs: { summary: string; description: string },
    bodySchema: object,
    responseSchema: object,
    answerCheck: (req: T) => AnswerCheck,
  ): void => {
    app.post(path, { schema: { ...docs, body: bodySchema, response: { 200: responseSchema, '4xx': ledgerErrorSchema } } }, (request: FastifyRequest, reply) =>
      relay(reply, store.call('POST', path, rawBody(request)), answerCheck(request.body as T), path),
    );
  };
  operation<HoldRequest>('/v1/holds', LEDGER_ROUTE_DOCS.holds, holdRequestSchema, holdResponseSchema, holdAnswer);
  operation<ReleaseRequest>('/v1/releases', LEDGER_ROUTE_DOCS.releases, releaseRequestSchema, releaseResponseSchema, releaseAnswer);
  operation<PostingRequest>('/v1/postings', LEDGER_ROUTE_DOCS.postings, postingRequestSchema, postingResponseSchema, postingAnswer);
  operation<IdempotencyRecordRequest>(
    '/v1/idempotency-records',
    LEDGER_ROUTE_DOCS.idempotencyRecords,
    idempotencyRecordRequestSchema,
    idempotencyRecordResponseSchema,
    idempotencyRecordAnswer,
  );

  // Reads: validated here, then the same URL (already checked) goes to the store.
  app.get('/v1/accounts/:id', { schema: { ...LEDGER_ROUTE_DOCS.account, params: idParamsSchema, response: { 200: accountViewSchema } } }, (request, reply) =>
    relay(reply, store.call('GET', request.url)),
  );
  app.get('/v1/journal', { schema: { ...LEDGER_ROUTE_DOCS.journal, querystring: journalQuerySchema, response: { 200: journalPageSchema } } }, (request, reply) =>
    relay(reply, store.call('GET', request.url)),
  );
  app.get(
    '/v1/authorizations/:id',
    { schema: { ...LEDGER_ROUTE_DOCS.authorization, params: idParamsSchema, response: { 200: authorizationStateSchema } } },
    (request, reply) => relay(reply, store.call('GET', request.url)),
  );

  app.get('/health', { schema: { ...LEDGER_ROUTE_DOCS.health, response: { 200: healthSchema } } }, async () => ({
    status: 'ok',
    service: 'ledger',
    replica: opts.replica,
    store: opts.storeUrl,
  }));
};

/** The store's body as JSON when it is, else the text (which no answer check accepts). */
function parseOrText(body: string): unknown {
  try {
    return body.length > 0 ? (JSON.parse(body) as unknown) : null;
  } catch {
    return body;
  }
}
