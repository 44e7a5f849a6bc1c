// What a team implementing a service needs beyond its routes' schemas, as Markdown for each contract's
// `info.description` (services.ts puts it together): how the replica is started and told its neighbours, the
// seeded accounts and who owns which card, the statuses and codes it answers, the journal's entry kinds, the
// idempotency scopes, the feed events, drain and the admin routes a fault needs. services/contracts/README.md
// says the same at more length; test/contract/implementer-docs.test.ts keeps both in step with the code.
import { DEFAULT_ACCOUNT_COUNT } from '../../services/common/accounts.ts';
import { READY_PREFIX } from '../../services/common/serve.ts';
import type { ReplaceableService } from '../scenario/schema.ts';
import { configFieldLines } from './service-config.ts';
import { VECTORS_FILE } from './vectors.ts';

/** How it is started, what it is told, and when faultline considers it ready. */
export function startupLines(service: ReplaceableService): string[] {
  return [
    '',
    'Started and told (services/contracts/README.md has the whole list):',
    "- by command, once per replica, with `PORT` (listen there, on `FAULTLINE_HOST`, 127.0.0.1), `FAULTLINE_SERVICE`, `FAULTLINE_REPLICA`,",
    '  `FAULTLINE_SEED`, `FAULTLINE_ACCOUNTS`, `FAULTLINE_NAMESPACE`, `FAULTLINE_DISCOVERY_URL` (not the store), `FAULTLINE_LEDGER_STORE_URL`',
    "  (ledger replicas), and `FAULTLINE_CONFIG`, the JSON the mock in its place reads. Its fields:",
    ...configFieldLines(service),
    `- ready when \`GET /health\` answers 200, or when it prints one line \`${READY_PREFIX.trim()} {"service":"${service}","replica":"…","port":7101,"pid":1234}\``,
    '  to stdout (the JSON on the same line; a positive integer `port` there is where faultline then sends), whichever comes first.',
  ];
}

/** The seeded accounts and card ownership. */
export const ACCOUNT_LINES: readonly string[] = [
  '',
  'Seeded accounts: every service knows the same accounts, derived from `FAULTLINE_SEED` and `FAULTLINE_ACCOUNTS` (default',
  `${DEFAULT_ACCOUNT_COUNT}): \`acc-000001\` … \`acc-<n>\`, each with a currency (GBP), an opening balance in minor units and one card (a`,
  `token and its last four digits). \`services/contracts/${VECTORS_FILE}\` publishes them for a few seeds, with the derivation`,
  "in words for any seed. A card belongs to its account alone: an authorization whose `card.token` is not its account's is",
  'declined `card_mismatch`. `faultline contract` checks the first 20 accounts (and the last one a service it starts is told of).',
];

/** Statuses every service answers from its shape. */
export const COMMON_STATUS_LINES: readonly string[] = [
  '',
  'Statuses every route may answer besides its own (each with a JSON error body `{error, code, status}`; nothing written):',
  '- 400: the body or a parameter fails its schema (`FST_ERR_VALIDATION`, `error` names the field), the body is not JSON',
  '  (`FST_ERR_CTP_INVALID_JSON_BODY`) or is empty (`FST_ERR_CTP_EMPTY_JSON_BODY`), the path has a malformed escape (`FST_ERR_BAD_URL`);',
  '- 403: a web browser (User-Agent `Mozilla/…`) on an admin route; 404: no such route (the mocks answer a wrong method on a known',
  '  path 404 too; faultline never sends one, so a 405 does as well); 413: the body is past its limit (`FST_ERR_CTP_BODY_TOO_LARGE`); 414: a path',
  '  parameter longer than 100 characters (`FST_ERR_MAX_PARAM_LENGTH`); 415: a body that is not `application/json`',
  '  (`FST_ERR_CTP_INVALID_MEDIA_TYPE`); faultline never sends those last three in a run, and the contract check accepts any 4xx',
  '  with an error body for bad input;',
  '- an `http.abort` fault answers its configured status with `code: FAULT_INJECTED` and the header `x-faultline-fault: abort`.',
];

