// Text from a scenario (its description, fault and threshold names) inside generated comments and
// Markdown: one line each, wrapped, and nothing that could end the comment it sits in.

/** Line terminators (JavaScript's and Unicode's) become spaces: text cannot leave a `//` comment. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
}

/** Greedy word wrap to `width` columns, each line prefixed (the prefix counts toward the width). */
export function wrap(text: string, width: number, prefix = ''): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const word of oneLine(text).split(/\s+/).filter(Boolean)) {
    if (line.length > prefix.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = prefix;
    }
    line += line.length > prefix.length ? ` ${word}` : word;
  }
  if (line.length > prefix.length) lines.push(line);
  return lines;
}
