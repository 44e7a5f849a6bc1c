// A tiny HTML template tag that escapes every interpolated value unless it is already SafeHtml,
// so a section cannot forget to escape a merchant name.
import { escapeHtml } from './escape.ts';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/** `html\`<td>${merchant}</td>\`` escapes `merchant`; nested `html` results are kept as they are. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Trusted markup produced by this module's own code (never from traffic or scenarios). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
