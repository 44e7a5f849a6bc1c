// One decline as the declines-justified check holds it (declines-justified.ts judges it, decline-verdict.ts
// tallies the false ones): the reason codes of the contract, where a decline was decided, its amount as text.
import type { DeclineReason } from '../../services/card-processor/contract.ts';

export const DECLINES_JUSTIFIED = 'declines-justified';

/** Every reason code the contract allows (a reason added to the contract must be judged here: the type says so). */
const CONTRACT_REASONS: Readonly<Record<DeclineReason, true>> = {
  insufficient_funds: true,
  unknown_account: true,
  currency_mismatch: true,
  card_mismatch: true,
  reversed: true,
};
export const DECLINE_REASONS = Object.keys(CONTRACT_REASONS) as DeclineReason[];

/** The reason shown for a decline that gave none; the fault shown outside every window. */
export const NO_REASON = '(none)';
export const NO_FAULT = '(none)';
/** The reason and hop of the network's own stand-in declines. */
export const STANDIN_REASON = 'standin_declined';
export const STANDIN_HOP = 'network';

/** Default slack either side of a request's life when the clock gives none. */
export const DEFAULT_SLACK_MS = 5;

export const isContractReason = (reason: string): reason is DeclineReason => Object.prototype.hasOwnProperty.call(CONTRACT_REASONS, reason);

export type Judgement = 'pending' | 'justified' | 'false' | 'unjudged';

/** One decline as the history recorded it: what the judgement needs, nothing else. */
export interface Decline {
  readonly id: string;
  readonly standIn: boolean;
  readonly reason: string;
  readonly account_id: string;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly token: string | null;
  readonly last4: string | null;
  readonly attempts: number | null;
  /** History times (ms from t = 0): the first send and the answer. */
  sentMs: number;
  answerMs: number;
  readonly faults: readonly string[];
  judgement: Judgement;
  why: string;
  /** insufficient_funds: the lowest available balance seen in its window. */
  lowest: number | null;
}

/** An insufficient_funds decline's window on the journal's clock, while the journal is replayed. */
export interface Window {
  readonly decline: Decline;
  readonly start: number;
  readonly end: number;
  lowest: number;
}

/** One account's replay: its available balance, its pending windows (sorted by start) and the open ones. */
export interface AccountReplay {
  available: number;
  touched: boolean;
  /** Lowest available after the openings (for a run without a clock). */
  lowest: number;
  readonly windows: Window[];
  next: number;
  open: Window[];
}

/** Where a decline was decided: without the ledger (`processor`) or on the ledger's answer. */
export function hopOf(d: Decline): string {
  if (d.standIn) return STANDIN_HOP;
  if (d.reason === 'card_mismatch' || d.attempts === 0) return 'processor';
  if (d.attempts === null && !isContractReason(d.reason)) return 'processor';
  return 'processor->ledger';
}

export function bump(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

export function money(d: Pick<Decline, 'amount' | 'currency'>): string {
  return d.amount === null ? 'no amount' : `${d.amount}${d.currency ? ` ${d.currency}` : ''}`;
}

