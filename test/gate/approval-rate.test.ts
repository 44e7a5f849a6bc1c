// approval_rate: the metric (whole run, phase, fault; no issuer answer = no data), the threshold, and the
// baseline band (binomial over the issuer's answers): a 10-point drop fails, noise passes, whole run and per
// fault's during phase; an older baseline without the phase fields is compared on the whole run only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateThresholds, validateThresholds } from '../../harness/gate/thresholds.ts';
import { compareBaseline, DEFAULT_TOLERANCES, worseDirection } from '../../harness/gate/baseline.ts';
import { decide } from '../../harness/gate/verdict.ts';
import type { PhaseSummary, Summary } from '../../harness/summary/types.ts';
import { monzoSummary } from '../report/fixtures.ts';

/** A summary whose issuer answered `answered` per phase with `approval` approved, around fault `f`. */
function withApproval(approval: { before: number; during: number; after: number }, answered = 10_000): Summary {
  const base = monzoSummary({ router: 'hardened', seed: 1 });
  const rates: Record<string, number> = approval;
  const phases: PhaseSummary[] = base.phases.map((p) => ({ ...p, issuer_answers: answered, approval_rate: rates[p.name] ?? null }));
  const approved = Math.round(answered * 3 * ((approval.before + approval.during + approval.after) / 3));
  return {
    ...base,
    phases,
    authorizations: { ...base.authorizations, approved, declined: answered * 3 - approved, approval_rate: approved / (answered * 3) },
  };
}

const fault = (s: Summary): string => s.faults[0]?.name as string;

describe('approval_rate: the metric and its threshold', () => {
  it('reads the whole run from the counts, a phase from the phase, the worst matching phase for a tag', () => {
    const s = withApproval({ before: 0.93, during: 0.6, after: 0.91 });
    const [whole, during, faultOnly, after] = evaluateThresholds(
      {
        approval_rate: ['rate>0.8'],
        'approval_rate{phase:during}': ['rate>0.8'],
        [`approval_rate{fault:${fault(s)}}`]: ['rate>0.5'],
        'approval_rate{phase:after}': ['rate>=0.91'],
      },
      s,
    );
    assert.ok(whole && during && faultOnly && after);
    assert.ok(Math.abs((whole.actual ?? 0) - (0.93 + 0.6 + 0.91) / 3) < 1e-4, String(whole.actual));
    assert.equal(whole.ok, true);
    assert.deepEqual([during.actual, during.ok], [0.6, false]);
    assert.deepEqual([faultOnly.actual, faultOnly.ok], [0.6, true]);
    assert.deepEqual([after.actual, after.ok], [0.91, true]);
  });

  it('no issuer answer is no data, and fails (never a 0 % or a 100 %)', () => {
    const s = withApproval({ before: 0.9, during: 0.9, after: 0.9 });
    const silent: Summary = { ...s, authorizations: { ...s.authorizations, approved: 0, declined: 0, approval_rate: null }, phases: s.phases.map((p) => ({ ...p, issuer_answers: 0, approval_rate: null })) };
    const results = evaluateThresholds({ approval_rate: ['rate>0.5'], 'approval_rate{phase:during}': ['rate>0.5'] }, silent);
    assert.deepEqual(results.map((r) => [r.actual, r.ok]), [[null, false], [null, false]]);
    assert.match(decide(silent, { approval_rate: ['rate>0.5'] }).reasons.join('\n'), /threshold approval_rate rate>0\.5 failed: actual no data/);
  });

  it('parses like the success rate: rate only, tags phase and fault', () => {
    validateThresholds({ approval_rate: ['rate>0.9'], 'approval_rate{phase:during,fault:f}': ['rate>=0.5'] }, { faults: ['f'] });
    assert.throws(() => validateThresholds({ approval_rate: ['p(99)<1'] }), /'p\(99\)' is not available for approval_rate/);
    assert.throws(() => validateThresholds({ 'approval_rate{fault:nope}': ['rate>0.5'] }, { faults: ['f'] }), /no fault window named 'nope'/);
  });

  it('a failed threshold line shows the rate with four decimals', () => {
    const s = withApproval({ before: 0.8, during: 0.8, after: 0.8 });
    assert.match(decide(s, { approval_rate: ['rate>0.95'] }).reasons.join('\n'), /threshold approval_rate rate>0\.95 failed: actual 0\.8000/);
  });
});

