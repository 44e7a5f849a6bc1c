// Canvas helpers shared by the bands drawn on the charts (fault windows, warm-up): device pixels, the
// label font, and a time window's horizontal extent clamped to the plotting area.
import type uPlot from 'uplot';

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** CSS pixels to canvas pixels. */
export function px(n: number): number {
  return Math.round(n * (window.devicePixelRatio || 1));
}

/** A time window's left and right edges in canvas pixels, clamped to the plotting area. */
export interface Span {
  x0: number;
  x1: number;
}

/** Where [from, to] (seconds) lies on the chart; nothing of it shows when x1 <= x0 (see shows()). */
export function xSpan(u: uPlot, from: number, to: number): Span {
  const left = u.bbox.left;
  const right = u.bbox.left + u.bbox.width;
  return {
    x0: Math.max(left, Math.min(right, u.valToPos(from, 'x', true))),
    x1: Math.max(left, Math.min(right, u.valToPos(to, 'x', true))),
  };
}

export function shows(s: Span): boolean {
  return s.x1 > s.x0;
}

/** Adds a top-to-bottom line of the plotting area at x to the current path. */
export function verticalLine(u: uPlot, x: number): void {
  u.ctx.moveTo(x, u.bbox.top);
  u.ctx.lineTo(x, u.bbox.top + u.bbox.height);
}

/** The first row whose last label ends at or before x (rowEnds[row] = right end of that row's last label). */
export function firstFreeRow(rowEnds: readonly number[], x: number): number {
  let row = 0;
  while ((rowEnds[row] ?? Number.NEGATIVE_INFINITY) > x) row++;
  return row;
}
