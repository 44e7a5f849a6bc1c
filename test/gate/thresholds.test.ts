import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateThresholds, parseThresholds, ThresholdError, validateThresholds } from '../../harness/gate/thresholds.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { monzoSummary } from '../report/fixtures.ts';

const naive = monzoSummary({ router: 'naive' });
const hardened = monzoSummary({ router: 'hardened' });

function one(summary: Summary, metric: string, expression: string) {
  const [result] = evaluateThresholds({ [metric]: [expression] }, summary);
  assert.ok(result);
  return result;
}

function throwsNaming(fn: () => unknown, ...parts: string[]) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ThresholdError, `expected ThresholdError, got ${String(err)}`);
    for (const p of parts) assert.ok(err.message.includes(p), `message ${JSON.stringify(err.message)} should name ${p}`);
    return true;
  });
}

describe('thresholds: parsing', () => {
  it('parses k6-style keys and expressions', () => {
    const parsed = parseThresholds({
      authorization_success_rate: ['rate>0.995', 'rate >= 0.9'],
      'authorization_latency{phase:during}': ['p(99)<800', 'med<50', 'max<=2000'],
      'recovery_seconds{fault:endpoints-null}': ['value<10'],
      'authorization_success_rate{phase:during,fault:mesh-restart}': ['rate!=0'],
      authorizations_failed: ['count==0'],
    });
    assert.equal(parsed.length, 8);
    const med = parsed.find((p) => p.expression === 'med<50');
    assert.equal(med?.aggregation, 'p(50)');
    const combined = parsed.find((p) => p.key.includes('mesh-restart'));
    assert.deepEqual(combined?.tags, { phase: 'during', fault: 'mesh-restart' });
    assert.equal(parsed[1]?.operator, '>=');
  });

  it('a bad expression throws ThresholdError naming the metric and the expression', () => {
    throwsNaming(() => validateThresholds({ authorization_success_rate: ['rate>>0.9'] }), 'authorization_success_rate', 'rate>>0.9');
    throwsNaming(() => validateThresholds({ 'authorization_latency{phase:during}': ['p(99)<fast'] }), 'authorization_latency{phase:during}', 'p(99)<fast');
    throwsNaming(() => validateThresholds({ authorization_latency: ['p(90)<800'] }), 'authorization_latency', 'p(90)<800', 'p(99)');
    throwsNaming(() => validateThresholds({ authorization_success_rate: ['p(99)<800'] }), 'authorization_success_rate', "'p(99)' is not available");
  });

  it('an unknown metric or tag throws naming it', () => {
    throwsNaming(() => validateThresholds({ http_req_duration: ['p(95)<500'] }), "unknown metric 'http_req_duration'");
    throwsNaming(() => validateThresholds({ 'authorization_latency{region:eu}': ['p(99)<800'] }), "unknown tag 'region'");
    throwsNaming(() => validateThresholds({ 'authorization_latency{phase:soon}': ['p(99)<800'] }), "unknown phase 'soon'");
    throwsNaming(() => validateThresholds({ 'recovery_seconds{phase:during}': ['value<10'] }), 'recovery_seconds', "does not take the tag 'phase'");
    throwsNaming(() => validateThresholds({ 'authorizations_failed{fault:x}': ['count<1'] }), "does not take the tag 'fault'");
    throwsNaming(() => validateThresholds({ 'authorization_latency{phase:during,phase:after}': ['p(99)<8'] }), "tag 'phase' given twice");
    throwsNaming(() => validateThresholds({ authorization_latency: [] }), 'non-empty list');
  });

  it('checks {fault:NAME} against the scenario when told its fault windows', () => {
    validateThresholds({ 'recovery_seconds{fault:ledger-latency}': ['value<10'] }, { faults: ['ledger-latency'] });
    throwsNaming(
      () => validateThresholds({ 'recovery_seconds{fault:ledger-latncy}': ['value<10'] }, { faults: ['ledger-latency'] }),
      "no fault window named 'ledger-latncy'",
      'ledger-latency',
    );
    throwsNaming(() => validateThresholds({ 'authorization_latency{phase:during}': ['p(99)<800'] }, { faults: [] }), 'no fault windows');
    throwsNaming(() => validateThresholds({ recovery_seconds: ['value<10'] }, { faults: [] }), 'recovery_seconds', 'no fault windows');
    validateThresholds({ authorization_success_rate: ['rate>0.999'] }, { faults: [] });
  });
});

