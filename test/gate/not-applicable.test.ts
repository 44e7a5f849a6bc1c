// Item 8 of issue 21: a threshold on a metric the run cannot produce is "n/a" with the reason, in the
// terminal, the report and JUnit: neither failed nor silently passed. One the run should have produced
// but did not (no authorizations at all) still fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateThresholds } from '../../harness/gate/thresholds.ts';
import { applyDecision, decide } from '../../harness/gate/verdict.ts';
import { buildJunit } from '../../harness/report/junit.ts';
import { thresholdsTable } from '../../harness/report/sections/checks.ts';
import { printSummary } from '../../harness/cli/print-summary.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { monzoSummary, wholeRunFaultSummary } from '../report/fixtures.ts';

const APP = { app_success_rate: ['rate>0.999'] };

function closedRun(): Summary {
  const s = monzoSummary({ router: 'hardened' });
  return { ...s, load: { ...s.load, model: 'closed', target_rate: 0, request_kinds: ['authorization'] }, app: { total: 0, success_rate: 0, balance: { total: 0, ok: 0 }, feed: { total: 0, ok: 0 } } };
}

test('app_success_rate in a closed-model run is n/a with the reason; in an open run with no app reads it fails', () => {
  const [na] = evaluateThresholds(APP, closedRun());
  assert.equal(na?.ok, true);
  assert.equal(na?.actual, null);
  assert.match(na?.not_applicable ?? '', /the closed model sends authorizations only: this run makes no app reads/);
  // The same numbers from an open run that should have made app reads but made none: fails, no data.
  const open = { ...closedRun(), load: { ...closedRun().load, model: 'open' as const, target_rate: 200, request_kinds: ['authorization', 'balance', 'feed'] } };
  const [failed] = evaluateThresholds(APP, open);
  assert.equal(failed?.ok, false);
  assert.equal(failed?.not_applicable, undefined);
  // A replay of authorizations only: n/a, naming what it sends.
  const replay = { ...open, load: { ...open.load, request_kinds: ['authorization', 'reversal'] } };
  assert.match(evaluateThresholds(APP, replay)[0]?.not_applicable ?? '', /this run's traffic has no app reads \(it sends authorization, reversal\)/);
  // No authorizations at all is not n/a: the run should have produced them.
  const empty = { ...open, authorizations: { ...open.authorizations, total: 0 } };
  const [auth] = evaluateThresholds({ authorization_success_rate: ['rate>0.99'] }, empty);
  assert.equal(auth?.ok, false);
  assert.equal(auth?.not_applicable, undefined);
  // load_error_pct without a target rate, a recovery of a window that lasts to the end, a missing phase.
  assert.match(evaluateThresholds({ load_error_pct: ['value<5'] }, closedRun())[0]?.not_applicable ?? '', /the closed model has no target arrival rate/);
  const whole = wholeRunFaultSummary();
  const fault = whole.faults[0]?.name ?? '';
  const results = evaluateThresholds({ [`recovery_seconds{fault:${fault}}`]: ['value<10'], [`authorization_success_rate{phase:before,fault:${fault}}`]: ['rate>0.9'] }, whole);
  assert.match(results[0]?.not_applicable ?? '', /lasts to the end of traffic: no after phase to recover in/);
  assert.match(results[1]?.not_applicable ?? '', /has no before phase of ledger-latency: its window starts at 0 s/);
});

test('n/a is shown in the verdict, the terminal, the report and JUnit, and does not fail the run', () => {
  const s = closedRun();
  const thresholds = { authorization_success_rate: ['rate>0.99'], ...APP };
  const judged = applyDecision(s, decide(s, thresholds));
  assert.equal(judged.verdict, 'passed', judged.reasons.join('; '));
  assert.match(judged.reasons[0] ?? '', /1 threshold \(1 more n\/a: this run cannot produce its metric\)/);
  const lines: string[] = [];
  printSummary(judged, (l) => lines.push(l));
  assert.ok(lines.includes('threshold app_success_rate rate>0.999 n/a: the closed model sends authorizations only: this run makes no app reads'), lines.join('\n'));
  const table = String(thresholdsTable(judged));
  assert.match(table, /<tr data-ok="n\/a"><td><span class="pill skipped"[^>]*>n\/a<\/span><\/td><td><code>app_success_rate<\/code>/);
  assert.match(table, /n\/a: the closed model sends authorizations only/);
  const junit = buildJunit([judged]);
  assert.match(junit, /<testcase [^>]*name="app_success_rate rate&gt;0\.999"[^>]*>\s*<skipped message="threshold app_success_rate rate&gt;0\.999 n\/a: the closed model sends authorizations only/);
  assert.doesNotMatch(junit, /<failure/);
});

// The same end to end (`faultline run baseline --model closed`: app_success_rate n/a, not "failed: actual no
// data") is checked on the closed-model run of test/e2e/closed-and-whole-window.test.ts.
