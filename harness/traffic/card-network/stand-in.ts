// Stand-in processing (Mastercard Stand-In / Visa STIP): when the issuer does not answer in time, the
// network decides for it under simple rules. Here: approve while the card's cumulative stand-in total
// stays within a per-card limit, decline above it. Every stand-in approval must later be advised to
// the issuer (see advice-queue.ts).
import type { NetworkSpec } from '../../scenario/schema.ts';

export type StandInDecision = 'standin_approved' | 'standin_declined';

export interface StandInRules {
  enabled: boolean;
  /** Cumulative amount per card (minor units) the network may approve on the issuer's behalf. */
  limit_per_card: number;
}

export class StandIn {
  readonly rules: StandInRules;
  /** Approved stand-in total per card token. */
  readonly #totals = new Map<string, number>();

  constructor(rules: StandInRules | NetworkSpec['standin']) {
    this.rules = { enabled: rules.enabled, limit_per_card: rules.limit_per_card };
  }

  get enabled(): boolean {
    return this.rules.enabled;
  }

  /** Decides one authorization: approve when total + amount <= limit (and add it to the card's total), else decline. */
  decide(cardToken: string, amount: number): StandInDecision {
    const total = this.#totals.get(cardToken) ?? 0;
    if (total + amount <= this.rules.limit_per_card) {
      this.#totals.set(cardToken, total + amount);
      return 'standin_approved';
    }
    return 'standin_declined';
  }

  /** The amount approved in stand-in for a card so far. */
  totalFor(cardToken: string): number {
    return this.#totals.get(cardToken) ?? 0;
  }
}
