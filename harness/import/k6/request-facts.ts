// One faultline_request point read into what the script recorded of the request (vocabulary.ts): each field
// from the sample's metadata, else its tags, checked. A field that is missing is derived when something else
// says it for certain (DERIVABLE below: the status from k6's error code, the send time from the point's own
// time, the scenario start from the script's declaration, the currency and card last four from the scenario's
// seeded account, the issuer's decision from its reason), and each derivation is counted; a field that cannot
// be derived, or is wrong, is a LineProblem naming it. A card number anywhere it could hide is refused.
import { DECLINE_REASONS } from '../../../services/card-processor/contract.ts';
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

/** What a missing field can be derived from. */
export interface DeriveContext {
  /** The scenario's seeded account (its currency and card), or undefined for an account it does not seed. */
  account(id: string): { currency: string; card_last4: string } | undefined;
  /** Epoch ms of this file's faultline_run point (setup(), just before the scenario starts); null before it. */
  declaredAt: number | null;
}

/** The fields a missing value is derived for, and from what (said in the README and the load source). */
export const DERIVABLE = {
  status: "0 when the point carries k6's error_code (no answer)",
  start: "the time of the file's faultline_run point (setup() runs just before the scenario starts)",
  sent: "the scheduled send when the point has one (taken as on time), else the point's time less its latency",
  currency: "the currency of the scenario's seeded account",
  last4: "the last four of the scenario's seeded account's card",
  decision: "the issuer's reason: ok is approved, a decline reason is declined",
} as const satisfies Partial<Record<RequestField, string>>;
export type DerivableField = keyof typeof DERIVABLE;

const ID = /^[\x21-\x7e]{1,200}$/;
const TEXT = /^[\x20-\x7e]{1,200}$/;
const PAN_LIKE = /\d{13,19}/;

/** A value in an error message: never a card number (a long digit run is not repeated at all). */
const shown = (v: string): string => (PAN_LIKE.test(v) ? 'a value that looks like a card number' : JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v));
const problem = (field: string, what: string, got?: string): LineProblem =>
  new LineProblem(`${REQUEST_METRIC} point: "${field}" ${what}${got === undefined ? '' : `, got ${shown(got)}`}`);

class Fields {
  constructor(private readonly p: PointLine) {}

  readonly #derived = new Map<RequestField, string>();

  raw(name: RequestField): string | undefined {
    for (const v of [this.p.metadata[name], this.p.tags[name], this.#derived.get(name)]) if (v !== undefined && v !== '') return v;
    return undefined;
  }

  set(name: RequestField, value: string): void {
    this.#derived.set(name, value);
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
export function requestFacts(p: PointLine, derive?: DeriveContext): RequestFacts & { derived: DerivableField[] } {
  const f = new Fields(p);
  const derived: DerivableField[] = [];
  /** The field as recorded, else derived (counted), else undefined. */
  const orDerived = (name: DerivableField, derivation: () => string | undefined): void => {
    if (f.raw(name) !== undefined) return;
    const value = derivation();
    if (value === undefined) return;
    f.set(name, value);
    derived.push(name);
  };
  orDerived('status', () => (f.raw('error_code') ? '0' : undefined));
  orDerived('start', () => (derive?.declaredAt != null ? String(Math.round(derive.declaredAt)) : undefined));
  orDerived('sent', () => {
    // The value is the latency from the scheduled send when there is one: the send is then taken as on time.
    const intended = f.raw('intended');
    if (intended !== undefined) return intended;
    const start = Number(f.raw('start'));
    return Number.isFinite(start) && start > 0 && Number.isFinite(p.value) ? String(Math.max(0, Math.round((p.time - p.value - start) * 1000) / 1000)) : undefined;
  });
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
    const seeded = derive?.account(facts.account);
    orDerived('currency', () => seeded?.currency);
    if (kind === 'authorization') orDerived('last4', () => seeded?.card_last4);
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
    if (facts.status >= 200 && facts.status < 300) {
      orDerived('decision', () => {
        const reason = f.raw('reason');
        return reason === 'ok' ? 'approved' : (DECLINE_REASONS as readonly string[]).includes(reason ?? '') ? 'declined' : undefined;
      });
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
  return { ...facts, derived };
}
