// The trend model from real summaries judged by the real gate: every gated metric (derived from the gate's
// modules, as the trend derives it), the band of each night (baseline tolerance, else thresholds), each
// night's verdict, order by start time, and the bounded reading of summary.json files and folders.
import assert from 'node:assert/strict';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BASELINE_FAMILIES } from '../../harness/gate/baseline.ts';
import { METRICS } from '../../harness/gate/metrics.ts';
import { bandOf } from '../../harness/trend/chart-data.ts';
import { findRunFiles } from '../../harness/trend/find-runs.ts';
import { buildTrend, type TrendGroup } from '../../harness/trend/model.ts';
import { nightMetrics, splitKey, thresholdLimit } from '../../harness/trend/night-metrics.ts';
import { readRunSummary, TrendInputError } from '../../harness/trend/read-summary.ts';
import { tempRuns, type TempRuns } from '../report/helpers.ts';
import { applyDecision, decide } from '../../harness/gate/verdict.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { MONZO_THRESHOLDS } from '../report/fixtures.ts';
import { BASELINE, hardenedNights, otherNights } from './fixtures.ts';

const hardened = hardenedNights();
const groups = buildTrend([...hardened, ...otherNights()].map((n) => ({ dir: `/nights/${n.folder}`, summary: n.summary })));
const monzo = groups.find((g) => g.key === 'monzo-2017 · hardened · stand-in') as TrendGroup;

function series(group: TrendGroup, id: string) {
  const s = group.series.find((x) => x.meta.id === id);
  assert.ok(s, `no series ${id}; have ${group.series.map((x) => x.meta.id).join(', ')}`);
  return s;
}