describe('thresholds: evaluation', () => {
  it('whole-run rates pass and fail', () => {
    const ok = one(hardened, 'authorization_success_rate', 'rate>0.995');
    assert.equal(ok.ok, true);
    assert.equal(ok.actual, hardened.authorizations.success_rate);
    const bad = one(naive, 'authorization_success_rate', 'rate>0.995');
    assert.equal(bad.ok, false);
    assert.ok(bad.actual !== null && bad.actual < 0.8);
    assert.equal(bad.metric, 'authorization_success_rate');
    assert.equal(bad.expression, 'rate>0.995');
  });

  it('{phase:during} with several faults uses the worst during phase', () => {
    const during = naive.phases.filter((p) => p.name === 'during');
    const worst = Math.min(...during.map((p) => p.success_rate));
    assert.equal(one(naive, 'authorization_success_rate{phase:during}', 'rate>0.5').actual, worst);
    const worstP99 = Math.max(...during.map((p) => p.latency_ms.p99));
    assert.equal(one(naive, 'authorization_latency{phase:during}', 'p(99)<800').actual, worstP99);
    assert.equal(one(hardened, 'authorization_latency{phase:during}', 'p(99)<800').ok, true);
  });

  it('{fault:NAME} and {phase:…,fault:…} pick that fault’s phase', () => {
    const mesh = naive.phases.find((p) => p.name === 'during' && p.fault === 'mesh-restart');
    assert.equal(one(naive, 'authorization_success_rate{fault:mesh-restart}', 'rate>0').actual, mesh?.success_rate);
    const before = naive.phases.find((p) => p.name === 'before' && p.fault === 'endpoints-null');
    const r = one(naive, 'authorization_success_rate{phase:before,fault:endpoints-null}', 'rate>0.99');
    assert.equal(r.actual, before?.success_rate);
    assert.equal(r.ok, true);
    assert.equal(one(naive, 'authorization_latency{phase:during,fault:endpoints-null}', 'p(50)<100').ok, false);
  });

  it('recovery_seconds: per fault, worst without a tag, and never recovered fails', () => {
    assert.equal(one(naive, 'recovery_seconds{fault:endpoints-null}', 'value<10').ok, false);
    assert.equal(one(naive, 'recovery_seconds{fault:mesh-restart}', 'value<10').ok, true);
    assert.equal(one(naive, 'recovery_seconds', 'value<=14').actual, 14);
    const never: Summary = { ...hardened, faults: hardened.faults.map((f, i) => (i === 0 ? { ...f, recovery_s: null } : f)) };
    const r = one(never, 'recovery_seconds{fault:endpoints-null}', 'value<1000');
    assert.equal(r.actual, null);
    assert.equal(r.ok, false);
  });

  it('counts, values and the operators', () => {
    assert.equal(one(naive, 'authorizations_failed', 'count==0').ok, false);
    assert.equal(one(naive, 'authorizations_failed', `count==${naive.authorizations.failed}`).ok, true);
    assert.equal(one(naive, 'authorizations_unknown', `count!=${naive.authorizations.unknown}`).ok, false);
    assert.equal(one(hardened, 'retry_amplification', 'value<1.1').ok, true);
    assert.equal(one(hardened, 'retry_amplification', 'value>=1.1').ok, false);
    const load = one(hardened, 'load_error_pct', 'value<1');
    assert.equal(load.ok, true);
    assert.ok(load.actual !== null && load.actual >= 0 && load.actual < 1);
    assert.equal(one(hardened, 'app_success_rate', 'rate>0.99').ok, true);
    const appDuring = one(naive, 'app_success_rate{phase:during}', 'rate>0.99');
    assert.equal(appDuring.ok, false);
    assert.ok(appDuring.actual !== null && appDuring.actual < 0.6);
    assert.equal(one(hardened, 'issuer_success_rate{phase:during}', 'rate>0.99').ok, false);
  });

  it('no data fails rather than passing silently', () => {
    const empty: Summary = { ...hardened, phases: [], faults: [] };
    const r = one(empty, 'authorization_latency{phase:during}', 'p(99)<800');
    assert.equal(r.actual, null);
    assert.equal(r.ok, false);
  });

  it('evaluation throws on a bad threshold too (the CLI maps it to exit 2)', () => {
    assert.throws(() => evaluateThresholds({ nope: ['rate>1'] }, hardened), ThresholdError);
  });
});
