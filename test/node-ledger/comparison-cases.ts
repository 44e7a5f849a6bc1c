// The requests sent to the mock replica and to the node:http fixture, in order, each against its own
// ledger store seeded alike: a conversation of valid writes and reads that walks the ledger's rules
// (idempotency by request_id and by key content, partial/over/other-currency releases, captures, refunds,
// a reversal that overtakes its hold), the admin routes, and bad input of every kind.
import { seedAccounts } from '../../services/common/accounts.ts';
import { BAD_INPUT_CASES } from '../ledger/bad-input-cases.ts';

export interface Exchange {
  name: string;
  method: string;
  path: string;
  /** A raw string is sent as is; an object as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export const COMPARISON_SEED = 31;
export const COMPARISON_ACCOUNTS = 8;

const gbp = (value: number) => ({ value, currency: 'GBP' });

export function comparisonCases(): Exchange[] {
  const accounts = seedAccounts(COMPARISON_SEED, COMPARISON_ACCOUNTS);
  const rich = [...accounts].sort((a, b) => b.opening_balance - a.opening_balance)[0]!;
  const acc = rich.id;
  const hold = (request_id: string, authorization_id: string, value: number, extra: Record<string, unknown> = {}) => ({
    request_id,
    authorization_id,
    account_id: acc,
    amount: gbp(value),
    ...extra,
  });
  const release = (request_id: string, authorization_id: string, amount: unknown) => ({ request_id, authorization_id, account_id: acc, amount });
  const advice = (request_id: string, authorization_id: string, value: number) => ({ request_id, authorization_id, account_id: acc, amount: gbp(value), kind: 'advice' });
  const claim = (key: string, fields: Record<string, string | number>) => ({ scope: 'authorization', key, fields });
  const post = (name: string, path: string, body: unknown): Exchange => ({ name, method: 'POST', path, body });
  const get = (name: string, path: string, headers?: Record<string, string>): Exchange => ({ name, method: 'GET', path, headers });

  const conversation: Exchange[] = [
    get('health', '/health'),
    get('account', `/v1/accounts/${acc}`),
    get('unknown account', '/v1/accounts/acc-999999'),
    get('account id percent-encoded', `/v1/accounts/${acc.replace('-', '%2D')}`),
    get('account id with a space', '/v1/accounts/a%20b'),
    get('empty account id', '/v1/accounts/'),
    get('account id over 100 characters', `/v1/accounts/${'a'.repeat(101)}`),
    get('malformed escape in the path', '/v1/accounts/%ZZ'),

    post('hold', '/v1/holds', hold('hold:a1', 'a1', 1000, { card_last4: '4242' })),
    post('hold retried', '/v1/holds', hold('hold:a1', 'a1', 1000, { card_last4: '4242' })),
    post('hold: reused request_id, other amount', '/v1/holds', hold('hold:a1', 'a1', 1001, { card_last4: '4242' })),
    post('hold: other request_id, same authorization', '/v1/holds', hold('hold:a1:attempt-2', 'a1', 1000)),
    post('hold: insufficient funds', '/v1/holds', hold('hold:a2', 'a2', rich.opening_balance + 1)),
    post('hold: unknown account', '/v1/holds', { ...hold('hold:a3', 'a3', 10), account_id: 'acc-999999' }),
    post('hold: other currency', '/v1/holds', { ...hold('hold:a4', 'a4', 10), amount: { value: 10, currency: 'EUR' } }),

    post('partial release', '/v1/releases', release('rev:a1:1', 'a1', gbp(400))),
    post('partial release retried', '/v1/releases', release('rev:a1:1', 'a1', gbp(400))),
    post('over-release', '/v1/releases', release('rev:a1:2', 'a1', gbp(10_000))),
    post('release in another currency', '/v1/releases', release('rev:a1:3', 'a1', { value: 100, currency: 'EUR' })),
    post('release the rest', '/v1/releases', release('rev:a1:4', 'a1', gbp(600))),
    post('release with nothing left', '/v1/releases', release('rev:a1:5', 'a1', gbp(1))),
    get('authorization a1', '/v1/authorizations/a1'),

    post('reversal before its hold', '/v1/releases', release('rev:a5', 'a5', gbp(50))),
    post('the late hold', '/v1/holds', hold('hold:a5', 'a5', 50)),

    post('hold to capture', '/v1/holds', hold('hold:a6', 'a6', 700)),
    post('advice captures the hold', '/v1/postings', advice('advice:a6', 'a6', 650)),
    post('advice retried', '/v1/postings', advice('advice:a6', 'a6', 650)),
    post('advice: reused request_id, other amount', '/v1/postings', advice('advice:a6', 'a6', 651)),
    post('advice without a hold (stand-in)', '/v1/postings', advice('advice:a7', 'a7', 300)),
    post('refund of a posted authorization', '/v1/releases', release('rev:a7', 'a7', gbp(100))),
    post('advice in another currency', '/v1/postings', { ...advice('advice:a8', 'a8', 5), amount: { value: 5, currency: 'USD' } }),
    post('advice for another account', '/v1/postings', { ...advice('advice:a6b', 'a6', 5), account_id: accounts.find((a) => a.id !== acc)!.id }),

    post('hold with an idempotency key', '/v1/holds', hold('hold:k1', 'k1', 200, { idempotency: claim('net-k1', { 'amount.value': 200, 'card.token': 'tok_1' }) })),
    post('same key, same content, new attempt', '/v1/holds', hold('hold:k1:2', 'k1', 200, { idempotency: claim('net-k1', { 'amount.value': 200, 'card.token': 'tok_1' }) })),
    post('same key, other content', '/v1/holds', hold('hold:k1:3', 'k1', 200, { idempotency: claim('net-k1', { 'amount.value': 201, 'card.token': 'tok_1' }) })),
    post('same key, a field missing', '/v1/holds', hold('hold:k1:4', 'k1', 200, { idempotency: claim('net-k1', { 'amount.value': 200 }) })),
    post('idempotency record', '/v1/idempotency-records', { idempotency: claim('net-r1', { 'card.token': 'tok_x' }), outcome: 'card_mismatch' }),
    post('idempotency record replayed', '/v1/idempotency-records', { idempotency: claim('net-r1', { 'card.token': 'tok_x' }), outcome: 'card_mismatch' }),
    post('idempotency record conflict', '/v1/idempotency-records', { idempotency: claim('net-r1', { 'card.token': 'tok_y' }), outcome: 'card_mismatch' }),

    get('account after all of it', `/v1/accounts/${acc}`),
    get('journal page', '/v1/journal?after=0&limit=5'),
    get('journal next page', '/v1/journal?after=5&limit=1000'),
    get('journal default page', '/v1/journal'),
    get('journal: after not a number', '/v1/journal?after=abc'),
    get('journal: limit too large', '/v1/journal?limit=10001'),
    get('journal: limit zero', '/v1/journal?limit=0'),
    get('journal: unknown parameter', '/v1/journal?cursor=1'),
    get('journal: repeated parameter', '/v1/journal?after=1&after=2'),
    get('journal: encoded and signed forms', '/v1/journal?%61fter=+3&limit=2'),

    { name: 'HEAD of a read', method: 'HEAD', path: '/v1/journal?limit=1' },
    get('unknown route', '/v1/nothing'),
    get('trailing slash', '/health/'),
    { name: 'wrong method', method: 'DELETE', path: '/v1/holds' },
    post('POST to a read route', '/health', {}),

    get('fault rules (none)', '/__admin/http-faults'),
    { name: 'fault rule set', method: 'PUT', path: '/__admin/http-faults/quiet', body: { fail_after_commit: { percent: 0 }, delay: { delay_ms: 1, percent: 0 }, routes: ['/v1/holds'], seed: 9 } },
    { name: 'default fault rule', method: 'PUT', path: '/__admin/http-faults', body: { abort: { percent: 100, status: 418 }, routes: ['/v1/authorizations/teapot'] } },
    get('aborted by the rule', '/v1/authorizations/teapot'),
    get('not aborted: another route', '/v1/authorizations/a1'),
    get('fault rules (two)', '/__admin/http-faults'),
    { name: 'fault rule without a fault', method: 'PUT', path: '/__admin/http-faults/x', body: { routes: ['/v1'] } },
    { name: 'fault rule: percent over 100', method: 'PUT', path: '/__admin/http-faults/x', body: { abort: { percent: 101 } } },
    { name: 'fault rule: delay without delay_ms', method: 'PUT', path: '/__admin/http-faults/x', body: { delay: {} } },
    { name: 'fault rule: route not a path', method: 'PUT', path: '/__admin/http-faults/x', body: { abort: {}, routes: ['v1/holds'] } },
    { name: 'fault rule: unknown field', method: 'PUT', path: '/__admin/http-faults/x', body: { abort: {}, bogus: 1 } },
    { name: 'fault rule: bad name', method: 'PUT', path: '/__admin/http-faults/-x', body: { abort: {} } },
    { name: 'fault rule delete one', method: 'DELETE', path: '/__admin/http-faults/default' },
    { name: 'fault rule delete all', method: 'DELETE', path: '/__admin/http-faults' },
    get('browser on the fault route', '/__admin/http-faults', { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' }),
    { name: 'browser setting a fault', method: 'PUT', path: '/__admin/http-faults', body: { abort: {} }, headers: { 'user-agent': 'Mozilla/5.0', 'content-type': 'application/json' } },
    get('browser, encoded admin path', '/%5F%5Fadmin/http-faults', { 'user-agent': 'Mozilla/5.0' }),
    get('browser on /__faults', '/__faults', { 'user-agent': 'Mozilla/5.0' }),
    get('browser on a ledger route', `/v1/accounts/${acc}`, { 'user-agent': 'Mozilla/5.0' }),
  ];

  const badInput: Exchange[] = BAD_INPUT_CASES.map((bad) => ({
    name: `bad input: ${bad.name}`,
    method: 'POST',
    path: bad.path,
    body: bad.body,
    headers: { 'content-type': bad.contentType ?? 'application/json' },
  }));

  const valid = hold('hold:bad', 'bad', 1);
  const withHold = (patch: Record<string, unknown>) => JSON.stringify({ ...valid, ...patch });
  const moreBadInput: Exchange[] = [
    ['empty JSON body', ''],
    ['whitespace-only JSON body', '  '],
    ['JSON null', 'null'],
    ['JSON array', '[]'],
    ['__proto__ key', '{"request_id":"x","__proto__":{"admin":true}}'],
    ['constructor.prototype key', '{"constructor":{"prototype":{"admin":true}}}'],
    ['empty object', '{}'],
    ['unknown field before a bad one', JSON.stringify({ zzz: 1, ...valid, request_id: 5 })],
    ['nameless field', JSON.stringify({ '': 1, ...valid })],
    ['request_id too long', withHold({ request_id: 'r'.repeat(129) })],
    ['request_id empty', withHold({ request_id: '' })],
    ['amount not an object', withHold({ amount: 100 })],
    ['amount missing currency', withHold({ amount: { value: 1 } })],
    ['amount over the maximum', withHold({ amount: gbp(1e10) })],
    ['amount with an extra field', withHold({ amount: { value: 1, currency: 'GBP', fx: 1 } })],
    ['card_last4 a number', withHold({ card_last4: 4242 })],
    ['idempotency null', withHold({ idempotency: null })],
    ['idempotency missing key', withHold({ idempotency: { scope: 'authorization', fields: { a: 1 } } })],
    ['idempotency unknown scope', withHold({ idempotency: { scope: 'refund', key: 'k', fields: { a: 1 } } })],
    ['idempotency no fields', withHold({ idempotency: claim('k', {}) })],
    ['idempotency field name upper case', withHold({ idempotency: claim('k', { Amount: 1 }) })],
    ['idempotency field value a boolean', withHold({ idempotency: { scope: 'authorization', key: 'k', fields: { a: true } } })],
    ['idempotency field value a fraction', withHold({ idempotency: claim('k', { 'a.b': 1.5 }) })],
    ['idempotency field value too long', withHold({ idempotency: claim('k', { a: 'x'.repeat(257) }) })],
    ['idempotency too many fields', withHold({ idempotency: claim('k', Object.fromEntries('abcdefghijklmnopq'.split('').map((c, i) => [c, i]))) })],
    ['emoji counted as one character', withHold({ idempotency: claim('k', { a: '😀'.repeat(256) }) })],
  ].map(([name, body]) => ({ name: `bad input: ${name}`, method: 'POST', path: '/v1/holds', body, headers: { 'content-type': 'application/json' } }));

  const otherRoutes: Exchange[] = [
    post('posting without kind', '/v1/postings', { ...valid }),
    post('posting kind refund', '/v1/postings', { ...valid, kind: 'refund' }),
    post('release with card_last4', '/v1/releases', { ...valid, card_last4: '4242' }),
    post('idempotency record: bad outcome', '/v1/idempotency-records', { idempotency: claim('k', { a: 1 }), outcome: 'Card-Mismatch' }),
    post('idempotency record: no idempotency', '/v1/idempotency-records', { outcome: 'x' }),
    { name: 'no body, no content type', method: 'POST', path: '/v1/holds' },
    { name: 'text/plain with a charset', method: 'POST', path: '/v1/holds', body: JSON.stringify(valid), headers: { 'content-type': 'text/plain; charset=utf-8' } },
    { name: 'upper-case JSON media type', method: 'POST', path: '/v1/holds', body: JSON.stringify(hold('hold:ct', 'ct', 1)), headers: { 'content-type': 'APPLICATION/JSON; charset=utf-8' } },
    { name: 'a JSON body with a BOM', method: 'POST', path: '/v1/holds', body: `\ufeff${JSON.stringify(hold('hold:bom', 'bom', 1))}`, headers: { 'content-type': 'application/json' } },
    { name: 'body exactly at the limit', method: 'POST', path: '/v1/holds', body: `{"a":"${'x'.repeat(64 * 1024 - 8)}"}`, headers: { 'content-type': 'application/json' } },
    { name: 'body one byte over the limit', method: 'POST', path: '/v1/holds', body: `{"a":"${'x'.repeat(64 * 1024 - 7)}"}`, headers: { 'content-type': 'application/json' } },
  ];

  return [...conversation, ...badInput, ...moreBadInput, ...otherRoutes, get('journal at the end', '/v1/journal?limit=10000')];
}
