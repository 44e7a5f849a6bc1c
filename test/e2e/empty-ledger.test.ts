// Issue 19, from outside: a ledger replica replacement that answers `200 {}` to every call
// (test/fixtures/empty-ledger/), run with `faultline run … --replace 'ledger=node …'`. Before, every hold
// became a business decline and the run PASSED. Now every hold is a technical failure of the ledger hop
// (processor->ledger, bad_answer), customers get stand-in answers, the advices cannot post, the issuer
// answered nothing: FAILED, exit 1, 0 declines, and the reasons say all of it.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../support/cli.ts';
import { RELAXED_VALIDITY_YAML } from '../support/validity.ts';
import { tempDir, tempFile } from '../replace/support.ts';
import type { Summary } from '../../harness/summary/types.ts';

// The baseline's thresholds, a short run, a short drain (nothing will ever be delivered), relaxed run health.
const scenario = `name: empty-ledger
description: the baseline with a ledger that answers 200 {} to everything
warmup_s: 1
drain_s: 2
traffic: { rate: 40, duration_s: 3 }
thresholds:
  authorization_success_rate: ['rate>0.999']
${RELAXED_VALIDITY_YAML}`;

it('a ledger answering 200 {} to everything: FAILED, exit 1, 0 declines, reasons naming processor->ledger bad_answer', async () => {
  const out = await tempDir();
  const file = await tempFile('empty-ledger.yaml', scenario);
  const r = await cli(['run', file, '--out', out, '--replace', 'ledger=node test/fixtures/empty-ledger/replica.mjs'], 150_000);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  assert.equal(s.verdict, 'failed');
  assert.equal(s.authorizations.declined, 0, 'a technical failure is never a decline');
  assert.equal(s.authorizations.approved, 0);
  assert.ok(s.authorizations.total > 50, `sent ${s.authorizations.total}`);
  assert.ok((s.causes['processor->ledger']?.bad_answer ?? 0) > 0, JSON.stringify(s.causes));
  const reasons = s.reasons.join('\n');
  assert.match(reasons, /^bad answers: \d+ authorizations? failed at processor->ledger on answers outside its contract \(bad_answer\)/m);
  assert.match(reasons, /^invariant advices-posted failed \(invalid\): \d+ stand-in approvals: \d+ advices still pending .* — last delivery failed at processor->ledger bad_answer ×\d+/m);
  assert.match(reasons, /^the issuer answered none of the \d+ authorizations: \d+ answered by stand-in/m);
  assert.match(r.stdout, /^FAILED: .*bad answers: /m);
});
