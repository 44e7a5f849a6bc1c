// What faultline publishes for each service: how to build its app from its plugin (as its process does, but
// with stand-ins for what it would call and no listening), what the document says about the service as a
// whole, how its routes are tagged, and the answers its routes give beyond their declared schemas.
import type { FastifyInstance } from 'fastify';
import { seedAccounts } from '../../services/common/accounts.ts';
import { DEFAULT_BODY_LIMIT } from '../../services/common/app.ts';
import { HTTP_FAULTS, HTTP_FAULTS_PATH, httpFaultsPlugin } from '../../services/common/http-faults.ts';
import { cardProcessorPlugin } from '../../services/card-processor/plugin.ts';
import type { Router, RouterSnapshot } from '../../services/router/index.ts';
import { ledgerReplicaPlugin } from '../../services/ledger/replica-plugin.ts';
import { ledgerStorePlugin } from '../../services/ledger/store-plugin.ts';
import { createLedgerBook } from '../../services/ledger/book-factory.ts';
import { FEED_BODY_LIMIT, feedPlugin } from '../../services/feed/plugin.ts';
import { FeedState } from '../../services/feed/feed-state.ts';
import { discoveryPlugin } from '../../services/discovery/plugin.ts';
import { DISCOVERY_FAULT_KINDS } from '../../services/discovery/faults/catalog.ts';
import { ref, type ComponentName } from './components.ts';
import { ACCOUNT_LINES, COMMON_STATUS_LINES, FEED_LINES, LEDGER_LINES, PROCESSOR_LINES, startupLines } from './implementer-guide.ts';
import { badRequest, hopFailures, jsonResponse, kubernetesStatus, notFound, refusal } from './responses.ts';
import type { ContractService, HttpMethod, JsonSchema, OpenAPIResponse, OpenAPITag, WatchStreamInfo } from './types.ts';

/** A route as the document keys it: method and OpenAPI path template. */
export interface RouteKey {
  method: HttpMethod;
  path: string;
}

export interface ServiceSpec {
  service: ContractService;
  title: string;
  /** One line: what the service is. */
  summary: string;
  /** Markdown: who calls it, and what a replacement must serve beyond the schemas. */
  description: string;
  /** The largest request body the service takes (413 past it). */
  bodyLimit: number;
  healthPath: string;
  /** Tags other than `admin` and `health` (which every service has), with what they group. */
  tags: OpenAPITag[];
  tagOf(route: RouteKey): string;
  /** Registers the service's plugins on an app made by createApp(), as its process does. */
  register(app: FastifyInstance): Promise<void>;
  /**
   * Answers beyond the declared ones (and beyond 400/413/403, which every route gets from its shape); one given
   * here replaces the generated one of the same status, and null removes a status the route never answers.
   */
  responses(route: RouteKey): Record<string, OpenAPIResponse | null>;
  /** Fault kinds that need the route on a replacement. */
  neededFor(route: RouteKey): string[];
  watch?(route: RouteKey): WatchStreamInfo | undefined;
  /** Components the service's documented responses use (the ones they reference are added). */
  components: ComponentName[];
}

const HTTP_FAULT_KINDS = Object.keys(HTTP_FAULTS).map((name) => `http.${name}`);
const SEED = 1;
const ACCOUNTS = 10;

const is = (route: RouteKey, method: HttpMethod, path: string): boolean => route.method === method && route.path === path;

/** `/__admin/http-faults` and its named rules: needed on a replacement only for http.* faults. */
function httpFaultsNeed(route: RouteKey): string[] {
  return route.path === HTTP_FAULTS_PATH || route.path.startsWith(`${HTTP_FAULTS_PATH}/`) ? HTTP_FAULT_KINDS : [];
}

function httpFaultsResponses(route: RouteKey): Record<string, OpenAPIResponse> {
  if (httpFaultsNeed(route).length === 0) return {};
  return { '200': jsonResponse('The rules in force after the call, by name.', ref('HttpFaultRules')) };
}

const REPLACEMENT_COMMON = [
  '- `GET /health` answers 200 once the replica can serve requests: faultline waits for it before traffic and after every restart.',
  '- Bad input is answered 4xx with a JSON error body `{error, code, status}` naming the field, never 5xx, and writes nothing.',
  '- Operations tagged `admin` (`x-faultline-internal: true`) are faultline\'s own and may be left out. ' +
    '`/__admin/http-faults` is needed only to run `http.*` faults (abort, delay, fail-after-commit) on the replacement ' +
    '(`x-faultline-needed-for` lists the kinds); network and process faults need nothing from it.',
].join('\n');

