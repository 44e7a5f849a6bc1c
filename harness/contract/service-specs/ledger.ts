// The ledger's published contracts: the stateless replicas (`ledger`) and the one store behind them
// (`ledger-store`), which serve the same public routes and rules.
import { DEFAULT_BODY_LIMIT } from '../../../services/common/app.ts';
import { httpFaultsPlugin } from '../../../services/common/http-faults.ts';
import { ledgerReplicaPlugin } from '../../../services/ledger/replica-plugin.ts';
import { ledgerStorePlugin } from '../../../services/ledger/store-plugin.ts';
import { createLedgerBook } from '../../../services/ledger/book-factory.ts';
import { ACCOUNT_LINES, COMMON_STATUS_LINES, LEDGER_LINES, startupLines } from '../implementer-guide.ts';
import { hopFailures, notFound, refusal } from '../responses.ts';
import type { OpenAPIResponse, OpenAPITag } from '../types.ts';
import { ACCOUNTS, OPTIONAL_LISTING_LINE, REPLACEMENT_COMMON, SEED, httpFaultsNeed, httpFaultsResponses, is, type RouteKey, type ServiceSpec } from './spec.ts';

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

export const ledger: ServiceSpec = {
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
    OPTIONAL_LISTING_LINE,
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
  optional: (route) => is(route, 'GET', '/v1/accounts'),
  components: ['Error', 'IdempotencyConflict', 'HopFailure', 'HttpFaultRules'],
};

export const ledgerStore: ServiceSpec = {
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
    OPTIONAL_LISTING_LINE,
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
  optional: (route) => is(route, 'GET', '/v1/accounts'),
  components: ['Error', 'IdempotencyConflict', 'HttpFaultRules'],
};

