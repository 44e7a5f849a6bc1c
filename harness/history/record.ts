// One compact record per request the driver sent: the run history the checkers and the report read.
import type { Cause, Hop } from '../../services/common/failure.ts';
import type { AuthOutcome } from '../summary/types.ts';

export { AUTH_OUTCOMES, type AuthOutcome } from '../summary/types.ts';

/** `conflicting_retry`: an authorization's id resent with other content (the issuer must refuse it). */
export type RequestKind = 'authorization' | 'reversal' | 'advice' | 'balance' | 'feed' | 'conflicting_retry';

export interface HistoryRecord {
  /** The request id (authorization id, reversal id, advice id, or a generated id for app reads). */
  id: string;
  kind: RequestKind;
  account_id: string;
  /** For reversals and advices: the authorization they refer to. */
  authorization_id?: string;
  amount?: number;
  currency?: string;
  card_last4?: string;
  /** The card's network token (never a PAN), for declines and stand-in outcomes: what declines-justified judges a card by. */
  card_token?: string;
  /** Milliseconds from the start of traffic to the intended send time (the arrival schedule). */
  intended_ms: number;
  /** Milliseconds from the start of traffic to the actual send (a conflicting retry: after its wait, below). */
  sent_ms: number;
  /**
   * A conflicting retry only: how long the network held it back, waiting for its original's answer, between
   * its turn in the schedule and its send (sent_ms is after the wait). The driver's own lateness is
   * sent_ms - waited_ms - intended_ms.
   */
  waited_ms?: number;
  /**
   * A conflicting retry only: the original's content it conflicts with (account_id and amount above are the
   * retry's). The checkers compare both with what the ledger holds under the id to tell who took it first.
   */
  original_account_id?: string;
  original_amount?: number;
  /** From the intended send time to the answer (or to the deadline): no coordinated omission. */
  latency_ms: number;
  /** Authorizations: an AuthOutcome. Other kinds: ok or error (a conflicting retry is ok when refused). */
  outcome: AuthOutcome | 'ok' | 'error';
  /** HTTP status of the final answer, 0 when there was none (timeout, connection error). */
  status: number;
  /** What the issuer said, when it answered. */
  issuer_decision?: 'approved' | 'declined';
  reason?: string;
  /** Where and why it failed, for failed, unknown and stand-in outcomes and app errors. */
  error?: { hop: Hop; cause: Cause };
  /** Names of the fault windows active at the intended send time. */
  faults: string[];
  /** Sent later than its schedule by more than the lateness tolerance. */
  late: boolean;
  /** Never sent: the driver could not keep up (counted, never skipped silently). */
  dropped?: boolean;
  /**
   * Sent by the card network on its own after traffic (an advice or a timeout reversal from its
   * store-and-forward queue): not an arrival of the schedule, so not in the load or lateness figures.
   */
  forwarded?: boolean;
  /** Ledger attempts the processor reported (retry amplification). */
  attempts?: number;
  /** For unknown authorizations, filled after the run from the ledger. */
  resolution?: 'held' | 'not_held';
}
