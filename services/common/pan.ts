// Card numbers (PANs) never leave faultline in full: any Luhn-valid run of 13–19 digits (optionally
// grouped by spaces or dashes) is masked to its last four digits — in every file a run writes and every
// line faultline prints. Only string values are masked in JSON (a number field such as a seed stays a
// number), and a line with no 13-digit run is passed through untouched (the fast path).

/** A run of digits, single spaces or dashes allowed between them (grouped card numbers: `6011 1111 1111 1117`). */
const DIGIT_RUN = /(?<![0-9])[0-9](?:[ -]?[0-9])*(?![0-9])/g;
const MAYBE_CARD = /[0-9](?:[ -]?[0-9]){12}/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Masks card numbers to `•••• 1111` (their last four). A card number is a run of 13–19 digits that passes
 * Luhn, written plain or in groups split by single spaces or dashes (`6011 1111 1111 1117`). Inside a run
 * of groups every span of whole groups is tried (longest first), so one number next to another
 * (`4111111111111111 5500005555555559`) or next to other digits is still found; a plain run of digits is
 * never split (a 16-digit number that fails Luhn is not a card number).
 */
export function redactCardNumbers(text: string): string {
  if (!MAYBE_CARD.test(text)) return text;
  return text.replace(DIGIT_RUN, (run) => (run.length < 13 ? run : maskRun(run)));
}

/** Masks the card numbers among one run's groups, leftmost-longest first. */
function maskRun(run: string): string {
  const groups: Array<{ from: number; to: number; digits: string }> = [];
  for (const m of run.matchAll(/[0-9]+/g)) groups.push({ from: m.index ?? 0, to: (m.index ?? 0) + m[0].length, digits: m[0] });
  let out = '';
  let copiedTo = 0;
  let g = 0;
  while (g < groups.length) {
    let digits = '';
    let best = -1;
    for (let h = g; h < groups.length; h++) {
      digits += (groups[h] as { digits: string }).digits;
      if (digits.length > 19) break;
      if (digits.length >= 13 && luhnValid(digits)) best = h;
    }
    if (best < 0) {
      g++;
      continue;
    }
    const spanDigits = groups.slice(g, best + 1).map((x) => x.digits).join('');
    out += run.slice(copiedTo, (groups[g] as { from: number }).from) + `•••• ${spanDigits.slice(-4)}`;
    copiedTo = (groups[best] as { to: number }).to;
    g = best + 1;
  }
  return out + run.slice(copiedTo);
}

const maskStrings = (_key: string, value: unknown): unknown => (typeof value === 'string' ? redactCardNumbers(value) : value);

/** JSON.stringify with every string value masked (numbers, keys' structure and order untouched). */
export function stringifyMasked(value: unknown, space?: number): string {
  const plain = JSON.stringify(value, null, space);
  if (!MAYBE_CARD.test(plain)) return plain;
  return JSON.stringify(value, maskStrings, space);
}

/** Masks what a stream is given before it is written: for process.stdout and process.stderr. */
export function maskStream(stream: NodeJS.WritableStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  (stream as { write: (chunk: unknown, ...rest: unknown[]) => boolean }).write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk === 'string') return write(redactCardNumbers(chunk), ...rest);
    if (chunk instanceof Uint8Array) {
      const text = Buffer.from(chunk).toString('utf8');
      if (MAYBE_CARD.test(text)) return write(redactCardNumbers(text), ...rest);
    }
    return write(chunk, ...rest);
  };
}
