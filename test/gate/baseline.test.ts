import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compareBaseline, DEFAULT_TOLERANCES, loadTolerances, parseTolerances, toleranceFor } from '../../harness/gate/baseline.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { monzoSummary } from '../report/fixtures.ts';

const baseline = monzoSummary({ router: 'hardened', seed: 1 });
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function delta(result: ReturnType<typeof compareBaseline>, metric: string) {
  const d = result.deltas.find((x) => x.metric === metric);
  assert.ok(d, `no delta for ${metric}; have ${result.deltas.map((x) => x.metric).join(', ')}`);
  return d;
}

function withRate(s: Summary, rate: number): Summary {
  return { ...s, authorizations: { ...s.authorizations, success_rate: rate } };
}

describe('baseline comparison', () => {
  it('covers success rates, latency per phase (quiet before, each fault, quiet after), recovery per fault and failed+unknown', () => {
    const metrics = compareBaseline(baseline, baseline).deltas.map((d) => d.metric);
    for (const m of [
      'authorization_success_rate',
      'issuer_success_rate',
      'authorization_latency_p50{phase:before}',
      'authorization_latency_p99{phase:before}',
      'authorization_latency_p50{phase:after}',
      'authorization_success_rate{phase:during,fault:endpoints-null}',
      'authorization_latency_p99{phase:during,fault:mesh-restart}',
      'recovery_seconds{fault:endpoints-null}',
      'recovery_seconds{fault:mesh-restart}',
      'authorizations_failed_unknown',
    ]) {
      assert.ok(metrics.includes(m), `missing ${m}`);
    }
    assert.ok(!metrics.includes('authorization_latency_p50') && !metrics.includes('authorization_latency_p99'), 'a fault run\'s whole-run latency (a mixture) is never compared');
  });

  it('a run without faults compares the latency of its measured part', () => {
    const quiet: Summary = { ...baseline, faults: [], phases: [{ ...(baseline.phases[0] as Summary['phases'][number]), name: 'whole', fault: null }] };
    const metrics = compareBaseline(quiet, quiet).deltas.map((d) => d.metric);
    assert.ok(metrics.includes('authorization_latency_p99{phase:whole}'), metrics.join(', '));
  });

  it('an extra fault window in the run (an injected regression) does not move the compared slices', () => {
    const injected: Summary = {
      ...baseline,
      faults: [{ ...(baseline.faults[0] as Summary['faults'][number]), name: 'injected', scheduled_s: 0, scheduled_end_s: baseline.duration_s }, ...baseline.faults],
    };
    const a = compareBaseline(injected, baseline).deltas.map((d) => d.metric);
    assert.ok(a.includes('authorization_latency_p99{phase:before}'), a.join(', '));
  });

  it('passes for a run that differs only by noise (another seed)', () => {
    const other = monzoSummary({ router: 'hardened', seed: 2 });
    const result = compareBaseline(other, baseline);
    const failing = result.deltas.filter((d) => !d.ok);
    assert.deepEqual(failing, [], 'noise-level change must not fail');
    assert.equal(result.ok, true);
  });

  it('passes a small dip inside the noise band and fails a real one', () => {
    const p = baseline.authorizations.success_rate;
    assert.equal(compareBaseline(withRate(baseline, p - 0.002), baseline).ok, true);
    const result = compareBaseline(withRate(baseline, p - 0.02), baseline);
    assert.equal(result.ok, false);
    const d = delta(result, 'authorization_success_rate');
    assert.equal(d.ok, false);
    assert.ok(Math.abs(d.delta + 0.02) < 1e-9);
    assert.ok(d.tolerance >= 0.005);
  });

  it('the rate band widens with binomial noise on few requests', () => {
    const small: Summary = { ...baseline, authorizations: { ...baseline.authorizations, total: 200, success_rate: 0.95 } };
    const smallBase: Summary = { ...baseline, authorizations: { ...baseline.authorizations, total: 200, success_rate: 0.96 } };
    const d = delta(compareBaseline(small, smallBase), 'authorization_success_rate');
    // 3 * sqrt(0.95*0.05/200 + 0.96*0.04/200) ≈ 0.061: a one-point dip on 200 requests is noise.
    assert.ok(d.tolerance > 0.05 && d.tolerance < 0.07, String(d.tolerance));
    assert.equal(d.ok, true);
  });

  it('fails the naive run against the hardened baseline (a real regression)', () => {
    const result = compareBaseline(monzoSummary({ router: 'naive', seed: 1 }), baseline);
    assert.equal(result.ok, false);
    assert.equal(delta(result, 'authorization_success_rate').ok, false);
    assert.equal(delta(result, 'authorization_success_rate{phase:during,fault:endpoints-null}').ok, false);
    assert.equal(delta(result, 'recovery_seconds{fault:endpoints-null}').ok, false);
    assert.equal(delta(result, 'authorizations_failed_unknown').ok, false);
  });

  it('latency per phase: within its band passes, beyond fails; improvements always pass', () => {
    const first = [...baseline.faults].sort((a, b) => a.scheduled_s - b.scheduled_s)[0]?.name ?? null;
    const before = baseline.phases.find((p) => p.name === 'before' && p.fault === first);
    assert.ok(before && before.authorizations >= 1000, 'the fixture has a quiet before phase');
    const t = DEFAULT_TOLERANCES.authorization_latency_p99;
    const band = Math.max(t.abs, t.rel * before.latency_ms.p99);
    const shifted = (by: number): Summary => ({
      ...baseline,
      phases: baseline.phases.map((p) => (p === before ? { ...p, latency_ms: { ...p.latency_ms, p99: p.latency_ms.p99 + by } } : p)),
    });
    const metric = 'authorization_latency_p99{phase:before}';
    assert.equal(delta(compareBaseline(shifted(band * 0.9), baseline), metric).ok, true);
    assert.equal(delta(compareBaseline(shifted(band * 1.1 + 0.01), baseline), metric).ok, false);
    assert.equal(delta(compareBaseline(shifted(-before.latency_ms.p99 * 0.8), baseline), metric).ok, true);
  });

  it('recovery: never recovering after a baseline that recovered fails; +2 s passes', () => {
    const never: Summary = { ...baseline, faults: baseline.faults.map((f) => ({ ...f, recovery_s: null })) };
    const d = delta(compareBaseline(never, baseline), 'recovery_seconds{fault:endpoints-null}');
    assert.equal(d.ok, false);
    assert.equal(d.actual, Number.POSITIVE_INFINITY);
    const slower: Summary = { ...baseline, faults: baseline.faults.map((f) => ({ ...f, recovery_s: (f.recovery_s ?? 0) + 2 })) };
    assert.equal(delta(compareBaseline(slower, baseline), 'recovery_seconds{fault:endpoints-null}').ok, true);
    assert.equal(delta(compareBaseline(baseline, never), 'recovery_seconds{fault:endpoints-null}').ok, true, 'recovering now is an improvement');
  });

  it('tolerances are configurable per family and per metric, from a JSON file', async () => {
    assert.deepEqual(toleranceFor('recovery_seconds{fault:x}', 'recovery_seconds'), DEFAULT_TOLERANCES.recovery_seconds);
    const dir = await mkdtemp(join(tmpdir(), 'faultline-tol-'));
    dirs.push(dir);
    const file = join(dir, 'tolerances.json');
    await writeFile(file, JSON.stringify({ authorization_success_rate: { abs: 0.05, sigmas: 0 }, 'recovery_seconds{fault:endpoints-null}': { abs: 100 } }));
    const tolerances = await loadTolerances(file);
    const p = baseline.authorizations.success_rate;
    assert.equal(compareBaseline(withRate(baseline, p - 0.02), baseline, tolerances).ok, true);
    const never: Summary = { ...baseline, faults: baseline.faults.map((f) => ({ ...f, recovery_s: f.recovery_s === null ? null : f.recovery_s + 50 })) };
    const r = compareBaseline(never, baseline, tolerances);
    assert.equal(delta(r, 'recovery_seconds{fault:endpoints-null}').ok, true);
    assert.equal(delta(r, 'recovery_seconds{fault:mesh-restart}').ok, false);
  });

  it('rejects an unknown tolerance key or field, naming it', () => {
    assert.throws(() => parseTolerances({ latency: { abs: 1 } }, 'tol.json'), /tol\.json: latency/);
    assert.throws(() => parseTolerances({ recovery_seconds: { absolute: 1 } }, 'tol.json'), /tol\.json: recovery_seconds/);
    assert.throws(() => parseTolerances({ recovery_seconds: { abs: -1 } }, 'tol.json'), /recovery_seconds\.abs/);
  });
});
