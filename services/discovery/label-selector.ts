// Kubernetes label selectors (`labelSelector=` on a list or watch), the grammar the API server takes:
// requirements joined by commas, each `key`, `!key`, `key=value`, `key==value`, `key!=value`,
// `key in (a,b)` or `key notin (a,b)`. A selector the stub cannot read is refused with a message that
// says where, never silently ignored (a client would take "everything" for "what I asked for").
export type Requirement =
  | { key: string; op: 'exists' | 'not_exists' }
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: ReadonlySet<string> };

export type LabelSelector = readonly Requirement[];

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const KEY_CHARS = /[A-Za-z0-9._/-]/;
const VALUE_CHARS = /[A-Za-z0-9._-]/;

function checkKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !PREFIX.test(prefix))) return `label key "${key}": the prefix must be a DNS subdomain`;
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) return `label key "${key}": the name must be 1-63 letters, digits, "-", "_" or ".", starting and ending alphanumeric`;
  return undefined;
}

function checkValue(value: string, key: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > 63 || !NAME.test(value)) return `label value "${value}" for "${key}": at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric`;
  return undefined;
}

/** Parses a selector; a string is the error, naming the offending part. Empty selects everything. */
export function parseLabelSelector(text: string | undefined): LabelSelector | string {
  if (!text) return [];
  const out: Requirement[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (text[i] === ' ') i++;
  };
  const read = (chars: RegExp): string => {
    const start = i;
    while (i < text.length && chars.test(text[i] as string)) i++;
    return text.slice(start, i);
  };
  for (;;) {
    skipSpace();
    const negated = text[i] === '!';
    if (negated) i++;
    skipSpace();
    const key = read(KEY_CHARS);
    if (!key) return `labelSelector "${text}": a label key is expected at character ${i + 1}`;
    const badKey = checkKey(key);
    if (badKey) return badKey;
    skipSpace();
    if (negated) {
      out.push({ key, op: 'not_exists' });
    } else if (i >= text.length || text[i] === ',') {
      out.push({ key, op: 'exists' });
    } else if (text.startsWith('!=', i) || text.startsWith('==', i) || text[i] === '=') {
      const op = text.startsWith('!=', i) ? 'neq' : 'eq';
      i += text.startsWith('=', i) && !text.startsWith('==', i) ? 1 : 2;
      skipSpace();
      const value = read(VALUE_CHARS);
      const badValue = checkValue(value, key);
      if (badValue) return badValue;
      out.push({ key, op, value });
    } else {
      const word = read(/[a-z]/);
      if (word !== 'in' && word !== 'notin') {
        return `labelSelector "${text}": after "${key}" expected =, ==, !=, in or notin at character ${i + 1 - word.length}`;
      }
      skipSpace();
      if (text[i] !== '(') return `labelSelector "${text}": "${word}" needs a value set in parentheses`;
      i++;
      const values = new Set<string>();
      for (;;) {
        skipSpace();
        const value = read(VALUE_CHARS);
        const badValue = checkValue(value, key);
        if (badValue) return badValue;
        values.add(value);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ')') {
          i++;
          break;
        }
        return `labelSelector "${text}": the value set of "${key}" is not closed`;
      }
      out.push({ key, op: word, values });
    }
    skipSpace();
    if (i >= text.length) return out;
    if (text[i] !== ',') return `labelSelector "${text}": unexpected "${text[i]}" at character ${i + 1}`;
    i++;
  }
}

/** Whether an object's labels satisfy every requirement (`!=` and `notin` match an object without the label, as in Kubernetes). */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const r of selector) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'not_exists':
        if (has) return false;
        break;
      case 'eq':
        if (!has || value !== r.value) return false;
        break;
      case 'neq':
        if (has && value === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.has(value as string)) return false;
        break;
      case 'notin':
        if (has && r.values.has(value as string)) return false;
        break;
    }
  }
  return true;
}
