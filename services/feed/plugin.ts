// The feed/balance API: what the customer's app reads. The processor sends it events (the ledger's
// account snapshot after each operation); it keeps, per account, the snapshot with the highest ledger
// version and the last items of the transaction feed.
//   POST /v1/events                      FeedEventBatch, idempotent by event_id
//   GET  /v1/accounts/:id/balance        BalanceView (opening balance until an event arrives)
//   GET  /v1/balances?after=&limit=      BalancesPage: every account's BalanceView, in ascending id order
//   GET  /v1/accounts/:id/feed?limit=    FeedPage, newest first
//   GET  /health
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { FeedEventBatch, FeedPage } from './contract.ts';
import type { FeedState } from './feed-state.ts';
import { DEFAULT_ID_PAGE, MAX_ID_PAGE, type IdPageQuery } from '../common/id-pages.ts';
import {
  accountParamsSchema,
  balancesPageSchema,
  balancesQuerySchema,
  balanceViewSchema,
  eventsResponseSchema,
  feedEventBatchSchema,
  feedHealthSchema,
  feedPageSchema,
  feedQuerySchema,
} from './schemas.ts';

export interface FeedOptions {
  state: FeedState;
  replica: string;
}

export const DEFAULT_FEED_LIMIT = 20;

/** Event batches from the processor's outbox run to hundreds of events: build the app with this limit. */
export const FEED_BODY_LIMIT = 4 * 1024 * 1024;

export const feedPlugin: FastifyPluginAsync<FeedOptions> = async (app: FastifyInstance, opts) => {
  const { state } = opts;

  const unknownAccount = (id: string) => ({ error: `params/id names an unknown account: ${id}`, code: 'unknown_account', status: 404 });

  app.post<{ Body: FeedEventBatch }>(
    '/v1/events',
    {
      schema: {
        summary: 'Take a batch of account events from the card processor',
        description:
          'Each event carries the ledger\'s view of the account right after an operation; per account the feed keeps the ' +
          'snapshot with the highest `version` (events may arrive out of order or twice) and adds an item to the transaction ' +
          'feed. Idempotent by `event_id`: a repeated event is counted as a duplicate and changes nothing. The batch is checked ' +
          'whole first: an event whose `account.account_id` differs from its `account_id` is 400 and nothing is applied.',
        body: feedEventBatchSchema,
        response: { 200: eventsResponseSchema },
      },
    },
    async (request, reply) => {
      const events = request.body.events;
      // Checked for the whole batch before any event is applied: a bad batch changes nothing.
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        if (event.account.account_id !== event.account_id) {
          return reply.code(400).send({
            error: `body/events/${i}/account/account_id must equal body/events/${i}/account_id`,
            code: 'FST_ERR_VALIDATION',
            status: 400,
          });
        }
      }
      return state.apply(events);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/accounts/:id/balance',
    {
      schema: {
        summary: 'An account\'s balance, as the app shows it',
        description: 'Agrees with the ledger once traffic drains. 404 `unknown_account` for an account the feed does not know.',
        params: accountParamsSchema,
        response: { 200: balanceViewSchema },
      },
    },
    async (request, reply) => state.balance(request.params.id) ?? reply.code(404).send(unknownAccount(request.params.id)),
  );

  app.get<{ Querystring: IdPageQuery }>(
    '/v1/balances',
    {
      schema: {
        summary: 'List the balances, a page at a time',
        description:
          'The balances of the accounts with ids after `after` in ascending order (by code unit: byte order for the ids ' +
          `allowed), at most \`limit\` (1..${MAX_ID_PAGE}, default ${DEFAULT_ID_PAGE}), each the same BalanceView as ` +
          "`GET /v1/accounts/{id}/balance`; `next` is the page's last id while more follow, null at the end. The checkers " +
          'read every balance with it after a run. Optional for a replacement: one that answers 404 or 405 here is read one ' +
          'account at a time.',
        querystring: balancesQuerySchema,
        response: { 200: balancesPageSchema },
      },
    },
    async (request) => state.balancesPage(request.query.after, request.query.limit ?? DEFAULT_ID_PAGE),
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    '/v1/accounts/:id/feed',
    {
      schema: {
        summary: 'An account\'s transaction feed',
        description: `The last items, newest first, at most \`limit\` (default ${DEFAULT_FEED_LIMIT}). 404 \`unknown_account\` for an account the feed does not know.`,
        params: accountParamsSchema,
        querystring: feedQuerySchema,
        response: { 200: feedPageSchema },
      },
    },
    async (request, reply) => {
      const items = state.items(request.params.id, request.query.limit ?? DEFAULT_FEED_LIMIT);
      if (!items) return reply.code(404).send(unknownAccount(request.params.id));
      const page: FeedPage = { account_id: request.params.id, items };
      return page;
    },
  );

  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness',
        description: 'Answers 200 as soon as the process can serve requests. faultline waits for it before traffic and after every restart.',
        response: { 200: feedHealthSchema },
      },
    },
    async () => ({
    status: 'ok',
    service: 'feed',
    replica: opts.replica,
      ...state.stats(),
    }),
  );
};
