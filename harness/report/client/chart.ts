// One chart: an element with data-chart="success|latency|throughput" and data-source="<id of a JSON
// block>" (optional data-height, data-sync) becomes a uPlot chart with the warm-up and fault bands.
import type uPlot from 'uplot';
import type { ChartData } from '../chart-data.ts';
import { readChartData } from './data.ts';
import { faultWindowsPlugin } from './fault-windows.ts';
import { chartSpec, isChartKind, type ChartKind } from './series.ts';
import { warmupPlugin } from './warmup.ts';

/** A chart drawn on the page; the list is window.faultlineCharts, which the browser test reads. */
export interface ChartEntry {
  el: HTMLElement;
  kind: ChartKind;
  source: string;
  plot: uPlot;
}

declare global {
  interface Window {
    faultlineCharts: ChartEntry[];
  }
}

/** uPlot's constructor: its IIFE build is inlined in the page before this script, as the global `uPlot`. */
function uPlotConstructor(): typeof uPlot {
  const ctor = (window as unknown as { uPlot?: typeof uPlot }).uPlot;
  if (!ctor) throw new Error('faultline report: uPlot is not loaded');
  return ctor;
}

export function chartWidth(el: HTMLElement): number {
  return Math.max(320, el.clientWidth || 800);
}

/** The warm-up band first (under the fault windows), then the fault windows. */
function bandPlugins(d: ChartData, recovery: boolean, el: HTMLElement): uPlot.Plugin[] {
  const plugins = [faultWindowsPlugin(d.faults, recovery)];
  if (d.warmup) plugins.unshift(warmupPlugin(d.warmup, el));
  return plugins;
}

export function buildChart(el: HTMLElement): ChartEntry {
  const kind = el.getAttribute('data-chart');
  if (!isChartKind(kind)) throw new Error('faultline report: unknown chart kind ' + kind);
  const source = el.getAttribute('data-source');
  if (!source) throw new Error('faultline report: the ' + kind + ' chart names no data-source');
  const d = readChartData(source);
  const spec = chartSpec(kind, d);
  const opts: uPlot.Options = {
    ...spec.opts,
    width: chartWidth(el),
    height: Number(el.getAttribute('data-height')) || 240,
    legend: { live: true },
    cursor: { sync: { key: el.getAttribute('data-sync') || source }, drag: { x: true, y: false } },
    plugins: bandPlugins(d, spec.recovery, el),
  };
  const UPlot = uPlotConstructor();
  return { el, kind, source, plot: new UPlot(opts, spec.data, el) };
}