const ROUTER_RESTARTED: JsonSchema = { type: 'object', required: ['restarted'], properties: { restarted: { const: true } } };

const DRAIN_RESULT: JsonSchema = {
  type: 'object',
  required: ['drained', 'pending', 'unsettled_writes', 'delivered', 'dropped'],
  properties: {
    drained: { type: 'boolean', description: 'Every feed event delivered and every unknown ledger write settled within the deadline.' },
    pending: { type: 'integer', description: 'Feed events and ledger writes still pending.' },
    unsettled_writes: { type: 'integer', description: 'Ledger writes whose outcome is still unknown.' },
    delivered: { type: 'integer', description: 'Feed events delivered so far.' },
    dropped: { type: 'integer', description: 'Feed events given up on.' },
  },
};

const ADMIN_SERVICE_ANSWER: JsonSchema = {
  type: 'object',
  required: ['created', 'namespace', 'service', 'resourceVersion'],
  properties: { created: { type: 'boolean' }, namespace: { type: 'string' }, service: { type: 'string' }, resourceVersion: { type: 'string' } },
};

/** A router that is never called: the document needs the processor's routes, not its ledger. */
function idleRouter(): Router {
  const snapshot: RouterSnapshot = {
    policy: 'hardened',
    namespace: 'payments',
    discoveryUrl: '',
    resolution: { state: 'starting', api: 'endpointslices', resourceVersion: '0', lists: 0, listFailures: 0, watchOpens: 0, watchRestarts: 0, idleRestarts: 0, meshRestarts: 0, watchConnected: false },
    services: {},
    counters: { requests: 0, attempts: 0, retries: 0, retriesDeniedByBudget: 0, ejections: 0, failures: {} },
  };
  return {
    request: () => Promise.reject(new Error('the contract generator has no ledger')),
    restart: () => Promise.resolve(),
    snapshot: () => snapshot,
    close: () => Promise.resolve(),
  };
}

