// Test helper: the bad requests every ledger route must refuse with a 4xx naming the field, writing nothing.
export interface BadInputCase {
  name: string;
  path: string;
  /** A raw string is sent as is. */
  body: string;
  contentType?: string;
  status: number;
  /** The error message must match this (names the field). */
  message: RegExp;
}

const goodHold = {
  request_id: 'bad-1',
  authorization_id: 'auth-bad-1',
  account_id: 'acc-000001',
  amount: { value: 100, currency: 'GBP' },
};

const withAmount = (amount: unknown): string => JSON.stringify({ ...goodHold, amount });

export const BAD_INPUT_CASES: BadInputCase[] = [
  { name: 'malformed JSON', path: '/v1/holds', body: '{"request_id": "x", ', status: 400, message: /JSON/ },
  {
    name: 'missing field',
    path: '/v1/holds',
    body: JSON.stringify({ request_id: 'bad-2', authorization_id: 'a', account_id: 'acc-000001' }),
    status: 400,
    message: /amount/,
  },
  { name: 'wrong-typed amount (string)', path: '/v1/holds', body: withAmount({ value: '100', currency: 'GBP' }), status: 400, message: /amount\/value must be integer/ },
  { name: 'negative amount', path: '/v1/holds', body: withAmount({ value: -100, currency: 'GBP' }), status: 400, message: /amount\/value must be >= 1/ },
  { name: 'zero amount', path: '/v1/postings', body: JSON.stringify({ ...goodHold, amount: { value: 0, currency: 'GBP' }, kind: 'advice' }), status: 400, message: /amount\/value/ },
  { name: 'non-integer amount', path: '/v1/holds', body: withAmount({ value: 10.5, currency: 'GBP' }), status: 400, message: /amount\/value must be integer/ },
  { name: 'unknown currency', path: '/v1/holds', body: withAmount({ value: 100, currency: 'XYZ' }), status: 400, message: /amount\/currency/ },
  {
    name: 'wrong-typed request_id',
    path: '/v1/releases',
    body: JSON.stringify({ request_id: 42, authorization_id: 'a', account_id: 'acc-000001', amount: { value: 1, currency: 'GBP' } }),
    status: 400,
    message: /request_id must be string/,
  },
  {
    name: 'request_id with forbidden characters',
    path: '/v1/holds',
    body: JSON.stringify({ ...goodHold, request_id: 'a b<script>' }),
    status: 400,
    message: /request_id must match pattern/,
  },
  {
    name: 'unknown posting kind',
    path: '/v1/postings',
    body: JSON.stringify({ ...goodHold, kind: 'refund' }),
    status: 400,
    message: /kind/,
  },
  {
    name: 'card number field smuggled in',
    path: '/v1/holds',
    body: JSON.stringify({ ...goodHold, card_last4: '4111111111111111' }),
    status: 400,
    message: /card_last4/,
  },
  {
    name: 'oversized body',
    path: '/v1/holds',
    body: JSON.stringify({ ...goodHold, authorization_id: 'a'.repeat(70 * 1024) }),
    status: 413,
    message: /too large/i,
  },
  { name: 'plain text body', path: '/v1/holds', body: 'request_id=1', contentType: 'text/plain', status: 400, message: /body must be object/ },
  { name: 'unsupported content type', path: '/v1/holds', body: '<hold/>', contentType: 'application/xml', status: 415, message: /Unsupported Media Type|content-type/i },
];
