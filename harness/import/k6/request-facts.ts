// One faultline_request point read into what the script recorded of the request (vocabulary.ts): each field
// from the sample's metadata, else its tags, checked. A field that is missing or wrong is a LineProblem naming
// it; a card number anywhere it could hide is refused (tokens and last four only).
import type { PointLine } from './envelope.ts';
import { LineProblem } from './envelope.ts';
import { K6_KINDS, REQUEST_METRIC, type K6Kind, type RequestField } from './vocabulary.ts';

export interface RequestFacts {
  kind: K6Kind;
  id: string;
  account: string;
  status: number;
  /** Epoch ms of the k6 scenario's start (t = 0 of this k6 instance). */
  start: number;
  /** ms from start to the actual send. */
  sent: number;
  /** ms from start to the scheduled send; null when k6 could not tell. */
  intended: number | null;
  /** The point's value: ms from the intended (else the actual) send to the answer. */
  latency: number;
  amount?: number;
  currency?: string;
  last4?: string;
  token?: string;
  authorization_id?: string;
  decision?: 'approved' | 'declined';
  reason?: string;
  result?: string;
  attempts?: number;
  error_code?: number;
  hop?: string;
  cause?: string;
}

const ID = /^[\x21-\x7e]{1,200}$/;
const TEXT = /^[\x20-\x7e]{1,200}$/;
const PAN_LIKE = /\d{13,19}/;

/** A value in an error message: never a card number (a long digit run is not repeated at all). */
const shown = (v: string): string => (PAN_LIKE.test(v) ? 'a value that looks like a card number' : JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v));
const problem = (field: string, what: string, got?: string): LineProblem =>
  new LineProblem(`${REQUEST_METRIC} point: "${field}" ${what}${got === undefined ? '' : `, got ${shown(got)}`}`);

class Fields {
  constructor(private readonly p: PointLine) {}

  raw(name: RequestField): string | undefined {
    return this.p.metadata[name] ?? this.p.tags[name];
  }

  required(name: RequestField, pattern: RegExp, what: string): string {
    const v = this.raw(name);
    if (v === undefined || v === '') throw problem(name, `is missing (${what})`);
    if (!pattern.test(v)) throw problem(name, `must be ${what}`, v);
    return v;
  }

  optional(name: RequestField, pattern: RegExp, what: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined || v === '') return undefined;
    if (!pattern.test(v)) throw problem(name, `must be ${what}`, v);
    return v;
  }

  number(name: RequestField, what: string, opts: { min?: number; integer?: boolean; required: true }): number;
  number(name: RequestField, what: string, opts: { min?: number; integer?: boolean; required?: false }): number | undefined;
  number(name: RequestField, what: string, opts: { min?: number; integer?: boolean; required?: boolean }): number | undefined {
    const v = this.raw(name);
    if (v === undefined || v === '') {
      if (opts.required) throw problem(name, `is missing (${what})`);
      return undefined;
    }
    const n = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) ? Number(v) : Number.NaN;
    if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) throw problem(name, `must be ${what}`, v);
    return n;
  }
}

/** The request one faultline_request point describes; throws a LineProblem naming the bad field. */
export function requestFacts(p: PointLine): RequestFacts {
  const f = new Fields(p);
  const kind = f.required('kind', /^[a-z_]+$/, K6_KINDS.join(' | ')) as K6Kind;
  if (!(K6_KINDS as readonly string[]).includes(kind)) throw problem('kind', `must be ${K6_KINDS.join(' | ')}`, kind);
  if (!Number.isFinite(p.value) || p.value < 0) throw new LineProblem(`${REQUEST_METRIC} point: "data.value" (the latency in ms) must not be negative, got ${p.value}`);
  const facts: RequestFacts = {
    kind,
    id: f.required('id', ID, 'a request id (printable, no spaces, at most 200 characters)'),
    account: f.required('account', ID, 'an account id'),
    status: f.number('status', 'an HTTP status (0 when there was no answer)', { min: 0, integer: true, required: true }),
    start: f.number('start', 'epoch milliseconds (exec.scenario.startTime)', { min: 1, required: true }),
    sent: f.number('sent', 'milliseconds from the start to the send', { min: 0, required: true }),
    intended: f.number('intended', 'milliseconds from the start to the scheduled send', { min: 0 }) ?? null,
    latency: p.value,
  };
  if (facts.status > 599) throw problem('status', 'must be an HTTP status (0 when there was no answer)', String(facts.status));
  for (const field of ['id', 'account'] as const) if (PAN_LIKE.test(facts[field])) throw problem(field, 'looks like a card number: refused (tokens and last four only)');

  if (kind === 'authorization' || kind === 'reversal') {
    facts.amount = f.number('amount', 'an integer amount in minor units', { min: 0, integer: true, required: true });
    facts.currency = f.required('currency', /^[A-Z]{3}$/, 'an ISO 4217 currency code');
  }
  if (kind === 'authorization') {
    facts.last4 = f.required('last4', /^\d{4}$/, "the card's last four digits");
    const token = f.optional('token', /^[A-Za-z0-9_-]{1,100}$/, 'a card token');
    if (token !== undefined) {
      if (PAN_LIKE.test(token)) throw problem('token', 'looks like a card number: refused (tokens and last four only)');
      facts.token = token;
    }
    const decision = f.optional('decision', /^(approved|declined)$/, 'approved or declined');
    if (decision !== undefined) facts.decision = decision as 'approved' | 'declined';
    const reason = f.optional('reason', TEXT, "the issuer's reason code");
    if (reason !== undefined) facts.reason = reason;
  }
  if (kind === 'reversal') {
    facts.authorization_id = f.required('authorization_id', ID, 'the id of the authorization reversed');
    const result = f.optional('result', TEXT, "the issuer's result");
    if (result !== undefined) facts.result = result;
  }
  const attempts = f.number('attempts', 'a whole number of ledger attempts', { min: 0, integer: true });
  if (attempts !== undefined) facts.attempts = attempts;
  const code = f.number('error_code', "k6's error code", { min: 0, integer: true });
  if (code !== undefined) facts.error_code = code;
  const hop = f.optional('hop', /^[a-z>-]{1,40}$/, 'a hop such as processor->ledger');
  if (hop !== undefined) facts.hop = hop;
  const cause = f.optional('cause', /^[a-z_]{1,40}$/, 'a cause such as timeout');
  if (cause !== undefined) facts.cause = cause;
  return facts;
}
