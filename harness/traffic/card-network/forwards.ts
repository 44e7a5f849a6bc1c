// What the network owes the issuer after answering in its place: the advice of a stand-in approval and
// the timeout reversal of an authorization the issuer may have held. Their ids (derived from the
// authorization's, so a redelivery is idempotent), the messages queued for the advice queue, and the
// one HistoryRecord each gets when it is settled (delivered, rejected, or still pending at the end).
import type { AdviceRequest, AuthorizationRequest, ReversalRequest } from '../../../services/card-processor/contract.ts';
import { hashSeed } from '../../../services/common/random.ts';
import type { HistoryRecord } from '../../history/record.ts';
import type { ForwardMessage } from './advice-queue.ts';

const MAX_ID = 64;

/** `<prefix>-<id>`, kept within the 64-character id limit (long ids are shortened with a hash). */
export function derivedId(prefix: string, id: string): string {
  const plain = `${prefix}-${id}`;
  if (plain.length <= MAX_ID) return plain;
  const hash = hashSeed(id).toString(16).padStart(8, '0');
  return `${prefix}-${hash}-${id.slice(-(MAX_ID - prefix.length - hash.length - 2))}`;
}

/** The advice id for a stand-in approval: `adv-<authorization id>`. */
export const adviceIdFor = (authorizationId: string): string => derivedId('adv', authorizationId);
/** The id of the reversal the network sends for an ambiguous authorization: `trev-<authorization id>`. */
export const timeoutReversalIdFor = (authorizationId: string): string => derivedId('trev', authorizationId);

/** A message as the advice queue takes it. */
export type QueuedMessage = Omit<ForwardMessage, 'state' | 'attempts' | 'last_status' | 'reached'>;

/** The advice of a stand-in approval (POST /v1/advices), queued at `queuedMs`. */
export function adviceMessage(auth: AuthorizationRequest, queuedMs: number): QueuedMessage {
  const advice: AdviceRequest = {
    id: adviceIdFor(auth.id),
    authorization_id: auth.id,
    account_id: auth.account_id,
    card: auth.card,
    amount: auth.amount,
    merchant: auth.merchant,
    channel: auth.channel,
  };
  return { kind: 'advice', id: advice.id, path: '/v1/advices', body: advice, ...about(auth), queued_ms: queuedMs };
}

/** The timeout reversal of an ambiguous authorization (POST /v1/reversals), queued at `queuedMs`. */
export function timeoutReversalMessage(auth: AuthorizationRequest, queuedMs: number): QueuedMessage {
  const reversal: ReversalRequest = {
    id: timeoutReversalIdFor(auth.id),
    authorization_id: auth.id,
    account_id: auth.account_id,
    amount: auth.amount,
  };
  return { kind: 'reversal', id: reversal.id, path: '/v1/reversals', body: reversal, ...about(auth), queued_ms: queuedMs };
}

function about(auth: AuthorizationRequest): Pick<ForwardMessage, 'authorization_id' | 'account_id' | 'amount' | 'currency' | 'card_last4'> {
  return {
    authorization_id: auth.id,
    account_id: auth.account_id,
    amount: auth.amount.value,
    currency: auth.amount.currency,
    card_last4: auth.card.last4,
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The HistoryRecord of a settled (or finally abandoned) advice or timeout reversal. */
export function forwardRecord(m: ForwardMessage, faults: string[]): HistoryRecord {
  const start = m.first_attempt_ms ?? m.queued_ms;
  const record: HistoryRecord = {
    id: m.id,
    kind: m.kind,
    account_id: m.account_id,
    authorization_id: m.authorization_id,
    amount: m.amount,
    currency: m.currency,
    intended_ms: start,
    sent_ms: start,
    latency_ms: m.settled_ms !== undefined ? round3(m.settled_ms - start) : 0,
    outcome: m.state === 'delivered' ? 'ok' : 'error',
    status: m.last_status,
    faults,
    late: false,
    // For advices and timeout reversals: delivery attempts made by the network.
    attempts: m.attempts,
    forwarded: true,
  };
  if (m.card_last4 !== undefined) record.card_last4 = m.card_last4;
  if (m.result !== undefined) record.reason = m.result;
  // A rejected advice or reversal names the issuer's refusal (e.g. authorization_conflict): the checkers read it.
  else if (m.state === 'rejected' && m.refusal_code !== undefined) record.reason = m.refusal_code;
  if (m.state !== 'delivered') record.error = m.last_error ?? { hop: 'network->processor', cause: 'other' };
  return record;
}
