// @faultline:header-start
// The template `faultline export k6` fills in: the generated script.ts has this header and the config
// block below written for one scenario; everything else is copied as it is. It is a complete k6 script
// on its own (typed with @types/k6), so it can be type-checked and read here.
// @faultline:header-end

import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { RefinedResponse } from 'k6/http';
import { SharedArray } from 'k6/data';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';

// @faultline:config-start
const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
const DEFAULT_FEED_URL = 'http://127.0.0.1:8080';
/** The card network's issuer response deadline: every request's timeout. */
const ISSUER_DEADLINE_MS = 2000;
/** The scenario this script was exported from, declared to `faultline check`. */
const SCENARIO_NAME = 'baseline';
const SCENARIO_SEED = 1;
/** constant-arrival-rate: iteration n is scheduled n × this after the scenario starts; null when the pace ramps. */
const ARRIVAL_PERIOD_MS: number | null = 5;

export const options: Options = {
  scenarios: {
    payments: {
      executor: 'constant-arrival-rate',
      rate: 200,
      timeUnit: '1s',
      duration: '30s',
      preAllocatedVUs: 400,
      maxVUs: 505,
      gracefulStop: '3000ms',
    },
  },
  thresholds: {},
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)'],
};
// @faultline:config-end

/** Where the processor and the feed/balance API are: `k6 run -e BASE_URL=… -e FEED_URL=… script.ts`. */
const BASE_URL = (__ENV.BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');
const FEED_URL = (__ENV.FEED_URL || DEFAULT_FEED_URL).replace(/\/+$/, '');
const REQUESTS_FILE = __ENV.REQUESTS_FILE || './requests.json';

// requests.json, as faultline writes it (harness/export/k6/requests-file.ts): tables of accounts, cards
// (token and last4 only) and merchants, and the requests in send order referring to them by index.
type Channel = 'pos' | 'contactless' | 'ecommerce' | 'atm' | 'recurring';
type CardRow = [token: string, last4: string];
type MerchantRow = [name: string, mcc: string, country: string];
type AuthorizationRow = [kind: 'authorization', id: string, account: number, card: number, value: number, currency: string, merchant: number, channel: Channel];
type ReversalRow = [kind: 'reversal', id: string, authorizationId: string, account: number, value: number, currency: string];
type ReadRow = [kind: 'balance' | 'feed', id: string, account: number];
type RequestRow = AuthorizationRow | ReversalRow | ReadRow;

interface RequestsFile {
  format: string;
  accounts: string[];
  cards: CardRow[];
  merchants: MerchantRow[];
  requests: RequestRow[];
}

function load(): RequestsFile {
  const file = JSON.parse(open(REQUESTS_FILE)) as RequestsFile;
  if (file.format !== 'faultline.k6-requests/1') throw new Error(`${REQUESTS_FILE}: not a faultline k6 requests file (format ${String(file.format)})`);
  return file;
}

// Loaded once and shared by every VU.
const requests = new SharedArray<RequestRow>('faultline requests', () => load().requests);
const accounts = new SharedArray<string>('faultline accounts', () => load().accounts);
const cards = new SharedArray<CardRow>('faultline cards', () => load().cards);
const merchants = new SharedArray<MerchantRow>('faultline merchants', () => load().merchants);

// The authorization outcomes the script can tell. Stand-in (standin_approved / standin_declined) is
// faultline's card-network emulator and is not emulated here; neither is `unknown` (a timeout resolved
// against the ledger after the run): a timeout is `failed` in these k6 metrics. `faultline check` reads the
// faultline_request points below instead, and resolves such an authorization against the ledger.
const approved = new Counter('authorizations_approved');
const declined = new Counter('authorizations_declined');
const failed = new Counter('authorizations_failed');
const authorizationSuccess = new Rate('authorization_success_rate');
const issuerSuccess = new Rate('issuer_success_rate');
// Of what the issuer answered, how much it approved: one sample per decision, none for a failure.
const approval = new Rate('approval_rate');
const authorizationLatency = new Trend('authorization_latency', true);
const appSuccess = new Rate('app_success_rate');

// What `faultline check` reads from this test's JSON output (k6 run --out json=results.json), the contract in
// faultline's harness/import/k6/vocabulary.ts. faultline_run: one point from setup() declaring the script.
// faultline_request: one point per request, its value the latency from the scheduled send (no coordinated
// omission). Its tags hold bounded values only (kind, status, decision, error_code: a few dozen k6 time series
// in all); what is unique to one request (id, account, amount, last4, times, reason, hop) is the sample's
// metadata, which k6 (0.45 or later) writes to the JSON output without making it a time series. It is set on
// the VU just before the sample and removed just after, so no other metric carries it.
const requestPoints = new Trend('faultline_request', true);
const runDeclaration = new Counter('faultline_run');

export function setup(): void {
  runDeclaration.add(1, {
    format: 'faultline.k6/1',
    faultline_scenario: SCENARIO_NAME,
    faultline_seed: String(SCENARIO_SEED),
    // What faultline's card network does that this script does not: the invariants that need it are not judged.
    standin: 'none',
    advices: 'none',
    timeout_reversals: 'none',
    conflicting_retries: 'none',
    intended: ARRIVAL_PERIOD_MS === null ? 'none' : 'scheduled',
  });
}

/** When this iteration's request was meant to go and went, in ms from the scenario's start. */
interface Timing {
  start: number;
  sent: number;
  intended: number | null;
}

function timing(): Timing {
  const start = exec.scenario.startTime;
  const intended = ARRIVAL_PERIOD_MS === null ? null : exec.scenario.iterationInTest * ARRIVAL_PERIOD_MS;
  return { start, sent: Date.now() - start, intended };
}

type Facts = Record<string, string | number | undefined>;

/**
 * One faultline_request point: bounded tags, the rest as this sample's metadata only. A k6 older than 0.45 has
 * no metadata: the rest then goes in the tags (faultline check reads either), one k6 time series per request.
 */
function recordRequest(kind: string, t: Timing, res: RefinedResponse<undefined>, decision: string | undefined, facts: Facts): void {
  const latency = Date.now() - t.start - (t.intended ?? t.sent);
  const tags: Record<string, string> = { kind, status: String(res.status) };
  if (decision !== undefined) tags.decision = decision;
  if (res.error_code) tags.error_code = String(res.error_code);
  const metadata: Record<string, string | number | boolean> | undefined = exec.vu.metrics?.metadata;
  const perRequest = metadata ?? tags;
  const set: Facts = { ...facts, start: t.start, sent: t.sent, intended: t.intended ?? undefined };
  const keys: string[] = [];
  for (const key of Object.keys(set)) {
    const value = set[key];
    if (value === undefined || value === '') continue;
    perRequest[key] = String(value);
    keys.push(key);
  }
  try {
    requestPoints.add(Math.max(0, latency), tags);
  } finally {
    if (metadata !== undefined) for (const key of keys) delete metadata[key];
  }
}

/** A 5xx answer's hop, cause and attempts (the processor's HopFailureBody), as strings; nothing otherwise. */
function failureFacts(res: RefinedResponse<undefined>): Facts {
  if (res.status < 500) return {};
  const hop = bodyField(res, 'hop');
  const cause = bodyField(res, 'cause');
  const attempts = bodyField(res, 'attempts');
  return {
    hop: typeof hop === 'string' ? hop : undefined,
    cause: typeof cause === 'string' ? cause : undefined,
    attempts: typeof attempts === 'number' ? attempts : undefined,
  };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

type Decision = 'approved' | 'declined';

function bodyField(res: RefinedResponse<undefined>, field: string): unknown {
  if (typeof res.body !== 'string' || res.body === '') return undefined;
  try {
    const body = JSON.parse(res.body) as Record<string, unknown> | null;
    return body !== null && typeof body === 'object' ? body[field] : undefined;
  } catch {
    return undefined;
  }
}

/** The issuer's decision, or null when there is no usable answer (timeout, connection error, non-2xx). */
function decisionOf(res: RefinedResponse<undefined>): Decision | null {
  if (res.status < 200 || res.status >= 300) return null;
  const decision = bodyField(res, 'decision');
  return decision === 'approved' || decision === 'declined' ? decision : null;
}

function authorize(row: AuthorizationRow): void {
  const [, id, account, card, value, currency, merchant, channel] = row;
  const [token, last4] = cards[card] as CardRow;
  const [name, mcc, country] = merchants[merchant] as MerchantRow;
  // Field order as the processor's contract (and faultline's driver) has it.
  const body = JSON.stringify({
    id,
    account_id: accounts[account],
    card: { token, last4 },
    amount: { value, currency },
    merchant: { name, mcc, country },
    channel,
  });
  const t = timing();
  const started = Date.now();
  const res = http.post(`${BASE_URL}/v1/authorizations`, body, {
    headers: JSON_HEADERS,
    timeout: ISSUER_DEADLINE_MS,
    tags: { kind: 'authorization', name: 'POST /v1/authorizations' },
  });
  authorizationLatency.add(Date.now() - started);
  const decision = decisionOf(res);
  check(res, { 'authorization answered with a decision': () => decision !== null });
  if (decision === 'approved') approved.add(1);
  else if (decision === 'declined') declined.add(1);
  else failed.add(1, { status: String(res.status) });
  authorizationSuccess.add(decision !== null);
  issuerSuccess.add(decision !== null);
  if (decision !== null) approval.add(decision === 'approved');
  const reason = bodyField(res, 'reason');
  const attempts = bodyField(res, 'ledger_attempts');
  recordRequest('authorization', t, res, decision ?? undefined, {
    id,
    account: accounts[account],
    amount: value,
    currency,
    last4,
    // The token (never a card number) of a declined card: what a card_mismatch decline is judged by.
    token: decision === 'declined' ? token : undefined,
    reason: decision !== null && typeof reason === 'string' ? reason : undefined,
    attempts: decision !== null && typeof attempts === 'number' ? attempts : undefined,
    ...(decision === null ? failureFacts(res) : {}),
  });
}

function reverse(row: ReversalRow): void {
  const [, id, authorizationId, account, value, currency] = row;
  const body = JSON.stringify({ id, authorization_id: authorizationId, account_id: accounts[account], amount: { value, currency } });
  const t = timing();
  const res = http.post(`${BASE_URL}/v1/reversals`, body, {
    headers: JSON_HEADERS,
    timeout: ISSUER_DEADLINE_MS,
    tags: { kind: 'reversal', name: 'POST /v1/reversals' },
  });
  check(res, { 'reversal answered with a result': (r) => r.status >= 200 && r.status < 300 && typeof bodyField(r, 'result') === 'string' });
  const result = res.status >= 200 && res.status < 300 ? bodyField(res, 'result') : undefined;
  recordRequest('reversal', t, res, undefined, {
    id,
    account: accounts[account],
    authorization_id: authorizationId,
    amount: value,
    currency,
    result: typeof result === 'string' ? result : undefined,
    ...failureFacts(res),
  });
}

function read(row: ReadRow): void {
  const [kind, id, account] = row;
  const accountId = accounts[account] as string;
  const t = timing();
  const res = http.get(`${FEED_URL}/v1/accounts/${encodeURIComponent(accountId)}/${kind}`, {
    timeout: ISSUER_DEADLINE_MS,
    tags: { kind, name: `GET /v1/accounts/:id/${kind}` },
  });
  const ok = res.status >= 200 && res.status < 300;
  check(res, { [`${kind} read answered`]: () => ok });
  appSuccess.add(ok);
  recordRequest(kind, t, res, undefined, { id, account: accountId, ...failureFacts(res) });
}

/** Iteration n sends request n: unique across VUs and across k6-operator instances. */
export default function (): void {
  const row = requests[exec.scenario.iterationInTest];
  // A ramping profile can run a few more iterations than there are requests: they send nothing.
  if (row === undefined) return;
  switch (row[0]) {
    case 'authorization':
      authorize(row);
      break;
    case 'reversal':
      reverse(row);
      break;
    default:
      read(row);
  }
}
