import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDecision, decide } from '../../harness/gate/verdict.ts';
import { judgeValidity } from '../../harness/gate/validity.ts';
import { exitCodeFor } from '../../harness/cli/exit-codes.ts';
import { buildJunit } from '../../harness/report/junit.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { EVIL_MERCHANT, MONZO_THRESHOLDS, monzoSummary } from '../report/fixtures.ts';

const hardened = monzoSummary({ router: 'hardened', seed: 1 });
const naive = monzoSummary({ router: 'naive', seed: 1 });

/** The <failure message="…"> attributes of a JUnit document. */
function failureMessages(xml: string): string[] {
  return [...xml.matchAll(/<failure message="([^"]*)"/g)].map((m) => m[1] as string);
}

describe('verdict: decide', () => {
  it('a run that meets its thresholds and invariants passes', () => {
    const d = decide(hardened, MONZO_THRESHOLDS);
    assert.equal(d.passed, true);
    assert.equal(d.verdict, 'passed');
    assert.equal(d.reasons.length, 1);
    assert.match(d.reasons[0] as string, /^all checks passed: 5 invariants, 5 thresholds$/);
    assert.equal(d.thresholds.length, 5);
    assert.ok(d.thresholds.every((t) => t.ok));
    assert.equal(d.baseline, undefined);
    const junit = buildJunit([applyDecision(hardened, d)]);
    assert.match(junit, /<testsuite [^>]*failures="0"/);
    assert.deepEqual(failureMessages(junit), []);
  });

  it('a broken threshold fails and the JUnit file names it', () => {
    const d = decide(hardened, { ...MONZO_THRESHOLDS, 'authorization_latency{phase:during}': ['p(99)<50'] });
    assert.equal(d.passed, false);
    assert.deepEqual(
      d.reasons.filter((l) => l.startsWith('threshold')).map((l) => l.split(' failed')[0]),
      ['threshold authorization_latency{phase:during} p(99)<50'],
    );
    const junit = buildJunit([applyDecision(hardened, d)]);
    const messages = failureMessages(junit);
    assert.equal(messages.length, 1);
    assert.match(messages[0] as string, /^threshold authorization_latency\{phase:during\} p\(99\)&lt;50 failed: actual \d+/);
    assert.match(junit, /<testcase classname="faultline\.monzo-2017\.thresholds" name="authorization_latency\{phase:during\} p\(99\)&lt;50" time="0">\n\s*<failure/);
  });

  it('a broken invariant fails, names it and its offending ids (escaped)', () => {
    const d = decide(naive, {});
    assert.equal(d.passed, false);
    const line = d.reasons.find((l) => l.startsWith('invariant approved_has_one_hold'));
    assert.ok(line, d.reasons.join('\n'));
    assert.ok(line.includes('auth-00a41f'));
    const junit = buildJunit([applyDecision(naive, d)]);
    const messages = failureMessages(junit);
    assert.ok(messages.some((m) => m.startsWith('invariant approved_has_one_hold failed (invalid)')));
    assert.ok(messages.some((m) => m.startsWith('invariant feed_matches_ledger failed (unknown)')));
    assert.ok(!junit.includes(EVIL_MERCHANT), 'the merchant is XML-escaped');
    assert.ok(junit.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('a baseline regression fails and the JUnit file names the metric', () => {
    const worse: Summary = {
      ...hardened,
      authorizations: { ...hardened.authorizations, success_rate: hardened.authorizations.success_rate - 0.03 },
    };
    const d = decide(worse, {}, { summary: hardened, file: 'baselines/monzo-2017.json' });
    assert.equal(d.passed, false);
    assert.ok(d.baseline && !d.baseline.ok);
    assert.equal(d.baseline.file, 'baselines/monzo-2017.json');
    assert.ok(d.reasons.some((l) => l.startsWith('baseline authorization_success_rate regressed:')), d.reasons.join('\n'));
    const junit = buildJunit([applyDecision(worse, d)]);
    assert.ok(failureMessages(junit).some((m) => m.startsWith('baseline authorization_success_rate regressed:')));
    assert.match(junit, /<testcase classname="faultline\.monzo-2017\.baseline" name="authorization_success_rate" time="0">/);
  });

  it('a noise-level baseline change passes', () => {
    const d = decide(monzoSummary({ router: 'hardened', seed: 7 }), MONZO_THRESHOLDS, { summary: hardened, file: 'b.json' });
    assert.equal(d.passed, true, d.reasons.join('\n'));
    assert.match(d.reasons[0] as string, /baseline metrics$/);
  });

  it('an interrupted run is inconclusive; a fault that never applied fails', () => {
    const interrupted = decide({ ...hardened, incomplete: true }, {}, { summary: hardened, file: 'b.json' });
    assert.equal(interrupted.passed, false);
    assert.equal(interrupted.verdict, 'inconclusive');
    assert.equal(interrupted.baseline, undefined, 'an interrupted run is never compared with a baseline');
    const unapplied: Summary = {
      ...hardened,
      faults: hardened.faults.map((f, i) => (i === 1 ? { ...f, applied_s: null, healed_s: null, error: 'router did not restart' } : f)),
    };
    const d = decide(unapplied, {});
    assert.equal(d.passed, false);
    assert.deepEqual(d.reasons, ['fault mesh-restart (router.restart on card-processor) never took effect: router did not restart']);
  });

  it('a run whose own health broke a limit is inconclusive, not compared, and its missed thresholds are not judged', () => {
    const busy: Summary = {
      ...hardened,
      validity: { ...hardened.validity, ok: false, reasons: ['send lateness p99 1900 ms > 50 ms: the offered load was not the scenario\'s arrival schedule'], advice: ['lower --rate'] },
    };
    const d = decide(busy, { ...MONZO_THRESHOLDS, 'authorization_latency{phase:during}': ['p(99)<1'] }, { summary: hardened, file: 'b.json' });
    assert.equal(d.verdict, 'inconclusive');
    assert.equal(d.passed, false);
    assert.equal(d.baseline, undefined);
    assert.match(d.reasons[0] as string, /^run inconclusive: send lateness p99 1900 ms/);
    assert.ok(d.reasons.some((l) => /not judged on an inconclusive run: 1 threshold missed/.test(l)), d.reasons.join('\n'));
    assert.ok(d.reasons.some((l) => /never compared/.test(l)));
  });

  it("advices faultline never delivered make the run inconclusive (exit 4), not a money failure; advices the issuer failed stay a failure", () => {
    const advices = (validity: 'unknown' | 'invalid'): Summary['invariants'][number] => ({
      name: 'advices-posted',
      ok: false,
      validity,
      detail: validity === 'unknown' ? "21 advices faultline's own queue never delivered to the issuer (unknown)" : '21 advices still pending',
      offending: validity === 'unknown' ? [] : ['auth-1'],
      count: validity === 'unknown' ? 0 : 21,
    });
    const overloaded: Summary = {
      ...hardened,
      invariants: [...hardened.invariants, advices('unknown')],
      validity: judgeValidity({ ...hardened.validity.figures, undelivered_advices: 21 }, hardened.validity.limits),
    };
    const d = decide(overloaded, MONZO_THRESHOLDS, { summary: hardened, file: 'b.json' });
    assert.equal(d.verdict, 'inconclusive', d.reasons.join('\n'));
    assert.equal(exitCodeFor(applyDecision(overloaded, d)), 4);
    assert.match(d.reasons[0] as string, /^run inconclusive: 21 stand-in advices never left faultline's own store-and-forward queue/);
    const refused: Summary = { ...hardened, invariants: [...hardened.invariants, advices('invalid')] };
    const f = decide(refused, MONZO_THRESHOLDS);
    assert.equal(f.verdict, 'failed');
    assert.equal(exitCodeFor(applyDecision(refused, f)), 1);
  });

  it('money lost is a failure even on a busy machine', () => {
    const busyNaive: Summary = { ...naive, validity: { ...naive.validity, ok: false, reasons: ['driver event-loop delay p99 400 ms > 50 ms'], advice: [] } };
    const d = decide(busyNaive, {});
    assert.equal(d.verdict, 'failed');
    assert.ok((d.reasons[0] as string).startsWith('invariant '), d.reasons.join('\n'));
    assert.ok(d.reasons.some((l) => l.startsWith('run inconclusive: driver event-loop delay')));
  });
});
