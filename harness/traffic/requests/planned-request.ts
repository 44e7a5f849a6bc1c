// What the driver sends: one planned request, from the seeded generator (generator.ts) or a replay file
// (replay.ts), with its offset in the arrival schedule. The load models send it, the card network
// turns it into HTTP and a HistoryRecord.
import type { AuthorizationRequest, ReversalRequest } from '../../../services/card-processor/contract.ts';

export type PlannedRequest =
  | { kind: 'authorization'; offset_ms: number; body: AuthorizationRequest }
  | { kind: 'reversal'; offset_ms: number; body: ReversalRequest }
  | { kind: 'balance' | 'feed'; offset_ms: number; account_id: string; id: string }
  /** An authorization's key reused with other content (conflicting-retries.ts): a correct issuer refuses it. */
  | {
      kind: 'conflicting_retry';
      offset_ms: number;
      body: AuthorizationRequest;
      /** The original's amount and account (absent from replay files written before it was recorded). */
      original_amount: number;
      original_account_id?: string;
      changed: string[];
    };

export type PlannedKind = PlannedRequest['kind'];

/** A conflicting retry: the same idempotency key as an earlier authorization, other content. */
export type ConflictingRetry = Extract<PlannedRequest, { kind: 'conflicting_retry' }>;
