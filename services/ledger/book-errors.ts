// How a refused request (a BookError, or a reused idempotency key with other content) is answered over HTTP.
import type { FastifyReply } from 'fastify';
import type { BookError, BookErrorCode } from './book.ts';
import type { KeyConflict } from './idempotency-keys.ts';
import type { IdempotencyConflictBody } from './contract.ts';

export const BOOK_ERROR_STATUS: Readonly<Record<BookErrorCode, number>> = {
  idempotency_conflict: 409,
  authorization_conflict: 409,
  one_hold_per_authorization: 409,
  unknown_account: 404,
  currency_mismatch: 422,
  amount_exceeds_remaining: 422,
};

export interface LedgerErrorBody {
  error: string;
  code: string;
  status: number;
  /** The request field at fault. */
  field?: string;
  /** For idempotency_conflict: the reused key (or request_id) and the fields that differ from its first use. */
  key?: string;
  fields?: string[];
}

export function sendBookError(reply: FastifyReply, err: BookError): FastifyReply {
  const status = BOOK_ERROR_STATUS[err.code];
  const body: LedgerErrorBody = { error: err.message, code: err.code, status, field: err.field };
  if (err.conflict) {
    body.key = err.conflict.key;
    body.fields = err.conflict.fields;
  }
  return reply.code(status).send(body);
}

export function sendKeyConflict(reply: FastifyReply, err: KeyConflict): FastifyReply {
  const body: IdempotencyConflictBody = { error: err.message, code: 'idempotency_conflict', key: err.key, fields: err.fields, status: 409 };
  return reply.code(409).send(body);
}

/** Response schema for every 4xx the ledger answers (so `key` and `fields` are serialised). */
export const ledgerErrorSchema = {
  type: 'object',
  required: ['error', 'code', 'status'],
  properties: {
    error: { type: 'string' },
    code: { type: 'string' },
    status: { type: 'integer' },
    field: { type: 'string' },
    key: { type: 'string' },
    fields: { type: 'array', items: { type: 'string' } },
  },
} as const;
