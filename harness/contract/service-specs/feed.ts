// The feed/balance API's published contract: account events in, what the customer's app reads out.
import { seedAccounts } from '../../../services/common/accounts.ts';
import { httpFaultsPlugin } from '../../../services/common/http-faults.ts';
import { FEED_BODY_LIMIT, feedPlugin } from '../../../services/feed/plugin.ts';
import { FeedState } from '../../../services/feed/feed-state.ts';
import { ACCOUNT_LINES, COMMON_STATUS_LINES, FEED_LINES, startupLines } from '../implementer-guide.ts';
import { badRequest, notFound } from '../responses.ts';
import { ACCOUNTS, OPTIONAL_LISTING_LINE, REPLACEMENT_COMMON, SEED, httpFaultsNeed, httpFaultsResponses, is, type ServiceSpec } from './spec.ts';

export const feed: ServiceSpec = {
  service: 'feed',
  title: 'faultline feed/balance API',
  summary: "What the customer's app reads (balance and transaction feed), fed with account events by the card processor.",
  description: [
    "The feed/balance API (discovery name `feed`): the customer's app reads balances and the transaction feed; the card",
    "processor sends it, through an outbox, one event per committed ledger change, carrying the ledger's account snapshot.",
    "After traffic drains, every account's balance here must equal the ledger's (the `feed-agrees` check).",
    '',
    'A replacement must serve, beyond the schemas:',
    REPLACEMENT_COMMON,
    OPTIONAL_LISTING_LINE,
    '- Events are idempotent by `event_id` (the outbox resends after a failure): a repeat changes nothing and counts as',
    '  a duplicate. Events may arrive out of order: per account keep the snapshot with the highest `account.version`.',
    '- A batch is checked whole before any event is applied (400 and nothing applied when one is bad), and batches run to',
    `  hundreds of events: accept bodies up to ${FEED_BODY_LIMIT / (1024 * 1024)} MiB.`,
    "- Before any event an account shows its opening balance, as the ledger does (faultline's mocks derive the accounts",
    "  from the run's seed).",
    ...FEED_LINES,
    ...ACCOUNT_LINES,
    ...startupLines('feed'),
    ...COMMON_STATUS_LINES,
  ].join('\n'),
  bodyLimit: FEED_BODY_LIMIT,
  healthPath: '/health',
  tags: [
    { name: 'events', description: "Account events from the card processor's outbox." },
    { name: 'app', description: "What the customer's app reads." },
  ],
  tagOf: (route) => (route.method === 'POST' ? 'events' : 'app'),
  async register(app) {
    await app.register(httpFaultsPlugin, { seed: SEED, replica: 'feed-1' });
    await app.register(feedPlugin, { state: new FeedState({ accounts: seedAccounts(SEED, ACCOUNTS), seed: SEED }), replica: 'feed-1' });
  },
  responses(route) {
    if (route.method === 'GET' && route.path.startsWith('/v1/accounts/')) return { '404': notFound('No such account.', 'unknown_account') };
    if (is(route, 'POST', '/v1/events')) {
      return { '400': badRequest('the batch (or an event whose `account.account_id` is not its `account_id`)') };
    }
    return httpFaultsResponses(route);
  },
  neededFor: httpFaultsNeed,
  optional: (route) => is(route, 'GET', '/v1/balances'),
  components: ['Error', 'HttpFaultRules'],
};

