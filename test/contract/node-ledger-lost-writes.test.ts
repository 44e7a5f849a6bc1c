// The node:http ledger replica's lose-writes defect (test/fixtures/node-ledger: every 200th hold answered held
// and never written) fails `faultline contract ledger --command …` in its read-back, with the hold, its release
// and the authorization read shown — whatever --cases: the read-back sends at least 200 holds per replica
// (test/contract/read-back.test.ts shows the same against a store of ours at the default --cases 100).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failureBlock, nodeLedgerContract } from './support.ts';

describe('faultline contract on the node:http ledger replica that loses writes', () => {
  it('lose-writes fails the read-back: the hold answered held, its release and the authorization read shown', async () => {
    const r = await nodeLedgerContract('lose-writes', '1');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /FAIL {2}(health|accounts|routes|bad-input|idempotency|rules|admin)/, 'every answer looks right');
    const block = failureBlock(r.stdout, 'FAIL  read-back  a burst of holds, each released');
    assert.match(block, /lost write: the hold of \d for ct1-\w+-rb-auth\d+ on acc-\d{6} was answered held, but its release finds nothing_to_reverse/);
    assert.match(block, /before it:\n {4}POST \/v1\/holds .*→ 200 .*"result":"held".*\n {4}POST \/v1\/releases .*→ 200 .*"result":"nothing_to_reverse"/);
    assert.match(block, /request {3}GET \/v1\/authorizations\/ct1-\w+-rb-auth\d+\n {2}response {2}200 .*\n.*"holds":0,.*"held":false/);
    assert.match(r.stdout, /^FAIL {2}read-back {2}every write is in the journal, once\n {2}lost write: POST \/v1\/holds request_id ct1-\w+-rb-hold\d+ was answered/m);
  });
});
