// What the trend charts draw besides the series: each night's band (where the value met every limit it was
// held to that night), the columns of nights that are not comparable (inconclusive or incomplete: hatched
// amber, their value a hollow point off the line), a strip of each night's verdict colour along the
// bottom, and "never" where a fault never recovered. Where it marked what is kept on the chart's element
// (data-not-comparable, data-never, data-banded) so a test can check the canvas there.
import type uPlot from 'uplot';
import type { TrendChartGroup, TrendChartSeries } from '../chart-data.ts';
import type { NightVerdict } from '../model.ts';
import { FONT_FAMILY, px } from '../../report/client/canvas.ts';

export const VERDICT_COLOURS: Readonly<Record<NightVerdict, string>> = {
  passed: '#1a7f37',
  failed: '#cf222e',
  inconclusive: '#f0a800',
  incomplete: '#8b949e',
};

const BAND_FILL = 'rgba(26, 127, 55, 0.09)';
const BAND_EDGE = 'rgba(26, 127, 55, 0.75)';
const NOT_COMPARABLE_FILL = 'rgba(240, 168, 0, 0.20)';
const NOT_COMPARABLE_HATCH = '#b07d00';

/** Night i's column, [i - 0.5, i + 0.5], in canvas pixels clamped to the plotting area. */
function column(u: uPlot, i: number): { x0: number; x1: number } {
  const left = u.bbox.left;
  const right = left + u.bbox.width;
  const clamp = (x: number): number => Math.max(left, Math.min(right, x));
  return { x0: clamp(u.valToPos(i - 0.5, 'x', true)), x1: clamp(u.valToPos(i + 0.5, 'x', true)) };
}

function clampY(u: uPlot, y: number): number {
  return Math.max(u.bbox.top, Math.min(u.bbox.top + u.bbox.height, y));
}

function hatchedColumn(u: uPlot, x0: number, x1: number): void {
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.fillStyle = NOT_COMPARABLE_FILL;
  ctx.fillRect(x0, top, x1 - x0, height);
  ctx.beginPath();
  ctx.rect(x0, top, x1 - x0, height);
  ctx.clip();
  ctx.strokeStyle = NOT_COMPARABLE_HATCH;
  ctx.globalAlpha = 0.22;
  ctx.lineWidth = px(1);
  ctx.beginPath();
  for (let x = x0 - height; x < x1; x += px(7)) {
    ctx.moveTo(x, top + height);
    ctx.lineTo(x + height, top);
  }
  ctx.stroke();
  ctx.restore();
}

function drawColumns(u: uPlot, g: TrendChartGroup, el: HTMLElement): void {
  const marked: number[] = [];
  g.comparable.forEach((comparable, i) => {
    if (comparable) return;
    const c = column(u, i);
    if (c.x1 <= c.x0) return;
    hatchedColumn(u, c.x0, c.x1);
    marked.push(i);
  });
  el.setAttribute('data-not-comparable', marked.join(','));
}

/** The band of each judged night (a night that was not judged was held to nothing: no band). */
function drawBands(u: uPlot, g: TrendChartGroup, s: TrendChartSeries, el: HTMLElement): void {
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  const banded: number[] = [];
  ctx.save();
  for (let i = 0; i < s.values.length; i++) {
    const lo = s.lo[i];
    const hi = s.hi[i];
    if ((lo == null && hi == null) || !g.comparable[i]) continue;
    const c = column(u, i);
    if (c.x1 <= c.x0) continue;
    const yHi = hi == null ? top : clampY(u, u.valToPos(hi, 'y', true));
    const yLo = lo == null ? top + height : clampY(u, u.valToPos(lo, 'y', true));
    ctx.fillStyle = BAND_FILL;
    if (yLo > yHi) ctx.fillRect(c.x0, yHi, c.x1 - c.x0, yLo - yHi);
    ctx.strokeStyle = BAND_EDGE;
    ctx.lineWidth = px(1.5);
    ctx.setLineDash([px(4), px(3)]);
    ctx.beginPath();
    for (const edge of [lo, hi]) {
      if (edge == null) continue;
      const y = Math.round(u.valToPos(edge, 'y', true)) + 0.5;
      if (y < top || y > top + height) continue;
      ctx.moveTo(c.x0, y);
      ctx.lineTo(c.x1, y);
    }
    ctx.stroke();
    banded.push(i);
  }
  ctx.restore();
  el.setAttribute('data-banded', banded.join(','));
}

/** Each night's verdict colour along the bottom of the plotting area. */
function drawVerdictStrip(u: uPlot, g: TrendChartGroup): void {
  const ctx = u.ctx;
  const h = px(5);
  const y = u.bbox.top + u.bbox.height - h;
  ctx.save();
  g.verdicts.forEach((v, i) => {
    const c = column(u, i);
    if (c.x1 <= c.x0) return;
    ctx.fillStyle = VERDICT_COLOURS[v];
    ctx.fillRect(c.x0 + px(1), y, c.x1 - c.x0 - px(2), h);
  });
  ctx.restore();
}

/** "never" at the top of the nights on which the fault never recovered (there is no number to draw). */
function drawNever(u: uPlot, s: TrendChartSeries, el: HTMLElement): void {
  const ctx = u.ctx;
  const nights: number[] = [];
  ctx.save();
  ctx.font = '600 ' + px(11) + 'px ' + FONT_FAMILY;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  s.never.forEach((never, i) => {
    if (!never) return;
    const x = u.valToPos(i, 'x', true);
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
    ctx.fillStyle = VERDICT_COLOURS.failed;
    ctx.beginPath();
    ctx.moveTo(x - px(5), u.bbox.top + px(2));
    ctx.lineTo(x + px(5), u.bbox.top + px(2));
    ctx.lineTo(x, u.bbox.top + px(10));
    ctx.fill();
    ctx.fillText('never', x, u.bbox.top + px(12));
    nights.push(i);
  });
  ctx.restore();
  el.setAttribute('data-never', nights.join(','));
}

export function marksPlugin(g: TrendChartGroup, s: TrendChartSeries, el: HTMLElement): uPlot.Plugin {
  return {
    hooks: {
      drawClear: [
        (u) => {
          drawColumns(u, g, el);
          drawBands(u, g, s, el);
        },
      ],
      draw: [
        (u) => {
          drawVerdictStrip(u, g);
          drawNever(u, s, el);
        },
      ],
    },
  };
}
