// What the ledger book refuses whole (nothing written): the BookError and the checks that throw it.
import type { ReleaseRequest } from './contract.ts';
import type { Account, Answer, Asked, Authorization } from './book-records.ts';

export type BookErrorCode =
  | 'idempotency_conflict'
  | 'authorization_conflict'
  | 'one_hold_per_authorization'
  | 'unknown_account'
  | 'currency_mismatch'
  | 'amount_exceeds_remaining';

/**
 * A request the book refuses as a whole; nothing was written. `field` names the offending body field; for an
 * idempotency conflict `key` is the reused request_id and `fields` the parts of the request that differ.
 */
export class BookError extends Error {
  constructor(
    readonly code: BookErrorCode,
    readonly field: string,
    message: string,
    readonly conflict?: { key: string; fields: string[] },
  ) {
    super(message);
    this.name = 'BookError';
  }
}

/** A request_id already answered must ask the same again. */
export function checkSameRequest(first: Answer, asked: Asked): void {
  const differing = first.differences(asked);
  if (differing.length > 0) {
    throw new BookError(
      'idempotency_conflict',
      'request_id',
      `body/request_id ${asked.requestId} was already used for a different request (different ${differing.join(', ')}; first: ${first.describe()})`,
      { key: asked.requestId, fields: differing },
    );
  }
}

/** A reversal must be in the account's currency and at most what remains (held, or posted for a refund). */
export function checkReversal(req: ReleaseRequest, account: Account, remaining: number, what: string): void {
  const { value, currency } = req.amount;
  if (currency !== account.seed.currency) {
    throw new BookError(
      'currency_mismatch',
      'amount/currency',
      `body/amount/currency ${currency} does not match the currency of authorization ${req.authorization_id} (${account.seed.currency})`,
    );
  }
  if (value > remaining) {
    throw new BookError(
      'amount_exceeds_remaining',
      'amount/value',
      `body/amount/value ${value} is more than the ${remaining} ${account.seed.currency} ${what} for authorization ${req.authorization_id}`,
    );
  }
}

export function checkSameAccount(auth: Authorization, accountId: string): void {
  if (auth.account.seed.id !== accountId) {
    throw new BookError(
      'authorization_conflict',
      'account_id',
      `body/account_id ${accountId} differs from the authorization's account ${auth.account.seed.id}`,
    );
  }
}

/** A hold for an authorization the book already knows (idempotency on): what it answers, or a refusal. */
export function holdAgain(auth: Authorization, value: number, authorizationId: string): 'held again' | 'reversed' | 'new hold' {
  if (auth.active !== 0) {
    if (auth.firstHold !== value) {
      throw new BookError(
        'authorization_conflict',
        'amount',
        `body/amount differs from the hold for authorization ${authorizationId} (${auth.firstHold} ${auth.account.seed.currency})`,
      );
    }
    return 'held again';
  }
  if (auth.posted !== 0) return 'held again';
  if (auth.holds + auth.postings + auth.captures > 0) {
    throw new BookError(
      'one_hold_per_authorization',
      'authorization_id',
      `body/authorization_id ${authorizationId} was already held (or posted) and has since been released (or refunded) in full: an authorization is held once`,
    );
  }
  return auth.reversedBeforeHold ? 'reversed' : 'new hold';
}
