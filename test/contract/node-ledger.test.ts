// The independent ledger replica (test/fixtures/node-ledger: node:http, no faultline code) passes
// `faultline contract ledger --command …`; each of its deliberate defects fails the check it breaks, and
// the output shows the offending request and response (lose-writes: node-ledger-lost-writes.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failureBlock, nodeLedgerContract } from './support.ts';

// The defects need few generated requests to show: --cases 5 keeps each run short.
const run = (defect: string): ReturnType<typeof nodeLedgerContract> => nodeLedgerContract(defect, defect === 'none' ? '20' : '5');

describe('faultline contract on the node:http ledger replica', () => {
  it('passes as it is', async () => {
    const r = await run('none');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ledger speaks its contract: \d+ checks passed, 0 failed \(/m);
    assert.match(r.stdout, /^ {2}admin +\/__admin\/http-faults +pass .*present: http\.abort, http\.delay, http\.fail_after_commit can act on it/m);
    assert.match(r.stdout, /^ {2}read-back +every write is in the journal, once +pass +\d+ +\d+ writes each have their one entry/m);
  });

  it('reuse-first-answer fails idempotency: a reused request_id answered with the first answer, shown', async () => {
    const r = await run('reuse-first-answer');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^ledger does NOT speak its contract: \d+ checks passed, [1-9]\d* failed/m);
    const block = failureBlock(r.stdout, 'FAIL  idempotency  POST /v1/holds request_id: other amount.value');
    assert.match(block, /key ct1-\w+-idem\d+ reused with another amount\.value was answered with the first answer, expected 409 idempotency_conflict/);
    assert.match(block, /before it:\n {4}POST \/v1\/holds \{.*"value":1000.*→ 200 /);
    assert.match(block, /request {3}POST \/v1\/holds\n.*\n.*"amount":\{"value":1100,"currency":"GBP"\}/);
    assert.match(block, /response {2}200 application\/json.*\n.*"result":"held"/);
    assert.match(r.stdout, /FAIL {2}idempotency {2}POST \/v1\/holds request_id: repeated\n {2}the same request again answered with replayed: false, expected true/);
    assert.doesNotMatch(r.stdout, /FAIL {2}(bad-input|rules|routes)/, 'only idempotency breaks');
    assert.match(r.stdout, /^replay: faultline contract ledger --command '.*replica\.mjs.*' --seed 1 --cases 5$/m);
  });

  it('500-on-malformed fails bad input: a malformed body answered 500, shown', async () => {
    const r = await run('500-on-malformed');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const block = failureBlock(r.stdout, 'FAIL  bad-input  POST /v1/holds');
    assert.match(block, /malformed JSON \(cut off half-way\): answered 500, expected 4xx: bad input must never fail the service/);
    assert.match(block, /request {3}POST \/v1\/holds\n {12}content-type: application\/json, \d+ bytes\n {12}\{"request_id":"ct1-/);
    assert.match(block, /response {2}500 application\/json.*\n {12}\{"error":".*","code":"INTERNAL_SERVER_ERROR","status":500\}/);
    assert.doesNotMatch(r.stdout, /FAIL {2}(idempotency|rules|routes)/, 'only bad input breaks');
  });
});
