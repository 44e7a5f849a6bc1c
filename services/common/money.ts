// Money is always an integer count of minor units (pence, cents) plus an ISO 4217 currency code.
// Never a float: amounts are added and compared as integers everywhere in faultline.

/** The currencies the mock pipeline knows, with their minor-unit exponent. */
export const CURRENCIES: Readonly<Record<string, number>> = Object.freeze({
  GBP: 2,
  EUR: 2,
  USD: 2,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CAD: 2,
  AUD: 2,
  JPY: 0,
});

export type Currency = keyof typeof CURRENCIES & string;

export interface Money {
  /** Integer minor units, never negative on the wire. */
  value: number;
  currency: string;
}

/** Largest amount a single request may carry: 10 million major units in a 2-decimal currency. */
export const MAX_AMOUNT_MINOR = 1_000_000_000;

/** JSON schema for a Money object on every route that takes one. */
export const moneySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['value', 'currency'],
  properties: {
    value: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT_MINOR },
    currency: { type: 'string', enum: Object.keys(CURRENCIES) },
  },
} as const;

export function isKnownCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(CURRENCIES, code);
}

/** Formats minor units for humans (reports, logs): 123456 GBP -> "1234.56 GBP". */
export function formatMoney(value: number, currency: string): string {
  const exp = CURRENCIES[currency] ?? 2;
  const negative = value < 0;
  const abs = Math.abs(value);
  if (exp === 0) return `${negative ? '-' : ''}${abs} ${currency}`;
  const div = 10 ** exp;
  const major = Math.floor(abs / div);
  const minor = String(abs % div).padStart(exp, '0');
  return `${negative ? '-' : ''}${major}.${minor} ${currency}`;
}