const cardProcessor: ServiceSpec = {
  service: 'card-processor',
  title: 'faultline card processor',
  summary: 'The issuer processor the card network calls: authorizations, stand-in advices and reversals.',
  description: [
    "The system under test by default. The card network (faultline's driver) sends it authorizations, stand-in advices and",
    'reversals; it holds, posts and releases money on the ledger (found through discovery, name `ledger`) under the',
    "network's 2 s deadline, and sends every committed change to the feed (name `feed`) as an account event.",
    'Money is always integer minor units with an ISO 4217 currency; a card is a token and its last four digits, never a PAN.',
    '',
    'A replacement must serve, beyond the schemas:',
    REPLACEMENT_COMMON,
    "- Idempotency by content, on every replica: `id` is the network's key, one space across the three routes (below). The",
    '  same `id` with the same body gets the original answer with `replayed: true` (never a second hold, posting or release);',
    '  the same `id` with another body, or on another route, is refused with 409 `idempotency_conflict` naming `key` and the',
    '  differing `fields` (dotted paths such as `amount.value`). A refused request does not use up its id.',
    '- Reversals: `amount` is at most what the authorization still holds; less releases exactly that much and leaves the rest',
    '  held; more is 422 `amount_exceeds_remaining`, another currency 422 `currency_mismatch`; a posted authorization is',
    '  refunded instead; nothing left is `nothing_to_reverse`. A reversal that overtakes its authorization is remembered: the',
    '  late authorization is declined with reason `reversed` and nothing stays held.',
    '- Advices: posted even into overdraft, never declined for funds; an existing hold for the authorization is captured; an',
    '  authorization is posted once however often it is advised: another advice (another id) for it with the same account and',
    '  amount gets the first posting\'s answer (`replayed: true`); with another amount or account, 409 `authorization_conflict`',
    "  (its merchant, card and channel belong to the advice's own id, whose reuse is judged as below). faultline's processor",
    '  gets this from the ledger by writing every advice of an authorization under one `request_id` (`advice:<authorization_id>`):',
    '  the ledger compares the amount and answers 409 `idempotency_conflict`, which the processor answers as `authorization_conflict`.',
    '- A technical failure (the ledger unreachable or too slow) is a 5xx, never a decline; a `HopFailure` body naming the hop',
    "  and cause lets faultline attribute it. The network's own timeout is 2 s: answer within it.",
    ...PROCESSOR_LINES,
    ...ACCOUNT_LINES,
    ...startupLines('card-processor'),
    ...COMMON_STATUS_LINES,
  ].join('\n'),
  bodyLimit: DEFAULT_BODY_LIMIT,
  healthPath: '/health',
  tags: [{ name: 'card-network', description: 'What the card network sends: authorizations, advices and reversals.' }],
  tagOf: () => 'card-network',
  async register(app) {
    await app.register(httpFaultsPlugin, { seed: SEED, replica: 'card-processor-1' });
    await app.register(cardProcessorPlugin, { replica: 'card-processor-1', router: idleRouter(), seed: SEED, accounts: ACCOUNTS, feedEvents: false });
  },
  responses(route) {
    const ledgerFailures = hopFailures({
      502: 'The ledger failed: refused the connection, reset it, answered 5xx, or answered outside its contract (`bad_answer`, e.g. `200 {}`) (`hop` says which, e.g. `processor->ledger` or `ledger->store`). Nothing was held, unless `cause` is `reset`, `bad_answer` or `other`.',
      503: 'The ledger could not be resolved from discovery (`discovery_empty`, `discovery_null`, `discovery_unavailable`) or is ejected (`circuit_open`): nothing was sent.',
      504: "The ledger did not answer within the processor's deadline (`timeout`): the write may have committed; the processor keeps settling it, and the network follows with a timeout reversal.",
    });
    if (is(route, 'POST', '/v1/authorizations')) {
      return {
        '409': refusal(409, {
          idempotency_conflict: 'the id was used before with another body.',
          one_hold_per_authorization: 'the authorization was held before and has since been released in full: it is never held twice.',
        }),
        ...ledgerFailures,
      };
    }
    if (is(route, 'POST', '/v1/advices')) {
      return {
        '404': refusal(404, { unknown_account: 'no such account.' }),
        '409': refusal(409, {
          idempotency_conflict: 'the id was used before with another body.',
          authorization_conflict: 'the authorization was already advised with other content (`fields` names what differs), or for another account.',
        }),
        '422': refusal(422, { currency_mismatch: "the advice's currency is not the account's." }),
        ...ledgerFailures,
      };
    }
    if (is(route, 'POST', '/v1/reversals')) {
      return {
        '409': refusal(409, {
          idempotency_conflict: 'the id was used before with another body.',
          authorization_conflict: "`account_id` is not the authorization's account.",
        }),
        '422': refusal(422, {
          currency_mismatch: "the reversal's currency is not the authorization's.",
          amount_exceeds_remaining: 'the amount is more than the authorization still holds (or, once posted, has not been refunded).',
        }),
        ...ledgerFailures,
      };
    }
    if (is(route, 'POST', '/__admin/router/restart')) return { '200': jsonResponse('The router resolved again.', ROUTER_RESTARTED) };
    if (is(route, 'POST', '/__admin/drain')) return { '200': jsonResponse('What was delivered and what is still pending.', DRAIN_RESULT) };
    return httpFaultsResponses(route);
  },
  neededFor(route) {
    // faultline reads the router's view before it posts the restart (topology/replacement-preflight.ts).
    if (is(route, 'POST', '/__admin/router/restart') || is(route, 'GET', '/__admin/router')) return ['router.restart'];
    return httpFaultsNeed(route);
  },
  components: ['Error', 'IdempotencyConflict', 'HopFailure', 'HttpFaultRules'],
};

const LEDGER_WRITE_RESPONSES: Readonly<Record<string, Record<string, OpenAPIResponse>>> = {
  '/v1/holds': {
    '409': refusal(409, {
      idempotency_conflict: 'the request_id (or the `idempotency` key) was used before for another operation.',
      authorization_conflict: 'the authorization is already held for another amount, or on another account.',
      one_hold_per_authorization: 'the authorization was held (or posted) and has since been released (or refunded) in full: it is never held again.',
    }),
  },
  '/v1/releases': {
    '409': refusal(409, {
      idempotency_conflict: 'the request_id (or the `idempotency` key) was used before for another operation.',
      authorization_conflict: "`account_id` is not the authorization's account.",
    }),
    '422': refusal(422, {
      currency_mismatch: "the amount's currency is not the authorization's.",
      amount_exceeds_remaining: 'the amount is more than is still held (or still posted, for a refund).',
    }),
  },
  '/v1/postings': {
    '404': refusal(404, { unknown_account: 'no such account.' }),
    '409': refusal(409, {
      idempotency_conflict: 'the request_id (or the `idempotency` key) was used before for another operation.',
      authorization_conflict: "`account_id` is not the authorization's account.",
    }),
    '422': refusal(422, { currency_mismatch: "the amount's currency is not the account's." }),
  },
  '/v1/idempotency-records': {
    '409': refusal(409, { idempotency_conflict: 'the key was recorded before with other fields.' }),
  },
};

