// The callers' idempotency keys, judged by content, in the one shared state (the ledger store), so every
// processor replica answers a reused key alike.
//
// What we follow: Stripe's idempotent requests (https://docs.stripe.com/api/idempotent_requests): "the
// idempotency layer compares incoming parameters to those of the original request and errors if they're not
// the same", and a result is saved only once the endpoint's work begins: a request that fails validation
// (here: any request the book refuses whole) saves nothing, so its key stays free. Stripe answers such a
// reuse with an `idempotency_error` (HTTP 409); so do we, naming the key and the fields that differ.
//
// Memory: a record is the key's field names (one shared array per distinct name list) and its values
// joined into one string; a reuse with the same content compares one string.
import type { FingerprintValue, IdempotencyClaim, IdempotencyScope } from './contract.ts';

/** Joins a record's values; it is escaped inside string values (merchant names are free text), so splitting on it is safe. */
const SEP = '\u001f';

interface KeyRecord {
  names: readonly string[];
  values: string;
  outcome: string | undefined;
}

/** A reused key whose fields differ from its first use. */
export class KeyConflict extends Error {
  constructor(
    readonly scope: IdempotencyScope,
    readonly key: string,
    readonly fields: string[],
  ) {
    super(`idempotency key ${key} was first used with different ${fields.join(', ')}`);
    this.name = 'KeyConflict';
  }
}

export class IdempotencyKeys {
  private readonly records = new Map<string, KeyRecord>();
  private readonly nameLists = new Map<string, readonly string[]>();

  get size(): number {
    return this.records.size;
  }

  /** Throws KeyConflict when the key was used before with other fields; returns the first use, or null. */
  check(claim: IdempotencyClaim): { outcome: string | undefined } | null {
    const record = this.records.get(storeKey(claim));
    if (!record) return null;
    const names = Object.keys(claim.fields).sort();
    const values = joinValues(claim.fields, names);
    if (values === record.values && sameNames(names, record.names)) return { outcome: record.outcome };
    throw new KeyConflict(claim.scope, claim.key, differences(record, claim.fields, names));
  }

  /** Records the key's first use (a no-op when already recorded). Call only once the operation is answered. */
  remember(claim: IdempotencyClaim, outcome?: string): void {
    const id = storeKey(claim);
    if (this.records.has(id)) return;
    const names = Object.keys(claim.fields).sort();
    this.records.set(id, { names: this.intern(names), values: joinValues(claim.fields, names), outcome });
  }

  private intern(names: string[]): readonly string[] {
    const signature = names.join(',');
    let shared = this.nameLists.get(signature);
    if (!shared) {
      shared = Object.freeze(names);
      this.nameLists.set(signature, shared);
    }
    return shared;
  }
}

function storeKey(claim: IdempotencyClaim): string {
  return `${claim.scope}:${claim.key}`;
}

/** Type-tagged, so the string "100" and the integer 100 differ. */
function encode(value: FingerprintValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'number' ? `n${value}` : `s${value.replaceAll('\\', '\\\\').replaceAll(SEP, '\\u')}`;
}

function joinValues(fields: Record<string, FingerprintValue>, names: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) out += (i === 0 ? '' : SEP) + encode(fields[names[i] as string]);
  return out;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The field names whose values differ (a field present on one side only differs), sorted. */
function differences(record: KeyRecord, fields: Record<string, FingerprintValue>, names: readonly string[]): string[] {
  const first = new Map<string, string>();
  const parts = record.values.split(SEP);
  record.names.forEach((name, i) => first.set(name, parts[i] ?? ''));
  const differing = new Set<string>();
  for (const name of names) if (first.get(name) !== encode(fields[name])) differing.add(name);
  for (const name of record.names) if (!Object.prototype.hasOwnProperty.call(fields, name)) differing.add(name);
  return [...differing].sort();
}