describe('approval_rate: the baseline band', () => {
  const baseline = withApproval({ before: 0.93, during: 0.9, after: 0.93 });

  it('is compared whole-run and per fault\'s during phase, lower is worse, with a binomial band', () => {
    const result = compareBaseline(baseline, baseline);
    const metrics = result.deltas.map((d) => d.metric);
    assert.ok(metrics.includes('approval_rate'), metrics.join(', '));
    for (const f of baseline.faults) assert.ok(metrics.includes(`approval_rate{phase:during,fault:${f.name}}`), metrics.join(', '));
    assert.equal(worseDirection('approval_rate{phase:during,fault:x}'), 'lower');
    assert.deepEqual(DEFAULT_TOLERANCES.approval_rate, { abs: 0.005, rel: 0, sigmas: 3 });
    const whole = result.deltas.find((d) => d.metric === 'approval_rate');
    // 30,000 answers a side at ~0.92: 3σ ≈ 0.0066, above the 0.005 floor.
    assert.ok(whole && whole.tolerance > 0.005 && whole.tolerance < 0.008, String(whole?.tolerance));
  });

  it('a 10-point drop fails, whole run and during the fault; noise passes', () => {
    const dropped = withApproval({ before: 0.83, during: 0.8, after: 0.83 });
    const result = compareBaseline(dropped, baseline);
    assert.equal(result.ok, false);
    const failing = result.deltas.filter((d) => !d.ok).map((d) => d.metric);
    assert.ok(failing.includes('approval_rate'), failing.join(', '));
    assert.ok(failing.includes(`approval_rate{phase:during,fault:${fault(baseline)}}`), failing.join(', '));
    assert.match(decide(dropped, {}, { summary: baseline, file: 'b.json' }).reasons.join('\n'), /baseline approval_rate regressed: 0\.9200 → 0\.8200 \(−0\.1000, tolerance 0\.00\d\d\)/);

    const noise = withApproval({ before: 0.927, during: 0.893, after: 0.926 });
    const quiet = compareBaseline(noise, baseline).deltas.filter((d) => d.metric.startsWith('approval_rate'));
    assert.equal(quiet.length, 1 + baseline.faults.length);
    assert.ok(quiet.every((d) => d.ok), JSON.stringify(quiet));
    // Better is never a regression.
    assert.ok(compareBaseline(withApproval({ before: 1, during: 1, after: 1 }), baseline).deltas.filter((d) => d.metric.startsWith('approval_rate')).every((d) => d.ok));
  });

  it('on few answers the band widens: a 5-point dip on 200 answers is noise', () => {
    const small = withApproval({ before: 0.85, during: 0.85, after: 0.85 }, 200);
    const smallBase = withApproval({ before: 0.9, during: 0.9, after: 0.9 }, 200);
    const during = compareBaseline(small, smallBase).deltas.find((d) => d.metric === `approval_rate{phase:during,fault:${fault(small)}}`);
    // 3 * sqrt(0.85*0.15/200 + 0.9*0.1/200) ≈ 0.099.
    assert.ok(during && during.tolerance > 0.09 && during.tolerance < 0.11 && during.ok, JSON.stringify(during));
  });

  it('an older baseline without the phase fields is compared on the whole run (from its counts) only', () => {
    const old = monzoSummary({ router: 'hardened', seed: 1 });
    assert.equal(old.phases[0]?.approval_rate, undefined);
    const metrics = compareBaseline(baseline, old).deltas.map((d) => d.metric).filter((m) => m.startsWith('approval_rate'));
    assert.deepEqual(metrics, ['approval_rate']);
  });
});
