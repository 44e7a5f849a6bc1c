// How a BookError (a request the book refused whole) is answered over HTTP.
import type { FastifyReply } from 'fastify';
import type { BookError, BookErrorCode } from './book.ts';

export const BOOK_ERROR_STATUS: Readonly<Record<BookErrorCode, number>> = {
  idempotency_conflict: 409,
  authorization_conflict: 409,
  unknown_account: 404,
  currency_mismatch: 422,
};

export interface LedgerErrorBody {
  error: string;
  code: string;
  status: number;
  /** The request field at fault. */
  field?: string;
}

export function sendBookError(reply: FastifyReply, err: BookError): FastifyReply {
  const status = BOOK_ERROR_STATUS[err.code];
  const body: LedgerErrorBody = { error: err.message, code: err.code, status, field: err.field };
  return reply.code(status).send(body);
}
