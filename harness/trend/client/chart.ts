// One trend chart: an element with data-trend-chart, data-group and data-series (indexes into the page's
// JSON block) becomes a uPlot chart of that metric over the group's nights: the comparable nights on a
// line, the not comparable ones as hollow points off it, the values that broke their band in red.
import type uPlot from 'uplot';
import type { TrendChartData, TrendChartGroup, TrendChartSeries } from '../chart-data.ts';
import { axis, yAxis } from '../../report/client/axes.ts';
import { fmtTick, fmtValue } from './format.ts';
import { marksPlugin } from './marks.ts';

export interface TrendChartEntry {
  el: HTMLElement;
  group: number;
  metric: string;
  plot: uPlot;
}

declare global {
  interface Window {
    faultlineTrendCharts: TrendChartEntry[];
  }
}

function uPlotConstructor(): typeof uPlot {
  const ctor = (window as unknown as { uPlot?: typeof uPlot }).uPlot;
  if (!ctor) throw new Error('faultline trend: uPlot is not loaded');
  return ctor;
}

export function chartWidth(el: HTMLElement): number {
  return Math.max(260, el.clientWidth || 380);
}

/** The y range: every value and every band edge, padded; rates stay within 0–100%, counts and times above 0. */
export function yRange(s: TrendChartSeries): [number, number] {
  const all: number[] = [];
  for (const list of [s.values, s.lo, s.hi]) for (const v of list) if (v != null && isFinite(v)) all.push(v);
  if (all.length === 0) return [0, 1];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const span = hi - lo || Math.abs(hi) * 0.1 || 1;
  lo -= span * 0.12;
  hi += span * 0.12;
  if (s.unit !== 'number' && s.unit !== 'ratio') lo = Math.max(0, lo);
  if (s.unit === 'rate') hi = Math.min(1, hi);
  if (hi <= lo) hi = lo + 1;
  return [lo, hi];
}

/** Integer night indexes for the ticks, thinned so labels do not collide. */
function nightSplits(n: number, width: number): number[] {
  const fit = Math.max(1, Math.floor(width / 90));
  const step = Math.max(1, Math.ceil(n / fit));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  return out;
}

function only(values: Array<number | null>, keep: (i: number) => boolean): Array<number | null> {
  return values.map((v, i) => (keep(i) ? v : null));
}

function seriesOf(g: TrendChartGroup, s: TrendChartSeries): { series: uPlot.Series[]; data: uPlot.AlignedData } {
  const fmt = (u: uPlot, v: number | null): string => fmtValue(s.unit, v);
  const x = g.labels.map((_, i) => i);
  const comparable = (i: number): boolean => g.comparable[i] === true;
  // Smaller points when many nights share the width.
  const dense = g.labels.length > 40;
  return {
    series: [
      { label: 'night' },
      { label: s.id, stroke: '#1c7ed6', width: 2, spanGaps: true, value: fmt, points: { show: true, size: dense ? 3 : 6, fill: '#ffffff', width: 1.5 } },
      {
        label: 'not comparable',
        stroke: '#9a6700',
        width: 1.5,
        paths: () => null,
        value: fmt,
        points: { show: true, size: dense ? 5 : 8, fill: '#fff8c5', stroke: '#9a6700', width: dense ? 1.5 : 2, dash: [2, 2] },
      },
      { label: 'outside its band', stroke: '#cf222e', width: 2, paths: () => null, value: fmt, points: { show: true, size: dense ? 6 : 9, fill: '#cf222e' } },
    ],
    data: [
      x,
      only(s.values, comparable),
      only(s.values, (i) => !comparable(i)),
      only(s.values, (i) => comparable(i) && s.ok[i] === false),
    ],
  };
}

/** What the night under the cursor says: when, its verdict, the value and its band (the legend, in one line). */
export function readoutText(g: TrendChartGroup, s: TrendChartSeries, i: number): string {
  const value = s.never[i] ? 'never recovered' : fmtValue(s.unit, s.values[i] ?? null);
  const lo = s.lo[i];
  const hi = s.hi[i];
  const band = !g.comparable[i]
    ? 'not compared'
    : lo == null && hi == null
      ? 'no band'
      : 'band ' + (lo == null ? '' : '\u2265 ' + fmtValue(s.unit, lo)) + (lo != null && hi != null ? ', ' : '') + (hi == null ? '' : '\u2264 ' + fmtValue(s.unit, hi));
  const state = s.ok[i] === false && g.comparable[i] ? ' \u2014 outside its band' : '';
  const when = (g.started[i] ?? '').replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z');
  return when + ' \u00b7 ' + (g.verdicts[i] ?? '') + ' \u00b7 ' + value + ' \u00b7 ' + band + state;
}

function readoutPlugin(g: TrendChartGroup, s: TrendChartSeries, el: HTMLElement): uPlot.Plugin {
  const readout = el.parentElement ? el.parentElement.querySelector('.readout') : null;
  const idle = readout ? readout.textContent || '' : '';
  return {
    hooks: {
      setCursor: [
        (u) => {
          if (!readout) return;
          const i = u.cursor.idx;
          readout.textContent = i == null ? idle : readoutText(g, s, i);
        },
      ],
    },
  };
}

export function buildTrendChart(el: HTMLElement, data: TrendChartData): TrendChartEntry {
  const gi = Number(el.getAttribute('data-group'));
  const si = Number(el.getAttribute('data-series'));
  const g = data.groups[gi];
  const s = g?.series[si];
  if (!g || !s) throw new Error('faultline trend: no series ' + gi + '/' + si + ' in the data block');
  const { series, data: columns } = seriesOf(g, s);
  const n = g.labels.length;
  const width = chartWidth(el);
  const range = yRange(s);
  const opts: uPlot.Options = {
    width,
    height: Number(el.getAttribute('data-height')) || 150,
    scales: { x: { time: false, range: () => [-0.5, Math.max(0.5, n - 0.5)] }, y: { range: () => range } },
    axes: [
      axis({ size: 32, splits: (u) => nightSplits(n, u.width), values: (u, vals) => vals.map((v) => g.labels[v] ?? '') }),
      yAxis((v) => fmtTick(s.unit, v)),
    ],
    series,
    legend: { show: false },
    cursor: { sync: { key: 'trend-' + gi }, drag: { x: false, y: false } },
    plugins: [marksPlugin(g, s, el), readoutPlugin(g, s, el)],
  };
  const UPlot = uPlotConstructor();
  return { el, group: gi, metric: s.id, plot: new UPlot(opts, columns, el) };
}
