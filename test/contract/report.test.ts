// What `faultline contract` prints for a failure: card numbers masked wherever they appear, long strings in
// JSON shortened, whole bodies cut to a screenful, malformed bodies shown as sent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailures, formatTable, shownBody } from '../../harness/contract/checks/report.ts';
import type { CheckResult, Exchange } from '../../harness/contract/checks/types.ts';

const PAN = '4111111111111111';

function failure(request: string, response: string, status = 500): CheckResult {
  const exchange: Exchange = {
    request: { method: 'POST', path: '/v1/authorizations', contentType: 'application/json', body: request, replica: 1 },
    response: { status, contentType: 'application/json', body: response, json: JSON.parse(response) as never },
  };
  return { family: 'bad-input', subject: 'POST /v1/authorizations', verdict: 'fail', requests: 3, detail: `a card number ${PAN} in the detail`, failure: { reason: `the reason names ${PAN}`, exchange, context: [exchange] } };
}

describe('the failure report', () => {
  it('masks card numbers in the table, the reason, the bodies and the lines before it', () => {
    const row = failure(JSON.stringify({ card: { number: PAN }, note: `pan ${PAN.replace(/(\d{4})/g, '$1 ').trim()}` }), JSON.stringify({ error: `bad card ${PAN}` }));
    const text = [...formatTable([row]), ...formatFailures([row])].join('\n');
    assert.equal(text.includes(PAN), false, text);
    assert.equal(text.includes('4111 1111 1111 1111'), false, text);
    assert.ok(text.includes('1111'), 'the last four stay');
    assert.match(text, /request {3}POST \/v1\/authorizations {3}\(replica 2\)/);
    assert.match(text, /response {2}500 application\/json/);
    assert.match(text, /before it:\n {4}POST \/v1\/authorizations .* → 500 /);
  });

  it('shortens long strings inside JSON and cuts a long body, saying how long it was', () => {
    const padded = JSON.stringify({ request_id: 'r1', padding: 'x'.repeat(70_000) });
    const [shown] = shownBody(padded);
    assert.match(shown ?? '', /^\{"request_id":"r1","padding":"x{24}…\(70000 chars\)"\}$/);
    const many = JSON.stringify({ entries: Array.from({ length: 200 }, (_, i) => ({ seq: i, kind: 'hold' })) });
    const [cut] = shownBody(many);
    assert.ok((cut ?? '').length < 700);
    assert.match(cut ?? '', /… \(cut: \d+ bytes in all\)$/);
  });

  it('shows a malformed body as sent, control characters escaped', () => {
    assert.deepEqual(shownBody('{"request_id":"ct1'), ['{"request_id":"ct1']);
    assert.deepEqual(shownBody('a\nb'), ['a\\nb']);
    assert.deepEqual(shownBody(''), ['(empty)']);
  });
});
