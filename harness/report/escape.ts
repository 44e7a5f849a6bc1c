// Escaping for everything the report writes: HTML text and attributes, XML, and JSON inside a
// <script type="application/json"> block. Every string from traffic or scenarios passes through here.
// Card numbers: any Luhn-valid run of 13–19 digits (optionally grouped by spaces or dashes) is masked to
// its last four digits before it is written, so a merchant name or detail that carries a PAN cannot leak it.

import { luhnValid, redactCardNumbers } from '../../services/common/pan.ts';

export { luhnValid, redactCardNumbers };

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes for HTML text and quoted attribute values (and masks card numbers). */
export function escapeHtml(value: unknown): string {
  return redactCardNumbers(String(value ?? '')).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

// XML 1.0 forbids most control characters even as references: drop them.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes for XML text and attribute values (newlines kept as references so attributes survive). */
export function escapeXml(value: unknown): string {
  return redactCardNumbers(String(value ?? ''))
    .replace(XML_INVALID, '')
    .replace(/[&<>"'\n\r\t]/g, (c) => {
      switch (c) {
        case '&':
          return '&amp;';
        case '<':
          return '&lt;';
        case '>':
          return '&gt;';
        case '"':
          return '&quot;';
        case "'":
          return '&apos;';
        case '\n':
          return '&#10;';
        case '\r':
          return '&#13;';
        default:
          return '&#9;';
      }
    });
}

/**
 * JSON safe to place inside <script type="application/json">: `<`, `>`, `&`, U+2028 and U+2029 are
 * written as \u escapes (so `</script>` or `<!--` can never end the block), card numbers masked in strings.
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? redactCardNumbers(v) : v));
  return (json ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Inline JavaScript or CSS from a file: make sure nothing in it can close the surrounding element. */
export function inlineSafe(source: string, tag: 'script' | 'style'): string {
  return source.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}