describe('trend model', () => {
  it('groups runs by scenario, router and stand-in, nights ordered by start time whatever the folder names', () => {
    assert.deepEqual(
      groups.map((g) => [g.key, g.nights.length]),
      [
        ['ledger-latency · hardened · stand-in', 2],
        ['monzo-2017 · hardened · stand-in', 6],
        ['monzo-2017 · naive · no stand-in', 1],
      ],
    );
    assert.deepEqual(
      monzo.nights.map((n) => n.started_at),
      hardened.map((n) => n.summary.started_at),
    );
    assert.deepEqual(
      monzo.nights.map((n) => [n.verdict, n.comparable]),
      [
        ['passed', true],
        ['failed', true],
        ['inconclusive', false],
        ['passed', true],
        ['passed', true],
        ['incomplete', false],
      ],
    );
  });

  it('has a series for every threshold metric and every baseline family, each with a point per night', () => {
    const families = new Set(monzo.series.map((s) => s.meta.family));
    for (const name of [...METRICS.keys(), ...BASELINE_FAMILIES]) assert.ok(families.has(name), `no series for ${name}`);
    for (const s of monzo.series) assert.equal(s.points.length, 6, s.meta.id);
    // Every aggregation of a threshold metric, and the tagged keys the runs were judged by.
    for (const id of ['authorization_latency p(50)', 'authorization_latency max', 'authorization_latency{phase:during} p(99)', 'recovery_seconds{fault:endpoints-null}']) series(monzo, id);
    // Baseline slices: quiet before, each fault, quiet after.
    for (const id of ['authorization_latency_p99{phase:before}', 'authorization_latency_p50{phase:during,fault:mesh-restart}', 'authorization_latency_p99{phase:after}']) series(monzo, id);
  });

  it('a gated metric with no value on any night is named as not measured, not charted as zeros', () => {
    const whole = groups.find((g) => g.scenario === 'ledger-latency') as TrendGroup;
    // Its only fault lasts the whole run: no recovery to measure.
    assert.ok(whole.unmeasured.includes('recovery_seconds'), whole.unmeasured.join(', '));
    assert.ok(!whole.series.some((s) => s.meta.family === 'recovery_seconds'));
    assert.deepEqual(monzo.unmeasured, []);
  });

  it('the band is the tolerance around the baseline when the night was compared with one, else its thresholds', () => {
    const rate = series(monzo, 'authorization_success_rate');
    const compared = rate.points[0]!;
    assert.deepEqual(
      compared.limits.map((l) => l.source),
      ['threshold', 'baseline'],
    );
    const delta = hardened[0]!.summary.baseline!.deltas.find((d) => d.metric === 'authorization_success_rate')!;
    // Worse is lower: the band is open above, from baseline − tolerance (or the threshold, whichever is higher).
    assert.deepEqual(bandOf(compared), { lo: Math.max(0.995, delta.baseline - delta.tolerance), hi: null });
    const thresholdsOnly = rate.points[4]!;
    assert.deepEqual(thresholdsOnly.limits.map((l) => l.source), ['threshold']);
    assert.deepEqual(bandOf(thresholdsOnly), { lo: 0.995, hi: null });
    // A baseline-only metric on a night judged by thresholds alone has no band.
    const p99 = series(monzo, 'authorization_latency_p99{phase:before}');
    assert.deepEqual(bandOf(p99.points[4]!), { lo: null, hi: null });
    const d99 = hardened[0]!.summary.baseline!.deltas.find((d) => d.metric === 'authorization_latency_p99{phase:before}')!;
    assert.deepEqual(bandOf(p99.points[0]!), { lo: null, hi: d99.baseline + d99.tolerance });
  });

  it('marks the value that broke its band on the failed night, and only there', () => {
    const rec = series(monzo, 'recovery_seconds{fault:endpoints-null}');
    assert.deepEqual(
      rec.points.map((p) => p.value),
      [1, 15, 1, 1, 1, 1],
    );
    assert.deepEqual(
      rec.points.map((p) => p.ok),
      [true, false, true, true, true, true],
    );
    assert.deepEqual(bandOf(rec.points[1]!), { lo: null, hi: 3 }, 'baseline 1 s + 2 s tolerance, tighter than value<10');
    const rate = series(monzo, 'authorization_success_rate');
    assert.ok(rate.points.every((p) => p.ok !== false), 'the success rate met its band every night');
  });

  it('an inconclusive night keeps its values but carries no baseline band (it was never compared)', () => {
    const inconclusive = monzo.nights[2]!;
    assert.equal(inconclusive.baseline, null);
    const p99 = series(monzo, 'authorization_latency_p99{phase:before}');
    assert.equal(typeof p99.points[2]!.value, 'number');
    assert.ok(p99.points[2]!.limits.every((l) => l.source !== 'baseline'));
  });

  it('a recovery that never came is "never", not a missing value', () => {
    const s = hardened[0]!.summary;
    const unjudged = { ...s, faults: s.faults.map((f) => (f.name === 'mesh-restart' ? { ...f, recovery_s: null } : f)) };
    const judged = applyDecision(unjudged, decide(unjudged, MONZO_THRESHOLDS, { summary: BASELINE, file: 'baseline.json' }));
    assert.equal(judged.verdict, 'failed');
    // In memory ("never" is Infinity in the deltas) and as summary.json has it (null).
    for (const night of [judged, JSON.parse(JSON.stringify(judged)) as Summary]) {
      const m = nightMetrics(night);
      const point = m.get('recovery_seconds{fault:mesh-restart}')?.point;
      assert.equal(point?.never, true);
      assert.equal(point?.value, null);
      assert.equal(point?.ok, false);
      assert.equal(m.get('recovery_seconds{fault:endpoints-null}')?.point.never, false);
    }
  });

  it('a threshold on a metric this faultline does not know (a newer one wrote it) is still charted by its key', () => {
    const s = hardened[4]!.summary;
    const newer = { ...s, thresholds: [...s.thresholds, { metric: 'approval_rate_v9{phase:during}', expression: 'rate>0.9', ok: true, actual: 0.93 }] };
    const point = nightMetrics(newer).get('approval_rate_v9{phase:during}')?.point;
    assert.equal(point?.value, 0.93);
    assert.deepEqual(bandOf(point!), { lo: 0.9, hi: null });
  });

  it('reads threshold limits and canonical keys', () => {
    assert.deepEqual(thresholdLimit('p(99)<800'), { source: 'threshold', lo: null, hi: 800, text: 'p(99)<800' });
    assert.deepEqual(thresholdLimit('rate >= 0.99'), { source: 'threshold', lo: 0.99, hi: null, text: 'rate >= 0.99' });
    assert.equal(thresholdLimit('count!=3').lo, null);
    assert.equal(splitKey('authorization_success_rate{fault:x,phase:during}').id, 'authorization_success_rate{phase:during,fault:x}');
  });

  it('--last keeps the most recent nights of each group and says how many were left out', () => {
    const last = buildTrend(hardened.map((n) => ({ dir: n.folder, summary: n.summary })), { last: 2 })[0]!;
    assert.deepEqual(last.nights.map((n) => n.verdict), ['passed', 'incomplete']);
    assert.equal(last.dropped, 4);
  });
});

