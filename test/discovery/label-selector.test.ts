// Kubernetes label selectors: the grammar the API server takes, and its matching rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesLabels, parseLabelSelector, type LabelSelector } from '../../services/discovery/label-selector.ts';

const parse = (text: string): LabelSelector => {
  const out = parseLabelSelector(text);
  if (typeof out === 'string') throw new Error(out);
  return out;
};

describe('label selectors', () => {
  const slice = { 'kubernetes.io/service-name': 'ledger', tier: 'core' };

  it('reads every requirement form, with spaces where Kubernetes allows them', () => {
    assert.deepEqual(parse(''), []);
    assert.deepEqual(parse('kubernetes.io/service-name=ledger'), [{ key: 'kubernetes.io/service-name', op: 'eq', value: 'ledger' }]);
    assert.deepEqual(parse('a==b, c != d'), [
      { key: 'a', op: 'eq', value: 'b' },
      { key: 'c', op: 'neq', value: 'd' },
    ]);
    assert.deepEqual(parse('a,!b'), [
      { key: 'a', op: 'exists' },
      { key: 'b', op: 'not_exists' },
    ]);
    const [set] = parse('env in (prod, staging),x');
    assert.equal(set?.op, 'in');
    assert.deepEqual([...(set as { values: ReadonlySet<string> }).values], ['prod', 'staging']);
    assert.equal(parse('env notin (a)')[0]?.op, 'notin');
    assert.deepEqual(parse('a='), [{ key: 'a', op: 'eq', value: '' }]);
  });

  it('matches as the API server does: != and notin match an object without the label', () => {
    const yes = ['kubernetes.io/service-name=ledger', 'tier', 'tier,kubernetes.io/service-name in (ledger,feed)', 'missing!=x', 'missing notin (x)', '!missing', 'tier!=edge'];
    const no = ['kubernetes.io/service-name=feed', 'missing', '!tier', 'tier in (edge)', 'tier notin (core)', 'tier!=core', 'tier=core,missing'];
    for (const s of yes) assert.equal(matchesLabels(parse(s), slice), true, s);
    for (const s of no) assert.equal(matchesLabels(parse(s), slice), false, s);
  });

  it('refuses what it cannot read, saying where', () => {
    for (const [text, message] of [
      ['a in b', /parentheses/],
      ['a in (b', /not closed/],
      ['a=b=c', /unexpected "="/],
      ['=b', /label key is expected at character 1/],
      ['a>1', /expected =, ==, !=, in or notin/],
      ['-a=b', /label key "-a"/],
      ['a=-b', /label value "-b"/],
      [`a=${'v'.repeat(64)}`, /at most 63/],
      ['bad_prefix!/a=b', /unexpected|expected/],
      ['Upper.Case/a=b', /prefix must be a DNS subdomain/],
      ['a,', /label key is expected/],
    ] as const) {
      const out = parseLabelSelector(text);
      assert.equal(typeof out, 'string', text);
      assert.match(out as string, message, text);
    }
  });
});
