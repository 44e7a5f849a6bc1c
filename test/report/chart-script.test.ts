// The report's chart script (harness/report/client/, bundled by assets.ts): one classic script with
// nothing from outside client/ in it, the same bytes on every build, and its pure parts (formats, the
// log-axis filter, the series each chart draws) checked here without a browser; browser.test.ts draws it.
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { describe, it } from 'node:test';
import { chartScript } from '../../harness/report/assets.ts';
import { chartData } from '../../harness/report/chart-data.ts';
import { logFilter } from '../../harness/report/client/axes.ts';
import { firstFreeRow } from '../../harness/report/client/canvas.ts';
import { fmtMs, fmtMsTick, fmtPct, fmtRate, fmtSecondsTick } from '../../harness/report/client/format.ts';
import { chartSpec, isChartKind } from '../../harness/report/client/series.ts';
import { monzoSummary } from './fixtures.ts';

describe('chart script bundle', () => {
  const js = chartScript();

  it('is one classic script: no module syntax, no require, no URL', () => {
    assert.doesNotThrow(() => new Script(js, { filename: 'charts.js' }), 'parses as a classic (non-module) script');
    assert.doesNotMatch(js, /^\s*(?:import|export)\s/m);
    assert.doesNotMatch(js, /\brequire\(/);
    assert.doesNotMatch(js, /https?:\/\//i);
    assert.match(js, /faultlineCharts/);
  });

  it('is the same bytes on every build (a rebuilt report is byte-identical)', () => {
    assert.equal(chartScript(), js);
  });
});

describe('chart script: formats and axes', () => {
  it('formats legend values, with a dash for a missing one', () => {
    assert.deepEqual([fmtPct(1), fmtPct(0.98765), fmtPct(0), fmtPct(null)], ['100.0%', '98.77%', '0.0%', '–']);
    assert.deepEqual([fmtMs(1500), fmtMs(150.4), fmtMs(12.34), fmtMs(null)], ['1.50 s', '150 ms', '12.3 ms', '–']);
    assert.deepEqual([fmtRate(200), fmtRate(12.34), fmtRate(null)], ['200/s', '12.3/s', '–']);
    assert.deepEqual([fmtSecondsTick(-5), fmtSecondsTick(0), fmtSecondsTick(30)], ['\u22125 s', '0 s', '30 s']);
    assert.deepEqual([fmtMsTick(2000), fmtMsTick(0.5), fmtMsTick(null)], ['2 s', '0.5 ms', '']);
  });

  it('keeps decades on a log axis that spans two or more, else 1-2-5', () => {
    const u = undefined as never;
    assert.deepEqual(logFilter(u, [1, 2, 5, 10, 20, 50, 100], 1, 0, 0), [1, null, null, 10, null, null, 100]);
    assert.deepEqual(logFilter(u, [10, 20, 30, 50], 1, 0, 0), [10, 20, null, 50]);
  });

  it('puts a tag on the first row it does not overlap', () => {
    assert.equal(firstFreeRow([], 10), 0);
    assert.equal(firstFreeRow([50], 10), 1);
    assert.equal(firstFreeRow([50], 60), 0);
    assert.equal(firstFreeRow([50, 80], 40), 2);
    assert.equal(firstFreeRow([50, 80], 60), 0);
  });
});

describe('chart script: series', () => {
  const d = chartData(monzoSummary({ router: 'naive' }));

  it('knows the three chart kinds and nothing from Object.prototype', () => {
    for (const kind of ['success', 'latency', 'throughput']) assert.ok(isChartKind(kind), kind);
    for (const kind of ['constructor', 'toString', '__proto__', '', null]) assert.equal(isChartKind(kind), false, String(kind));
  });

  it('gives every chart one data column per series, as long as the time column', () => {
    for (const kind of ['success', 'latency', 'throughput'] as const) {
      const spec = chartSpec(kind, d);
      assert.equal(spec.data.length, spec.opts.series.length, kind);
      for (const column of spec.data) assert.equal(column.length, d.t.length, kind);
      assert.equal(spec.recovery, kind === 'success', kind);
    }
  });

  it('draws latency at 0.1 ms or more (log scale), and the target rate on every second', () => {
    const latency = chartSpec('latency', { ...d, p50: d.p50.map((v, i) => (i === 0 ? 0 : v)) });
    assert.equal(latency.data[1]?.[0], 0.1);
    const throughput = chartSpec('throughput', d);
    assert.ok(d.target_rate !== null);
    assert.ok(Array.from(throughput.data[1] ?? []).every((v) => v === d.target_rate));
  });
});
