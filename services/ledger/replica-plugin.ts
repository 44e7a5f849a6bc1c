// A ledger API replica: stateless. It serves the ledger's public routes, validates every request
// against the same JSON schemas as the store (a bad request never leaves the replica), and forwards
// the raw body to the one ledger store over keep-alive HTTP, passing the store's answer back as is.
// When the store cannot be reached or fails, the replica answers 502/503/504 with a HopFailureBody
// naming the hop `ledger->store`. A store's 200 to a write that is outside the ledger's contract (`{}`, an
// unknown result, another request's answer: answer-checks.ts) is 502 `bad_answer` on ledger->store, so the
// processor sees where it broke. Reads are passed through (the checkers read them against the contract).
// See store-plugin.ts for why the state lives in one store.
// `declineHoldsPercent` is a deliberate defect for checker tests: that share of holds (drawn per
// authorization id, so a retry gets the same answer) is answered `insufficient_funds` by the replica itself,
// whatever the balance, and never reaches the store: false declines for declines-justified to catch.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { holdRequestSchema, idempotencyRecordRequestSchema, postingRequestSchema, releaseRequestSchema } from './contract.ts';
import { ledgerErrorSchema } from './book-errors.ts';
import { keepRawJson, rawBody } from './raw-json.ts';
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
import { StoreClient, StoreHopError, type StoreAnswer } from './store-client.ts';
import { holdAnswer, idempotencyRecordAnswer, postingAnswer, prepareLedgerAnswerChecks, releaseAnswer, type AnswerCheck } from './answer-checks.ts';
import type { HoldRequest, HoldResponse, IdempotencyRecordRequest, PostingRequest, ReleaseRequest } from './contract.ts';
import { hashSeed } from '../common/random.ts';

export interface LedgerReplicaOptions {
  replica: string;
  storeUrl: string;
  storeTimeoutMs?: number;
  storeConnections?: number;
  /** Deliberate defect (checker tests only): decline this share of holds (0..100) with insufficient_funds, for no reason. */
  declineHoldsPercent?: number;
}

/** Whether the false-decline defect takes this authorization (a fixed draw per id: retries agree). */
export function falselyDeclined(authorizationId: string, percent: number): boolean {
  return percent > 0 && (hashSeed('false-decline', authorizationId) % 10_000) < percent * 100;
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
  const declinePercent = opts.declineHoldsPercent ?? 0;
  if (declinePercent > 0) {
    app.post<{ Body: HoldRequest }>(
      '/v1/holds',
      { schema: { ...LEDGER_ROUTE_DOCS.holds, body: holdRequestSchema, response: { 200: holdResponseSchema, '4xx': ledgerErrorSchema } } },
      (request, reply) => {
        const hold = request.body;
        if (!falselyDeclined(hold.authorization_id, declinePercent)) return relay(reply, store.call('POST', '/v1/holds', rawBody(request)), holdAnswer(hold), '/v1/holds');
        const answer: HoldResponse = { request_id: hold.request_id, authorization_id: hold.authorization_id, result: 'insufficient_funds', account: null, replayed: false };
        return reply.code(200).send(answer);
      },
    );
  } else {
    operation<HoldRequest>('/v1/holds', LEDGER_ROUTE_DOCS.holds, holdRequestSchema, holdResponseSchema, holdAnswer);
  }
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
  app.get('/v1/accounts', { schema: { ...LEDGER_ROUTE_DOCS.accounts, querystring: accountsQuerySchema, response: { 200: accountsPageSchema } } }, (request, reply) =>
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
