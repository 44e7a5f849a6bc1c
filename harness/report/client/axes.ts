// Axes of the time charts: one look for all, seconds on x (negative in the warm-up), and the log-scale
// tick filter of the latency chart.
import type uPlot from 'uplot';
import { FONT_FAMILY } from './canvas.ts';
import { fmtSecondsTick } from './format.ts';

const AXIS_STROKE = '#57606a';
const GRID: uPlot.Axis.Grid = { stroke: 'rgba(31,35,40,0.07)', width: 1 };
const TICKS: uPlot.Axis.Ticks = { stroke: 'rgba(31,35,40,0.15)', width: 1 };

/** An axis in the report's style; `extra` overrides any of it. */
export function axis(extra: uPlot.Axis = {}): uPlot.Axis {
  return { stroke: AXIS_STROKE, grid: GRID, ticks: TICKS, font: '11px ' + FONT_FAMILY, ...extra };
}

export function xAxis(): uPlot.Axis {
  return axis({ values: (u, vals) => vals.map(fmtSecondsTick) });
}

/** A y axis whose tick labels are `format(value)`, 60 px wide. */
export function yAxis(format: (v: number) => string, extra: uPlot.Axis = {}): uPlot.Axis {
  return axis({ size: 60, values: (u, vals) => vals.map(format), ...extra });
}

function isPow10(v: number): boolean {
  const l = Math.log10(v);
  return Math.abs(l - Math.round(l)) < 1e-9;
}

function is125(v: number): boolean {
  const m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
  return Math.abs(m - 1) < 1e-6 || Math.abs(m - 2) < 1e-6 || Math.abs(m - 5) < 1e-6;
}

/** Log-scale ticks and grid: decades only, or 1-2-5 when the data spans less than two decades. */
export const logFilter: uPlot.Axis.Filter = (u, splits) => {
  const decades = splits.filter((v) => v > 0 && isPow10(v)).length;
  const keep = decades >= 2 ? isPow10 : is125;
  return splits.map((v) => (v > 0 && keep(v) ? v : null));
};

/** A log-scale y axis (latency): ticks, grid lines and labels only where logFilter keeps a split. */
export function logYAxis(format: (v: number | null) => string): uPlot.Axis {
  return yAxis(format, {
    filter: logFilter,
    grid: { stroke: GRID.stroke, width: 1, filter: logFilter },
    ticks: { stroke: TICKS.stroke, width: 1, filter: logFilter },
  });
}
