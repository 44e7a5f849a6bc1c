// The outcome of every authorization in a run, kept in bounded memory (one small integer per id) while
// the run goes: what the checkers need from the history without keeping the records themselves.
import { AUTH_OUTCOMES, type AuthOutcome, type HistoryRecord } from './record.ts';

const CODE = new Map<AuthOutcome, number>(AUTH_OUTCOMES.map((o, i) => [o, i]));

export class OutcomeIndex {
  private readonly codes = new Map<string, number>();

  /** Records (or overwrites) an authorization's outcome: a repeated id keeps its last outcome. */
  set(id: string, outcome: AuthOutcome): void {
    const code = CODE.get(outcome);
    if (code === undefined) throw new Error(`unknown authorization outcome "${String(outcome)}" for ${id}`);
    this.codes.set(id, code);
  }

  /** Takes an authorization record (other kinds and dropped records are ignored). */
  add(record: HistoryRecord): void {
    if (record.kind !== 'authorization' || record.dropped) return;
    const outcome = record.outcome;
    if (outcome === 'ok' || outcome === 'error') return;
    this.set(record.id, outcome);
  }

  get(id: string): AuthOutcome | undefined {
    const code = this.codes.get(id);
    return code === undefined ? undefined : AUTH_OUTCOMES[code];
  }

  has(id: string): boolean {
    return this.codes.has(id);
  }

  /** How many authorizations had this outcome (a scan: not for hot loops). */
  count(outcome: AuthOutcome): number {
    const code = CODE.get(outcome);
    let n = 0;
    for (const c of this.codes.values()) if (c === code) n++;
    return n;
  }

  get size(): number {
    return this.codes.size;
  }

  /** The ids with one outcome, in the order they were first seen. */
  *ids(outcome: AuthOutcome): Generator<string> {
    const code = CODE.get(outcome);
    for (const [id, c] of this.codes) if (c === code) yield id;
  }

  forEach(fn: (id: string, outcome: AuthOutcome) => void): void {
    for (const [id, c] of this.codes) fn(id, AUTH_OUTCOMES[c]);
  }

  static fromRecords(records: Iterable<HistoryRecord>): OutcomeIndex {
    const index = new OutcomeIndex();
    for (const r of records) index.add(r);
    return index;
  }

  static async fromAsyncRecords(records: AsyncIterable<HistoryRecord>): Promise<OutcomeIndex> {
    const index = new OutcomeIndex();
    for await (const r of records) index.add(r);
    return index;
  }
}
