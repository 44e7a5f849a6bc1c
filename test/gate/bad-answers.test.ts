// Verdict lines for an issuer side that broke rather than declined: authorizations that failed on answers
// outside a contract (bad_answer) fail the run whatever the machine did, and an issuer that answered none of
// the run's authorizations is said in plain words (stand-in keeps the success rate up without it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../harness/gate/verdict.ts';
import { badAnswerLines, issuerSilentLine } from '../../harness/gate/bad-answers.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { MONZO_THRESHOLDS, monzoSummary } from '../report/fixtures.ts';

const hardened = monzoSummary({ router: 'hardened', seed: 1 });

/** Every authorization answered by stand-in after the ledger answered `200 {}`. */
function emptyLedger(busy: boolean): Summary {
  const total = hardened.authorizations.total;
  return {
    ...hardened,
    authorizations: { ...hardened.authorizations, approved: 0, declined: 0, standin_approved: total - 10, standin_declined: 10, failed: 0, unknown: 0, issuer_success_rate: 0 },
    causes: { 'processor->ledger': { bad_answer: total - 3 }, 'network->processor': { timeout: 3 } },
    validity: busy ? { ...hardened.validity, ok: false, reasons: ['driver event-loop delay p99 400 ms > 50 ms'], advice: [] } : hardened.validity,
  };
}

describe('verdict: bad answers and an issuer that answered nothing', () => {
  it('the run passes without them (the lines have no false alarm on a sound run)', () => {
    assert.deepEqual(badAnswerLines(hardened), []);
    assert.equal(issuerSilentLine(hardened), null);
    assert.equal(decide(hardened, MONZO_THRESHOLDS).verdict, 'passed');
  });

  it('bad answers fail the run, naming the hop and the cause, and the silent issuer is said plainly', () => {
    const s = emptyLedger(false);
    const d = decide(s, MONZO_THRESHOLDS);
    assert.equal(d.verdict, 'failed');
    const total = s.authorizations.total;
    assert.ok(
      d.reasons.includes(`bad answers: ${total - 3} authorizations failed at processor->ledger on answers outside its contract (bad_answer): a technical failure, never a decline`),
      d.reasons.join('\n'),
    );
    const silent = d.reasons.find((l) => l.startsWith('the issuer answered none'));
    assert.equal(silent, `the issuer answered none of the ${total} authorizations: ${total} answered by stand-in, 0 failed, 0 unknown (processor->ledger bad_answer ×${total - 3}, network->processor timeout ×3)`);
  });

  it('bad answers fail the run even on a busy machine (no load makes a service answer outside its contract)', () => {
    const d = decide(emptyLedger(true), MONZO_THRESHOLDS);
    assert.equal(d.verdict, 'failed');
    assert.match(d.reasons[0] as string, /^bad answers: \d+ authorizations failed at processor->ledger/);
    assert.ok(d.reasons.some((l) => l.startsWith('run inconclusive: driver event-loop delay')));
  });

  it('an issuer that answered nothing, without bad answers, on a busy machine is inconclusive, and says why', () => {
    const s = emptyLedger(true);
    const d = decide({ ...s, causes: { 'network->processor': { timeout: s.authorizations.total } } }, MONZO_THRESHOLDS);
    assert.equal(d.verdict, 'inconclusive');
    assert.ok(d.reasons.some((l) => l.startsWith('the issuer answered none')), d.reasons.join('\n'));
  });
});
