// The three time charts: for each, its scales, axes, series (with how the legend reads them) and the
// columns of data they draw, built from one ChartData block.
import type uPlot from 'uplot';
import type { ChartData } from '../chart-data.ts';
import { logYAxis, xAxis, yAxis } from './axes.ts';
import { fmtMs, fmtMsTick, fmtPct, fmtPctTick, fmtRate, fmtRateTick, fmtSeconds } from './format.ts';

export type ChartKind = 'success' | 'latency' | 'throughput';

/** uPlot's options less what depends on the chart's element (size, cursor sync, plugins). */
export type ChartOptions = Pick<uPlot.Options, 'scales' | 'axes' | 'series'>;

export interface ChartSpec {
  opts: ChartOptions;
  data: uPlot.AlignedData;
  /** Mark when each fault's success rate was back (only on the success chart). */
  recovery: boolean;
}

function timeSeries(): uPlot.Series {
  return { label: 'time', value: (u, v) => fmtSeconds(v) };
}

interface Line {
  label: string;
  stroke: string;
  width: number;
  dash?: number[];
}

/** A data series drawn as a line without points; the legend reads its value through `format`. */
function line(spec: Line, format: (v: number | null) => string): uPlot.Series {
  return { ...spec, value: (u, v) => format(v), points: { show: false } };
}

function successChart(d: ChartData): ChartSpec {
  return {
    opts: {
      scales: { x: { time: false }, y: { range: [0, 1.0001] } },
      axes: [xAxis(), yAxis(fmtPctTick)],
      series: [
        timeSeries(),
        line({ label: 'success rate', stroke: '#2f9e44', width: 2 }, fmtPct),
        line({ label: 'issuer success rate', stroke: '#1c7ed6', width: 1.5, dash: [6, 4] }, fmtPct),
        line({ label: 'app reads', stroke: '#868e96', width: 1 }, fmtPct),
      ],
    },
    data: [d.t, d.success, d.issuer, d.app],
    recovery: true,
  };
}

/** Latency is on a log scale, so a 0 ms second is drawn at 0.1 ms instead of vanishing. */
function positive(values: ReadonlyArray<number | null>): Array<number | null> {
  return values.map((v) => (v == null ? null : Math.max(v, 0.1)));
}

function latencyScale(d: ChartData): uPlot.Scale {
  const range = d.latency_range;
  return range ? { distr: 3, log: 10, range: () => range } : { distr: 3, log: 10 };
}

function latencyChart(d: ChartData): ChartSpec {
  return {
    opts: {
      scales: { x: { time: false }, y: latencyScale(d) },
      axes: [xAxis(), logYAxis(fmtMsTick)],
      series: [
        timeSeries(),
        line({ label: 'p50', stroke: '#1c7ed6', width: 1.5 }, fmtMs),
        line({ label: 'p99', stroke: '#e8590c', width: 2 }, fmtMs),
      ],
    },
    data: [d.t, positive(d.p50), positive(d.p99)],
    recovery: false,
  };
}

function throughputChart(d: ChartData): ChartSpec {
  const target = d.t.map(() => d.target_rate);
  return {
    opts: {
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [xAxis(), yAxis(fmtRateTick)],
      series: [
        timeSeries(),
        line({ label: 'target', stroke: '#adb5bd', width: 1.5, dash: [4, 4] }, fmtRate),
        line({ label: 'sent', stroke: '#1c7ed6', width: 1.5 }, fmtRate),
        line({ label: 'authorizations', stroke: '#2f9e44', width: 1.5 }, fmtRate),
      ],
    },
    data: [d.t, target, d.sent, d.authorizations],
    recovery: false,
  };
}

const CHART_KINDS: Readonly<Record<ChartKind, (d: ChartData) => ChartSpec>> = {
  success: successChart,
  latency: latencyChart,
  throughput: throughputChart,
};

export function isChartKind(kind: string | null): kind is ChartKind {
  return kind !== null && Object.prototype.hasOwnProperty.call(CHART_KINDS, kind);
}

export function chartSpec(kind: ChartKind, d: ChartData): ChartSpec {
  return CHART_KINDS[kind](d);
}
