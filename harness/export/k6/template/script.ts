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
// against the ledger after the run): a timeout is `failed`.
const approved = new Counter('authorizations_approved');
const declined = new Counter('authorizations_declined');
const failed = new Counter('authorizations_failed');
const authorizationSuccess = new Rate('authorization_success_rate');
const issuerSuccess = new Rate('issuer_success_rate');
// Of what the issuer answered, how much it approved: one sample per decision, none for a failure.
const approval = new Rate('approval_rate');
const authorizationLatency = new Trend('authorization_latency', true);
const appSuccess = new Rate('app_success_rate');

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
}

function reverse(row: ReversalRow): void {
  const [, id, authorizationId, account, value, currency] = row;
  const body = JSON.stringify({ id, authorization_id: authorizationId, account_id: accounts[account], amount: { value, currency } });
  const res = http.post(`${BASE_URL}/v1/reversals`, body, {
    headers: JSON_HEADERS,
    timeout: ISSUER_DEADLINE_MS,
    tags: { kind: 'reversal', name: 'POST /v1/reversals' },
  });
  check(res, { 'reversal answered with a result': (r) => r.status >= 200 && r.status < 300 && typeof bodyField(r, 'result') === 'string' });
}

function read(row: ReadRow): void {
  const [kind, , account] = row;
  const accountId = accounts[account] as string;
  const res = http.get(`${FEED_URL}/v1/accounts/${encodeURIComponent(accountId)}/${kind}`, {
    timeout: ISSUER_DEADLINE_MS,
    tags: { kind, name: `GET /v1/accounts/:id/${kind}` },
  });
  const ok = res.status >= 200 && res.status < 300;
  check(res, { [`${kind} read answered`]: () => ok });
  appSuccess.add(ok);
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