function ledgerResponses(route: RouteKey): Record<string, OpenAPIResponse> {
  if (route.method === 'POST' && LEDGER_WRITE_RESPONSES[route.path]) return { ...LEDGER_WRITE_RESPONSES[route.path] };
  if (is(route, 'GET', '/v1/accounts/{id}')) return { '404': notFound('No such account.', 'unknown_account') };
  return httpFaultsResponses(route);
}

const LEDGER_RULES = [
  '- One logical ledger: whichever replica a request reaches, it sees the same state (faultline sends retries to other',
  '  replicas and moves, kills and freezes them). Double entry in integer minor units: every journal entry\'s legs sum to',
  '  zero, and an account\'s balances are what its journal entries say.',
  '- Idempotent writes by `request_id`: the same request_id for the same operation answers the first answer with',
  '  `replayed: true` and writes nothing; for another operation it is 409 `idempotency_conflict` with `key` and `fields`.',
  "  A write may also carry the caller's key and content (`idempotency`): the first use of each key is kept, a reuse with",
  '  the same fields goes on, with other fields it is 409 `idempotency_conflict` before anything runs. A refused request',
  '  records nothing.',
  '- Holds: one hold per authorization, ever (a second one for the same amount replays `held`; once released in full, a',
  '  new hold is 409 `one_hold_per_authorization`); a business refusal',
  '  (`insufficient_funds`, `unknown_account`, `currency_mismatch`, `reversed`) is a 200 that writes nothing.',
  '- Reversals (`/v1/releases`): all or part of what is left; more is 422 `amount_exceeds_remaining`, another currency 422',
  '  `currency_mismatch`; a posted authorization is refunded; a reversal for an authorization not yet held is remembered,',
  '  so its late hold answers `reversed`.',
  '- Advices (`/v1/postings`): captured from the hold if there is one, else posted even into overdraft; one authorization',
  '  is posted once.',
  '- The journal lists every entry once, in commit order, with stable sequence numbers: the checkers read all of it after',
  '  a run, with the accounts and authorizations routes.',
].join('\n');

const LEDGER_TAGS: OpenAPITag[] = [
  { name: 'writes', description: 'Holds, reversals, advices and idempotency records: what the card processor sends.' },
  { name: 'reads', description: "Accounts, the journal and authorizations: what faultline's checkers read after a run." },
];
const ledgerTagOf = (route: RouteKey): string => (route.method === 'POST' ? 'writes' : 'reads');

const ledger: ServiceSpec = {
  service: 'ledger',
  title: 'faultline ledger',
  summary: 'The double-entry ledger API the card processor calls through the mesh (discovery name `ledger`).',
  description: [
    'What a replacement ledger must serve. The card processor calls it through its mesh client (discovery name `ledger`),',
    "and faultline's checkers read it after a run. faultline's own ledger is N stateless API replicas (this document) in",
    'front of one ledger store that owns the state (see `ledger-store.openapi.json`); a replacement may keep its state as',
    'it likes, as long as every replica answers as one ledger.',
    '',
    'A replacement must serve, beyond the schemas:',
    REPLACEMENT_COMMON,
    LEDGER_RULES,
    '- When it cannot answer (its own database down or slow), a 5xx: 502/503 mean nothing was written; after a timeout the',
    '  caller retries with the same `request_id` to learn the outcome.',
    ...LEDGER_LINES,
    ...ACCOUNT_LINES,
    ...startupLines('ledger'),
    ...COMMON_STATUS_LINES,
  ].join('\n'),
  bodyLimit: DEFAULT_BODY_LIMIT,
  healthPath: '/health',
  tags: LEDGER_TAGS,
  tagOf: ledgerTagOf,
  async register(app) {
    await app.register(httpFaultsPlugin, { seed: SEED, replica: 'ledger-1' });
    // The store client connects lazily: nothing is ever sent to this address.
    await app.register(ledgerReplicaPlugin, { replica: 'ledger-1', storeUrl: 'http://127.0.0.1:9', storeConnections: 1 });
  },
  responses(route) {
    const out = ledgerResponses(route);
    if (route.path.startsWith('/v1/')) {
      Object.assign(
        out,
        hopFailures({
          502: "The replica's store failed (`hop: ledger->store`): it reset the connection or answered 5xx. After a reset the write may have committed.",
          503: "The replica's store refused the connection (`connection_refused`): nothing was written.",
          504: "The replica's store did not answer in time (`timeout`): the write may have committed; retry with the same request_id to learn the outcome.",
        }),
      );
    }
    return out;
  },
  neededFor: httpFaultsNeed,
  components: ['Error', 'IdempotencyConflict', 'HopFailure', 'HttpFaultRules'],
};

