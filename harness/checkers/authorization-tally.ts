// One pass over the journal counting, per authorization id, its holds, releases, postings, captures and
// refunds, and the amount it still holds: what the exactly-once, advice and unknown-resolution checkers
// compare the history against. A count says an entry happened, not that it moved everything: a release may
// be a partial reversal, so "still held" is the amount (holds - releases - the holds captures consumed).
// Compact: one map slot per authorization, five 16-bit counters (saturating) and one amount in growable arrays.
import type { JournalEntry, JournalKind } from '../../services/ledger/contract.ts';
import { heldDelta } from './books.ts';

export const TALLY_FIELDS = ['holds', 'releases', 'postings', 'captures', 'refunds'] as const;
export type TallyField = (typeof TALLY_FIELDS)[number];
export type AuthorizationCounts = Record<TallyField, number>;

const FIELD_OF_KIND: Partial<Record<JournalKind, number>> = { hold: 0, release: 1, posting: 2, capture: 3, refund: 4 };
const WIDTH = TALLY_FIELDS.length;
const MAX = 0xffff;

export class AuthorizationTally {
  private readonly slots = new Map<string, number>();
  private counts = new Uint16Array(1024 * WIDTH);
  /** Amount still held per slot (integer minor units; float64 is exact far past any run's sums). */
  private held = new Float64Array(1024);

  entry(e: JournalEntry): void {
    const id = e.authorization_id;
    if (id === null || id === undefined) return;
    const field = FIELD_OF_KIND[e.kind];
    if (field === undefined) return;
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(id, slot);
      if ((slot + 1) * WIDTH > this.counts.length) {
        const next = new Uint16Array(this.counts.length * 2);
        next.set(this.counts);
        this.counts = next;
        const held = new Float64Array(this.held.length * 2);
        held.set(this.held);
        this.held = held;
      }
    }
    const at = slot * WIDTH + field;
    if (this.counts[at] < MAX) this.counts[at]++;
    if (e.kind !== 'posting' && e.kind !== 'refund') this.held[slot] += heldDelta(e);
  }

  /** Amount the authorization still holds after every entry so far (0 when fully released or captured). */
  heldAmount(id: string): number {
    const slot = this.slots.get(id);
    return slot === undefined ? 0 : this.held[slot];
  }

  /** Number of authorization ids the journal mentions. */
  get size(): number {
    return this.slots.size;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  count(id: string, field: TallyField): number {
    const slot = this.slots.get(id);
    return slot === undefined ? 0 : this.counts[slot * WIDTH + TALLY_FIELDS.indexOf(field)];
  }

  holds(id: string): number {
    const slot = this.slots.get(id);
    return slot === undefined ? 0 : this.counts[slot * WIDTH];
  }

  get(id: string): AuthorizationCounts {
    const slot = this.slots.get(id);
    if (slot === undefined) return { holds: 0, releases: 0, postings: 0, captures: 0, refunds: 0 };
    const b = slot * WIDTH;
    const c = this.counts;
    return { holds: c[b], releases: c[b + 1], postings: c[b + 2], captures: c[b + 3], refunds: c[b + 4] };
  }

  /** Every authorization id with its counts. */
  *entries(): Generator<[string, AuthorizationCounts]> {
    for (const [id, slot] of this.slots) {
      const b = slot * WIDTH;
      const c = this.counts;
      yield [id, { holds: c[b], releases: c[b + 1], postings: c[b + 2], captures: c[b + 3], refunds: c[b + 4] }];
    }
  }

  static fromJournal(journal: Iterable<JournalEntry>): AuthorizationTally {
    const tally = new AuthorizationTally();
    for (const e of journal) tally.entry(e);
    return tally;
  }
}
