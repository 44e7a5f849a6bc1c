// The card processor's published contract: what the card network sends it, and what a replacement must serve.
import { DEFAULT_BODY_LIMIT } from '../../../services/common/app.ts';
import { httpFaultsPlugin } from '../../../services/common/http-faults.ts';
import { cardProcessorPlugin } from '../../../services/card-processor/plugin.ts';
import type { Router, RouterSnapshot } from '../../../services/router/index.ts';
import { ACCOUNT_LINES, COMMON_STATUS_LINES, PROCESSOR_LINES, startupLines } from '../implementer-guide.ts';
import { hopFailures, jsonResponse, refusal } from '../responses.ts';
import type { JsonSchema } from '../types.ts';
import { ACCOUNTS, REPLACEMENT_COMMON, SEED, httpFaultsNeed, httpFaultsResponses, is, type ServiceSpec } from './spec.ts';

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

export const cardProcessor: ServiceSpec = {
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