const ledgerStore: ServiceSpec = {
  service: 'ledger-store',
  title: 'faultline ledger store',
  summary: 'The one process that owns the ledger state, behind the stateless ledger replicas.',
  description: [
    "faultline's ledger store: the single writer that holds the journal, balances, holds and idempotency records. The",
    'ledger replicas validate each request and forward it here unchanged, relaying the answer as it is, so it serves the',
    "same public routes as a replica (see `ledger.openapi.json`); only its health answer differs. Publish a replacement",
    'here to keep faultline\'s replicas (and their faults) in front of your own state.',
    '',
    'A replacement must serve, beyond the schemas:',
    REPLACEMENT_COMMON,
    LEDGER_RULES,
    '- Each operation commits whole or not at all: faultline kills, freezes and resets the replicas in front of it.',
    '- `faultline contract ledger-store` sends its requests to the store directly (faultline\'s replicas forward them unchanged',
    '  in a run, and would judge a bad request themselves first).',
    ...LEDGER_LINES,
    ...ACCOUNT_LINES,
    ...startupLines('ledger-store'),
    ...COMMON_STATUS_LINES,
  ].join('\n'),
  bodyLimit: DEFAULT_BODY_LIMIT,
  healthPath: '/health',
  tags: LEDGER_TAGS,
  tagOf: ledgerTagOf,
  async register(app) {
    await app.register(httpFaultsPlugin, { seed: SEED, replica: 'ledger-store' });
    await app.register(ledgerStorePlugin, { book: createLedgerBook({ seed: SEED, accounts: ACCOUNTS, idempotency: true }), replica: 'ledger-store' });
  },
  responses: ledgerResponses,
  neededFor: httpFaultsNeed,
  components: ['Error', 'IdempotencyConflict', 'HttpFaultRules'],
};

const feed: ServiceSpec = {
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
  components: ['Error', 'HttpFaultRules'],
};

const ENDPOINTS_LIST = '/api/v1/namespaces/{namespace}/endpoints';
const ENDPOINTS_ONE = '/api/v1/namespaces/{namespace}/endpoints/{name}';
const SLICES_LIST = '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices';
const SLICES_ONE = '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices/{name}';
const SLICES_ALL = '/apis/discovery.k8s.io/v1/endpointslices';
const KUBERNETES_READS = [ENDPOINTS_LIST, ENDPOINTS_ONE, SLICES_LIST, SLICES_ONE, SLICES_ALL];
const DISCOVERY_KINDS = DISCOVERY_FAULT_KINDS.map((kind) => `discovery.${kind}`);

