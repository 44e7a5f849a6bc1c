// The report and the terminal summary show declines by reason whether or not any is false, and the false
// declines by reason, hop and fault window with the first offenders (escaped, never a card number); the
// approval rate in the outcomes and per phase.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportHtml } from '../../harness/report/report.ts';
import { normalizeSummary } from '../../harness/report/load.ts';
import { printSummary } from '../../harness/cli/print-summary.ts';
import type { DeclineSummary, Summary } from '../../harness/summary/types.ts';
import { monzoSummary } from './fixtures.ts';
import { cardNumbersIn } from './helpers.ts';

const sound: DeclineSummary = {
  total: 412,
  by_reason: { insufficient_funds: 380, card_mismatch: 32 },
  standin_declined: 5,
  false_declines: { total: 0, by_reason: {}, by_hop: {}, by_fault: {}, first: [] },
};

const broken: DeclineSummary = {
  total: 453,
  by_reason: { insufficient_funds: 421, card_mismatch: 32 },
  standin_declined: 0,
  false_declines: {
    total: 41,
    by_reason: { insufficient_funds: 41 },
    by_hop: { 'processor->ledger': 41 },
    by_fault: { '(none)': 30, 'endpoints-null': 11 },
    first: [
      { id: 'auth-<b>1</b>', reason: 'insufficient_funds', account_id: 'acc-000123', amount: 1250, currency: 'GBP', hop: 'processor->ledger', faults: [], lowest_available: 54_000, why: 'available never below 1250 from its send to its answer (lowest 54000)' },
    ],
  },
};

function withDeclines(d: DeclineSummary | undefined): Summary {
  const s = monzoSummary({ router: 'hardened' });
  return {
    ...s,
    phases: s.phases.map((p, i) => ({ ...p, issuer_answers: 1000, approval_rate: i === 1 ? 0.8123 : 0.93 })),
    ...(d ? { declines: d } : {}),
  };
}

describe('report: declines', () => {
  it('shows declines by reason and 0 false declines for a sound run', () => {
    const page = reportHtml(withDeclines(sound));
    assert.ok(page.includes('id="declines"'));
    assert.match(page, /<tr data-key="insufficient_funds"><td><code>insufficient_funds<\/code><\/td><td class="num">380<\/td>/);
    assert.match(page, /data-false-declines="0">0 false declines/);
    assert.match(page, /412 issuer declines and 5 stand-in declines/);
  });

  it('shows the false declines by reason, hop and fault with the first offenders, escaped', () => {
    const page = reportHtml(withDeclines(broken));
    assert.match(page, /data-false-declines="41"><b>41 false declines<\/b>/);
    assert.match(page, /<table class="false-by-hop">[\s\S]*?<code>processor-&gt;ledger<\/code><\/td><td class="num">41<\/td>/);
    assert.match(page, /<table class="false-by-fault">[\s\S]*?<code>endpoints-null<\/code><\/td><td class="num">11<\/td>/);
    assert.ok(page.includes('auth-&lt;b&gt;1&lt;/b&gt;') && !page.includes('auth-<b>1</b>'), 'an id from traffic is escaped');
    assert.match(page, /<td class="num">1,250 GBP<\/td><td class="num">54,000<\/td>/);
    assert.deepEqual(cardNumbersIn(page), []);
  });

  it('an older summary without declines has no declines section; the approval rate shows in outcomes and phases', () => {
    const page = reportHtml(withDeclines(undefined));
    assert.ok(!page.includes('id="declines"'));
    assert.match(page, /<tr data-rate="approval"><td>approval rate<\/td><td class="num">\d+\.\d\d%<\/td>/);
    assert.match(page, /data-approval="0.8123">81\.23%<\/td>/);
  });
});

describe('report: summary.json read back', () => {
  it('keeps the declines and the approval rate; refuses a malformed declines block, naming the field', () => {
    const s = withDeclines(broken);
    const withRate = { ...s, authorizations: { ...s.authorizations, approval_rate: 0.9321 } };
    const back = normalizeSummary(JSON.parse(JSON.stringify(withRate)));
    assert.deepEqual(back.declines, broken);
    assert.equal(back.authorizations.approval_rate, 0.9321);
    assert.throws(
      () => normalizeSummary(JSON.parse(JSON.stringify({ ...s, declines: { total: 3 } }))),
      /summary\.json: declines\.by_reason: must be an object/,
    );
  });
});

describe('terminal summary: declines and approval rate', () => {
  const printed = (s: Summary): string[] => {
    const lines: string[] = [];
    printSummary(s, (l) => lines.push(l));
    return lines;
  };

  it('prints declines by reason even when none is false', () => {
    const lines = printed(withDeclines(sound));
    assert.ok(lines.includes('declines 412: insufficient_funds 380, card_mismatch 32; stand-in declines 5; false declines 0'), lines.join('\n'));
    assert.ok(lines.some((l) => /approval rate \d+\.\d\d%/.test(l)));
    assert.ok(lines.some((l) => /during \d+\.\d\d% \(approval 81\.23%\)/.test(l)), lines.join('\n'));
  });

  it('prints the false declines by reason, hop and fault, and the first offenders', () => {
    const lines = printed(withDeclines(broken));
    assert.ok(lines.includes('  FALSE DECLINES 41: by reason insufficient_funds 41; by hop processor->ledger 41; by fault (none) 30, endpoints-null 11'), lines.join('\n'));
    assert.ok(lines.includes('    auth-<b>1</b> insufficient_funds acc-000123 1250 GBP, lowest available 54000: available never below 1250 from its send to its answer (lowest 54000)'));
  });
});
