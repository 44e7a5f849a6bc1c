// A minimal XML reader for the JUnit tests: elements, double- or single-quoted attributes, text and the five
// predefined entities plus character references. It throws on anything not well-formed (an unclosed or
// mismatched tag, a stray `<` or `&`), so a test that parses a report's junit.xml also checks that it is XML.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

function decode(text: string, at: number): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&|</g, (m, ref: string | undefined) => {
    if (m === '&' || m === '<') throw new Error(`not well-formed: bare ${m} near offset ${at}`);
    if (ref === 'lt') return '<';
    if (ref === 'gt') return '>';
    if (ref === 'amp') return '&';
    if (ref === 'quot') return '"';
    if (ref === 'apos') return "'";
    if (ref?.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref?.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    throw new Error(`not well-formed: unknown entity ${m} near offset ${at}`);
  });
}

export function parseXml(source: string): XmlElement {
  let i = 0;
  const src = source.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const top = stack[stack.length - 1] as XmlElement;
    if (lt < 0 || lt > i) {
      const end = lt < 0 ? src.length : lt;
      top.text += decode(src.slice(i, end), i);
      i = end;
      continue;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(src);
    if (!m) throw new Error(`not well-formed: bad tag at offset ${i}: ${src.slice(i, i + 60)}`);
    const [whole, closing, name, attrText, selfClosing] = m as unknown as [string, string, string, string, string];
    i += whole.length;
    if (closing) {
      if (top.name !== name) throw new Error(`not well-formed: </${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const key = a[1] as string;
      if (key in attrs) throw new Error(`not well-formed: attribute ${key} twice on <${name}>`);
      attrs[key] = decode(a[2] ?? a[3] ?? '', i);
    }
    const el: XmlElement = { name, attrs, children: [], text: '' };
    top.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`not well-formed: <${stack[stack.length - 1]?.name}> is never closed`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('not well-formed: expected one root element');
  return root.children[0] as XmlElement;
}

/** Every descendant element named `name`, depth first. */
export function all(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    out.push(...all(c, name));
  }
  return out;
}