const discovery: ServiceSpec = {
  service: 'discovery',
  title: 'faultline discovery stub',
  summary: 'The subset of the Kubernetes Endpoints and EndpointSlice APIs a mesh client reads, with a loopback admin API.',
  description: [
    "faultline's own discovery stub, published because a Kubernetes client reads it: `GET` one service's `Endpoints`, list a",
    "namespace's; `GET` one `EndpointSlice`, list a namespace's or every namespace's (`labelSelector=kubernetes.io/service-name=X`",
    "keeps one service's); and watch any list as a stream of `WatchEvent`s, one JSON object per line (`x-faultline-watch`).",
    'Endpoints and slices are two views of the same replicas at the same resourceVersions, and every discovery fault acts on',
    'both. Every error of these routes is a Kubernetes `Status` (an unknown path 404, another method 405, a path segment past',
    '253 characters 414, an API fault its own status). The default namespace is `payments`.',
    '',
    "It is not meant to be replaced: the `discovery.*` faults (null or empty subsets, stalled watches, a slow, failing or",
    'hung API, flapping, dead endpoints, a wrong port) are its own. The admin routes (`/__admin/*`, loopback only, 403 for',
    'a browser) are how faultline registers replicas and drives those faults.',
  ].join('\n'),
  bodyLimit: DEFAULT_BODY_LIMIT,
  healthPath: '/health',
  tags: [{ name: 'kubernetes', description: 'The Kubernetes core/v1 Endpoints and discovery.k8s.io/v1 EndpointSlice API subset.' }],
  tagOf: () => 'kubernetes',
  async register(app) {
    await app.register(discoveryPlugin, { seed: SEED });
  },
  responses(route) {
    if (route.path === ENDPOINTS_LIST || route.path === ENDPOINTS_ONE) {
      const one = route.path === ENDPOINTS_ONE;
      const out: Record<string, OpenAPIResponse> = {
        '200': jsonResponse(
          one
            ? "The service's Endpoints; with `watch=1`, a stream of WatchEvents for it, one JSON object per line."
            : "The namespace's EndpointsList; with `watch=1`, a stream of WatchEvents, one JSON object per line.",
          ref(one ? 'Endpoints' : 'EndpointsList'),
        ),
        '400': kubernetesStatus(400, 'A bad parameter, or a field selector other than `metadata.name` / `metadata.namespace` with `=` or `==`.'),
      };
      if (one) out['404'] = kubernetesStatus(404, 'No such service in the namespace.');
      return out;
    }
    if (route.path === SLICES_LIST || route.path === SLICES_ONE || route.path === SLICES_ALL) {
      const one = route.path === SLICES_ONE;
      const out: Record<string, OpenAPIResponse> = {
        '200': jsonResponse(
          one ? 'The EndpointSlice; with `watch=1`, a stream of WatchEvents for it, one JSON object per line.' : 'An EndpointSliceList; with `watch=1`, a stream of WatchEvents, one JSON object per line.',
          ref(one ? 'EndpointSlice' : 'EndpointSliceList'),
        ),
        '400': kubernetesStatus(400, 'A bad parameter, a label selector the API server grammar does not allow, or a field selector other than `metadata.name` / `metadata.namespace`.'),
      };
      if (one) out['404'] = kubernetesStatus(404, 'No such EndpointSlice in the namespace.');
      return out;
    }
    if (is(route, 'POST', '/__admin/services')) {
      return {
        '200': jsonResponse('The service existed.', ADMIN_SERVICE_ANSWER),
        '201': jsonResponse('The service was created with no replicas.', ADMIN_SERVICE_ANSWER),
      };
    }
    if (is(route, 'DELETE', '/__admin/services/{namespace}/{name}')) return { '404': notFound('No such service.', 'NOT_FOUND') };
    if (route.path === '/__admin/faults/{kind}') {
      const unknownKind = notFound('No such fault kind: the message lists the known ones.', 'NOT_FOUND');
      // PUT on a kind that has no route of its own is always refused.
      return route.method === 'PUT' ? { '200': null, '404': unknownKind } : { '404': unknownKind };
    }
    return {};
  },
  neededFor(route) {
    const prefix = '/__admin/faults/';
    if (route.method === 'PUT' && route.path.startsWith(prefix) && route.path !== `${prefix}{kind}`) return [`discovery.${route.path.slice(prefix.length)}`];
    if (route.method === 'DELETE' && (route.path === '/__admin/faults' || route.path === `${prefix}{kind}`)) return DISCOVERY_KINDS;
    return [];
  },
  watch(route) {
    if (route.method !== 'GET' || !KUBERNETES_READS.includes(route.path)) return undefined;
    return { query: 'watch=1', framing: 'ndjson', item: ref('WatchEvent') };
  },
  components: ['Error', 'Status', 'Endpoints', 'EndpointsList', 'EndpointSlice', 'EndpointSliceList', 'WatchEvent'],
};

export const SERVICE_SPECS: Readonly<Record<ContractService, ServiceSpec>> = {
  'card-processor': cardProcessor,
  ledger,
  'ledger-store': ledgerStore,
  feed,
  discovery,
};