/** The card processor: ids, ledger writes, feed events, drain and its admin routes. */
export const PROCESSOR_LINES: readonly string[] = [
  '',
  "Ids are one space, whatever the route: the first request to reach the issuer owns its `id`; a later request with the same",
  "`id` and the same content gets the first answer (`replayed: true`); with other content it is refused 409 `idempotency_conflict`",
  '(naming `key` and `fields`), be it an authorization, an advice or a reversal, and writes nothing. A refusal (4xx) does not use up',
  "its id; a decline (200) does. The network's own ids never collide (advices are `adv-<authorization id>`, its timeout",
  'reversals `trev-<authorization id>`).',
  '',
  'What it writes to the ledger (the checkers read it there after a run):',
  "- every hold, posting, capture, release and refund carries the network's authorization id as `authorization_id` (an",
  "  authorization's `id`, an advice's or reversal's `authorization_id`): an approval is exactly one hold for it, an advice",
  '  posts it once, a decline holds nothing. Its `request_id`s are its own choice, reused on every retry of the same',
  "  operation (faultline's: `hold:<id>`, `reversal:<id>`, and `advice:<authorization_id>`, one for all advices of an",
  '  authorization, so the ledger compares their amounts).',
  '- a card mismatch writes nothing; faultline records its key with `POST /v1/idempotency-records` so every replica refuses a',
  '  reuse with other content.',
  '',
  'Feed events (to the feed through discovery, `POST /v1/events`): one per committed ledger change, with the ledger\'s kind',
  '(`hold`, `release`, `capture`, `posting`, `refund`), the amount the ledger moved (not the amount asked) and the account view',
  "the ledger answered (`account`, whose `version` orders them). `event_id` names the change, the same however often it is",
  'sent: `hold:<authorization id>`, `post:<authorization id>` (posting or capture), `rev:<reversal id>`. Send it for every',
  'answer that reports the change, a replay included: when a retry after a timeout gets `replayed: true`, the first',
  "attempt's event was never sent (the feed drops the duplicate if it was). Deliver them at least once, through an outbox.",
  '',
  'After traffic faultline posts `POST /__admin/drain {"deadline_ms": n}` to every replica (n ≤ 10000): send every pending',
  'feed event and settle every ledger write whose outcome was unknown, then answer `{drained, pending, unsettled_writes,',
  'delivered, dropped}`. Without it the run logs so and compares the feed with the ledger anyway.',
  '',
  'Admin routes a fault needs (`x-faultline-needed-for`): `router.restart` reads `GET /__admin/router` (a JSON object; 404 means',
  '"nothing to wait for" before traffic) and posts `POST /__admin/router/restart` (answer `{restarted: true}` once it resolves',
  '`ledger` again); `http.*` faults use `/__admin/http-faults`. `faultline contract --scenario <name>` fails when one of its',
  "faults need is missing; without `--scenario` a missing one is reported, and a run with that fault is refused before traffic.",
];

/** The ledger (a replica or the store): entries, balances, authorizations, idempotency. */
export const LEDGER_LINES: readonly string[] = [
  '',
  'Journal entries (double entry, integer minor units; every entry\'s legs sum to zero). Books: `acct:<id>:available`,',
  '`acct:<id>:held`, `equity:opening`, `settlement`. Kinds and legs (A = the entry\'s `amount`, always positive):',
  '- `opening`: available +A, equity:opening −A: one per account with a positive opening balance, written before anything else,',
  '  `request_id` `opening:<account id>`, `authorization_id` null. Optional: without them the checkers take `opening_balance`;',
  '  with one, its amount is the opening balance.',
  '- `hold` (`POST /v1/holds` answered `held`): available −A, held +A.',
  '- `release` (`POST /v1/releases` answered `released`, A = what was released): held −A, available +A.',
  '- `posting` (`POST /v1/postings` answered `posted`, no hold): available −A, settlement +A (may overdraw).',
  '- `capture` (`POST /v1/postings` answered `captured`): held −H, settlement +A, and when the advice\'s A differs from the hold',
  '  H left, a third leg available H−A.',
  '- `refund` (`POST /v1/releases` answered `refunded`): settlement −A, available +A.',
  '- A business answer that moves nothing (`insufficient_funds`, `unknown_account`, `currency_mismatch`, `reversed`,',
  '  `nothing_to_reverse`, any replay) writes no entry; a refusal (4xx) writes nothing at all.',
  '',
  "An account view (`GET /v1/accounts/{id}` and every write's `account`): `available` = its available book, `holds` = its held",
  'book, `balance` = available + holds, `version` = how many journal entries touched it (opening included): each write',
  'answers the view right after it (a replay: the view of its first answer).',
  '',
  "`held`: as a hold's `result`, the amount is now reserved (available −A, held +A); answered as a replay (`replayed: true`,",
  'nothing more held) for a second hold of an authorization already held for the same amount or already posted. As',
  "`GET /v1/authorizations/{id}`'s `held`: a hold was ever placed for it (it stays true once released or captured); its",
  'counts are its entries of each kind.',
  '',
  'Idempotency scopes. `request_id` is one space across the write routes: the same request_id for the same operation gets',
  'the first answer (`replayed: true`), for anything else (another route, authorization, account, amount or currency) 409',
  '`idempotency_conflict` naming `key` and `fields` (`operation` when the route differs). A caller\'s `idempotency` key is one',
  'space per `scope` (authorization, advice, reversal). Business answers are remembered with their key; refusals (4xx) are',
  'not, so the key stays free.',
  '',
  "`faultline contract` reads every write back: each answer that says it wrote has its one entry (kind, amount, account,",
  'authorization, legs) in the journal, each that says it did not has none, balances and authorizations are what the',
  'journal says, on every replica.',
];

/** The feed: events in, balances out. */
export const FEED_LINES: readonly string[] = [
  '',
  "An untouched account shows its opening balance (`balance` = `available` = opening, `version` 1, 0 for an empty account),",
  'as the ledger does. `faultline contract` reads back every event it sent: each is in its account\'s feed, each balance at',
  'the newest version sent.',
];
