// Request ids for one check run: `ct<seed>-<tag>-<kind><n>`. The tag is new for every run, so checking a
// long-running service again never reuses an id an earlier check used (which would be a reused key); every
// other part of a generated request is the same for the same seed. Ids fit every id pattern of the
// contracts (`^[A-Za-z0-9_.:-]+$`) and their shortest limit (64 characters).
export const MAX_ID_LENGTH = 64;

export class IdFactory {
  private n = 0;
  readonly prefix: string;

  constructor(seed: number, tag: string = newTag()) {
    this.prefix = `ct${seed}-${tag}-`;
  }

  /** A new id; `kind` says what it is for (`rule`, `idem`, `ex`), `suffix` adds generated characters. */
  next(kind: string, suffix = ''): string {
    this.n++;
    const id = `${this.prefix}${kind}${this.n}${suffix ? `-${suffix}` : ''}`;
    return id.slice(0, MAX_ID_LENGTH);
  }
}

/** Five base-36 characters from the clock and chance. */
export function newTag(): string {
  const mixed = (Date.now() * 1000 + Math.floor(Math.random() * 1000)) % 36 ** 5;
  return mixed.toString(36).padStart(5, '0');
}
