import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, escapeXml, jsonForScript, luhnValid, redactCardNumbers } from '../../harness/report/escape.ts';
import { html, trusted } from '../../harness/report/html.ts';

describe('escaping', () => {
  it('escapeHtml escapes markup and quotes', () => {
    assert.equal(escapeHtml('<script>alert(1)</script>'), '&lt;script&gt;alert(1)&lt;/script&gt;');
    assert.equal(escapeHtml(`"a" & 'b'`), '&quot;a&quot; &amp; &#39;b&#39;');
    assert.equal(escapeHtml(null), '');
  });

  it('the html tag escapes interpolations unless trusted', () => {
    const merchant = '<img src=x onerror=alert(1)>';
    assert.equal(html`<td>${merchant}</td>`.value, '<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    assert.equal(html`<td>${[merchant, html`<b>${'&'}</b>`]}</td>`.value, '<td>&lt;img src=x onerror=alert(1)&gt;<b>&amp;</b></td>');
    assert.equal(html`${trusted('<br>')}`.value, '<br>');
  });

  it('jsonForScript cannot close its script block and round-trips', () => {
    const value = { m: '</script><script>alert(1)</script>', c: '<!-- & -->', s: 'a\u2028b\u2029c' };
    const json = jsonForScript(value);
    assert.ok(!/[<>&\u2028\u2029]/.test(json), json);
    assert.deepEqual(JSON.parse(json), value);
  });

  it('escapeXml escapes markup, keeps newlines as references and drops invalid characters', () => {
    assert.equal(escapeXml(`<a b="c">'&'\n\u0001`), '&lt;a b=&quot;c&quot;&gt;&apos;&amp;&apos;&#10;');
  });

  it('masks Luhn-valid card numbers to their last four, leaves other numbers alone', () => {
    assert.ok(luhnValid('4111111111111111'));
    assert.ok(!luhnValid('4111111111111112'));
    assert.equal(redactCardNumbers('Card 4111111111111111 Shop'), 'Card •••• 1111 Shop');
    assert.equal(redactCardNumbers('pan 4111 1111 1111 1111.'), 'pan •••• 1111.');
    assert.equal(redactCardNumbers('pan 5500-0000-0000-0004'), 'pan •••• 0004');
    assert.equal(redactCardNumbers('order 4111111111111112'), 'order 4111111111111112');
    assert.equal(redactCardNumbers('15478 authorizations in 90 s'), '15478 authorizations in 90 s');
    assert.equal(escapeHtml('x 4111111111111111'), 'x •••• 1111');
    assert.equal(JSON.parse(jsonForScript({ m: '4111111111111111' })).m, '•••• 1111');
  });
});