describe('reading the folder of nights', () => {
  let runs: TempRuns;
  before(async () => {
    runs = await tempRuns('faultline-trend-read-');
  });
  after(async () => {
    await runs?.cleanup();
  });

  it('reads a valid summary and names the file and field of an invalid one', async () => {
    const ok = await runs.run('ok', hardened[0]!.summary);
    assert.equal((await readRunSummary(join(ok, 'summary.json'))).scenario, 'monzo-2017');
    const noDate = await runs.runRaw('no-date', { ...hardened[0]!.summary, started_at: 'yesterday' });
    await assert.rejects(readRunSummary(join(noDate, 'summary.json')), (err: Error) => {
      assert.ok(err instanceof TrendInputError);
      assert.match(err.message, /no-date\/summary\.json: not a faultline summary: started_at: not a date and time/);
      return true;
    });
    const badDelta = await runs.runRaw('bad-delta', { ...hardened[0]!.summary, baseline: { file: 'x', ok: true, deltas: [{ metric: 'm', ok: 'yes' }] } });
    await assert.rejects(readRunSummary(join(badDelta, 'summary.json')), /bad-delta\/summary\.json: not a faultline summary: baseline\.deltas\.0\./);
  });

  it('refuses a summary.json larger than the cap before reading it whole', async () => {
    const big = await runs.run('big', hardened[0]!.summary);
    const file = join(big, 'summary.json');
    await assert.rejects(readRunSummary(file, 1000), /big\/summary\.json.*larger than a summary\.json may be/);
    assert.equal((await readRunSummary(file)).scenario, 'monzo-2017');
  });

  it('walks a bounded depth, never into a run folder, and keeps the most recently written runs past the cap', async () => {
    const root = join(runs.root, 'walk');
    const write = async (rel: string, mtime: number): Promise<void> => {
      await mkdir(join(root, rel), { recursive: true });
      await writeFile(join(root, rel, 'summary.json'), '{}');
      await utimes(join(root, rel, 'summary.json'), mtime, mtime);
    };
    await write('a', 1000);
    await write('a/inside-a-run', 5000); // a run folder's subfolders are not searched
    await write('n1/suite/x', 2000);
    await write('n2/suite/y', 3000);
    await write('d1/d2/d3/d4/too-deep', 4000);
    const found = await findRunFiles(root, { maxDepth: 3, maxFolders: 1000, maxRuns: 2 });
    assert.deepEqual(
      found.files.map((f) => f.slice(root.length + 1)),
      ['n1/suite/x/summary.json', 'n2/suite/y/summary.json'],
    );
    assert.ok(found.warnings.some((w) => /deeper than 3 levels/.test(w)), found.warnings.join('\n'));
    assert.ok(found.warnings.some((w) => /3 run folders found; only the 2 most recently written/.test(w)), found.warnings.join('\n'));
    const all = await findRunFiles(root, { maxDepth: 5, maxFolders: 1000, maxRuns: 10 });
    assert.equal(all.files.length, 4);
    assert.ok(!all.files.some((f) => f.includes('inside-a-run')));
  });
});
