// `baseline` end to end over real processes: every authorization answered by the issuer, every money
// invariant holds, and the run folder has what users and CI read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runShort, runWithIssuerAnswers } from '../support/run.ts';
import type { Summary } from '../../harness/summary/types.ts';

test('baseline passes every invariant and writes summary, history, report and junit', async () => {
  // A machine so busy that the issuer missed its deadline shows stand-in, not the issuer's decisions: run again.
  const result = await runWithIssuerAnswers(3, () => runShort('baseline', { duration: 8, rate: 100 }));
  const s = result.summary;
  const counts = JSON.stringify(s.authorizations);
  for (const inv of s.invariants) assert.ok(inv.ok, `${inv.name}: ${inv.detail}`);
  assert.ok(s.authorizations.total >= 600, `sent ${s.authorizations.total}`);
  assert.equal(s.authorizations.failed + s.authorizations.unknown, 0, counts);
  assert.ok(s.authorizations.declined > 0, `some accounts are too poor: business declines happen: ${counts}`);
  // Every one of those declines is justified by the book (declines-justified), shown by reason; approval rate is theirs.
  assert.equal(s.declines?.false_declines.total, 0);
  assert.ok((s.declines?.by_reason.insufficient_funds ?? 0) >= s.authorizations.declined, JSON.stringify(s.declines));
  assert.equal(s.authorizations.approval_rate, Math.round((s.authorizations.approved / (s.authorizations.approved + s.authorizations.declined)) * 1e6) / 1e6);
  assert.equal(s.authorizations.success_rate, 1);
  assert.ok(s.app.total > 0 && s.app.success_rate === 1);
  for (const file of ['summary.json', 'index.html', 'junit.xml']) assert.ok(existsSync(path.join(result.runDir, file)), file);
  assert.ok(existsSync(path.join(result.runDir, s.files.history)));
  const onDisk = JSON.parse(readFileSync(path.join(result.runDir, 'summary.json'), 'utf8')) as Summary;
  for (const key of ['scenario', 'seed', 'router', 'mode', 'duration_s', 'authorizations', 'latency_ms', 'load', 'phases', 'faults', 'app', 'invariants', 'thresholds', 'passed']) {
    assert.ok(key in onDisk, `summary.json has ${key}`);
  }
  // A run without replacements says so: replaced is [] (what a replaced run says: test/replace/run.test.ts).
  assert.deepEqual(s.replaced, []);
  assert.deepEqual(onDisk.replaced, []);
  // No full card number anywhere in what the run wrote: only tokens and last four digits.
  const history = readFileSync(path.join(result.runDir, s.files.history), 'utf8');
  assert.doesNotMatch(history, /\b\d{13,19}\b/);
});
