// Fault windows: a translucent band under the series (drawClear), then on top of them (draw) the
// window's edges, a name tag, and on the success chart a dashed "recovered" marker.
import type uPlot from 'uplot';
import type { ChartFault } from '../chart-data.ts';
import { FONT_FAMILY, firstFreeRow, px, shows, verticalLine, xSpan, type Span } from './canvas.ts';

/** Where the tags and recovery markers already drawn on one chart are, so later ones do not overlap. */
interface Placed {
  /** Right end of the last name tag on each row. */
  tagRows: number[];
  /** Right end of the last "recovered" label on each row. */
  recoveryRows: number[];
  /** x of every recovery marker drawn. */
  recoveryXs: number[];
}

export function faultWindowsPlugin(faults: readonly ChartFault[], showRecovery: boolean): uPlot.Plugin {
  return {
    hooks: {
      drawClear: [(u) => fillFaultBands(u, faults)],
      draw: [(u) => drawFaultMarks(u, faults, showRecovery)],
    },
  };
}

function fillFaultBands(u: uPlot, faults: readonly ChartFault[]): void {
  const ctx = u.ctx;
  ctx.save();
  for (const f of faults) {
    const s = xSpan(u, f.from, f.to);
    if (!shows(s)) continue;
    ctx.fillStyle = f.fill;
    ctx.fillRect(s.x0, u.bbox.top, s.x1 - s.x0, u.bbox.height);
  }
  ctx.restore();
}

function tagFont(): string {
  return '600 ' + px(11) + 'px ' + FONT_FAMILY;
}

function drawFaultMarks(u: uPlot, faults: readonly ChartFault[], showRecovery: boolean): void {
  const ctx = u.ctx;
  ctx.save();
  ctx.font = tagFont();
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  const placed: Placed = { tagRows: [], recoveryRows: [], recoveryXs: [] };
  for (const f of faults) {
    const s = xSpan(u, f.from, f.to);
    if (!shows(s)) continue;
    drawEdges(u, f, s);
    drawNameTag(u, f, s, placed.tagRows);
    if (showRecovery && f.recovered_at != null) drawRecovery(u, f.stroke, f.recovered_at, placed);
  }
  ctx.restore();
}

/** The window's start, and its end if it was healed (an unhealed window runs off the chart). */
function drawEdges(u: uPlot, f: ChartFault, s: Span): void {
  const ctx = u.ctx;
  ctx.strokeStyle = f.stroke;
  ctx.globalAlpha = 0.55;
  ctx.lineWidth = px(1);
  ctx.setLineDash([]);
  ctx.beginPath();
  verticalLine(u, s.x0 + 0.5);
  if (f.healed) verticalLine(u, s.x1 - 0.5);
  ctx.stroke();
  ctx.globalAlpha = 1;
}

/** The fault's name, on the first row where it does not overlap an earlier tag. */
function drawNameTag(u: uPlot, f: ChartFault, s: Span, rows: number[]): void {
  const ctx = u.ctx;
  const w = ctx.measureText(f.name).width + px(10);
  const h = px(17);
  const row = firstFreeRow(rows, s.x0);
  rows[row] = s.x0 + w + px(4);
  const x = s.x0 + px(3);
  const y = u.bbox.top + px(4) + row * (h + px(3));
  ctx.fillStyle = f.stroke;
  ctx.fillRect(x, y, w, h);
  ctx.fillStyle = '#ffffff';
  ctx.fillText(f.name, x + px(5), y + px(3));
}

/** A dashed line where the success rate was back, labelled at the bottom; faults that recovered at the same moment share one. */
function drawRecovery(u: uPlot, stroke: string, recoveredAt: number, placed: Placed): void {
  const rx = u.valToPos(recoveredAt, 'x', true);
  const dup = placed.recoveryXs.some((x) => Math.abs(x - rx) < px(3));
  if (dup || !(rx >= u.bbox.left && rx <= u.bbox.left + u.bbox.width)) return;
  placed.recoveryXs.push(rx);
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = stroke;
  ctx.setLineDash([px(4), px(3)]);
  ctx.beginPath();
  verticalLine(u, rx + 0.5);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = px(10) + 'px ' + FONT_FAMILY;
  ctx.fillStyle = stroke;
  ctx.textBaseline = 'bottom';
  const rw = ctx.measureText('recovered').width + px(8);
  const row = firstFreeRow(placed.recoveryRows, rx);
  placed.recoveryRows[row] = rx + rw;
  ctx.fillText('recovered', rx + px(4), u.bbox.top + u.bbox.height - px(4) - row * px(13));
  ctx.restore();
}
