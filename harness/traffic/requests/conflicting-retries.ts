// Conflicting retries: what a buggy client or a replaying network sends during an incident — an
// authorization resent later under the SAME idempotency key with DIFFERENT content (another amount, a
// merchant descriptor that changed, or another account and its card). A correct issuer refuses every one
// (409, naming the key and the differing fields); answering it from the first request, or approving it,
// is an idempotency defect the `idempotency-conflicts-refused` invariant catches.
//
// A share of the plan's authorizations (traffic.conflicting_retries) gets one, 300–1500 ms after the
// original, merged into the schedule in time order; the card network holds it back until the original
// was answered, if that takes longer. Its own seeded draws: the rest of the plan is the same
// requests, byte for byte, as without them.
import type { AuthorizationRequest } from '../../../services/card-processor/contract.ts';
import type { AccountSeed } from '../../../services/common/accounts.ts';
import { createRng, hashSeed } from '../../../services/common/random.ts';
import type { ConflictingRetry, PlannedRequest } from './planned-request.ts';

const MIN_DELAY_MS = 300;
const MAX_DELAY_MS = 1500;

/** The same key with changed content; `changed` names the fields a correct issuer reports as differing. */
export function conflictOf(original: AuthorizationRequest, pick: number, accounts: readonly AccountSeed[], u: number): { body: AuthorizationRequest; changed: string[] } {
  if (pick < 0.5) {
    const value = original.amount.value + Math.max(1, Math.round(original.amount.value * (0.1 + u)));
    return { body: { ...original, amount: { ...original.amount, value } }, changed: ['amount.value'] };
  }
  if (pick < 0.8 || accounts.length < 2) {
    return { body: { ...original, merchant: { ...original.merchant, name: `${original.merchant.name} #2` } }, changed: ['merchant.name'] };
  }
  let other = accounts[Math.floor(u * accounts.length)] as AccountSeed;
  if (other.id === original.account_id) other = accounts[(accounts.indexOf(other) + 1) % accounts.length] as AccountSeed;
  return {
    body: { ...original, account_id: other.id, card: { token: other.card_token, last4: other.card_last4 } },
    changed: ['account_id', 'card.token', 'card.last4'],
  };
}

/** Interleaves conflicting retries of `share` of the authorizations into a time-ordered plan. */
export function* withConflictingRetries(plan: Iterable<PlannedRequest>, share: number, seed: number, accounts: readonly AccountSeed[]): Generator<PlannedRequest> {
  const rng = createRng(hashSeed('conflicting-retries', seed));
  const pending: ConflictingRetry[] = []; // kept sorted by offset (few at a time: a min-heap is not worth it)
  for (const req of plan) {
    while (pending.length > 0 && (pending[0] as ConflictingRetry).offset_ms <= req.offset_ms) yield pending.shift() as ConflictingRetry;
    yield req;
    if (req.kind !== 'authorization' || rng.next() >= share) continue;
    const delay = MIN_DELAY_MS + rng.next() * (MAX_DELAY_MS - MIN_DELAY_MS);
    const { body, changed } = conflictOf(req.body, rng.next(), accounts, rng.next());
    const retry: ConflictingRetry = {
      kind: 'conflicting_retry',
      offset_ms: Math.round((req.offset_ms + delay) * 1000) / 1000,
      body,
      original_amount: req.body.amount.value,
      original_account_id: req.body.account_id,
      changed,
    };
    let i = pending.length;
    while (i > 0 && (pending[i - 1] as ConflictingRetry).offset_ms > retry.offset_ms) i--;
    pending.splice(i, 0, retry);
  }
  // Retries due after the last arrival are dropped with the end of the schedule (the run is over).
}

/**
 * How the issuer answered a conflicting retry: refused (correct); answered from the first request (a
 * defect: replayed, or the original's amount although the amount changed); accepted as a request of its
 * own (a defect if the original had been answered, the retry's first use if the original never reached
 * the issuer — the checker decides with the original's outcome); or no usable answer.
 */
export type ConflictAnswer = 'refused' | 'accepted' | 'answered_from_first' | 'unanswered';

/** Judges the issuer's answer to a conflicting retry from its status and body. */
export function judgeConflictAnswer(status: number, body: unknown, retry: Pick<ConflictingRetry, 'original_amount' | 'changed'>): ConflictAnswer {
  if (status === 409 || status === 422) return 'refused';
  if (status >= 200 && status < 300) {
    const b = (body ?? {}) as { replayed?: unknown; amount?: { value?: unknown } };
    if (b.replayed === true) return 'answered_from_first';
    if (retry.changed.includes('amount.value') && b.amount?.value === retry.original_amount) return 'answered_from_first';
    return 'accepted';
  }
  return 'unanswered';
}
