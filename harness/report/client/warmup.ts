// The warm-up: a hatched grey band from its first second to 0 under the series, and on top a dotted
// line at 0 and a "warm-up" tag, unlike a fault window's coloured band. Where the band was drawn is
// kept on the chart's element (data-warmup="drawn", data-warmup-x0/x1 in canvas pixels) so a test can
// check the canvas there.
import type uPlot from 'uplot';
import type { ChartWarmup } from '../chart-data.ts';
import { FONT_FAMILY, px, shows, verticalLine, xSpan, type Span } from './canvas.ts';

export function warmupPlugin(warmup: ChartWarmup, el: HTMLElement): uPlot.Plugin {
  return {
    hooks: {
      drawClear: [(u) => shadeWarmup(u, warmup, el)],
      draw: [(u) => drawWarmupEnd(u, warmup)],
    },
  };
}

function shadeWarmup(u: uPlot, warmup: ChartWarmup, el: HTMLElement): void {
  const s = xSpan(u, warmup.from, warmup.to);
  if (!shows(s)) {
    el.removeAttribute('data-warmup');
    el.removeAttribute('data-warmup-x0');
    el.removeAttribute('data-warmup-x1');
    return;
  }
  fillHatched(u, s, warmup);
  el.setAttribute('data-warmup', 'drawn');
  el.setAttribute('data-warmup-x0', String(Math.round(s.x0)));
  el.setAttribute('data-warmup-x1', String(Math.round(s.x1)));
}

/** The band's fill, then diagonal hatching clipped to it. */
function fillHatched(u: uPlot, s: Span, warmup: ChartWarmup): void {
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.fillStyle = warmup.fill;
  ctx.fillRect(s.x0, top, s.x1 - s.x0, height);
  ctx.beginPath();
  ctx.rect(s.x0, top, s.x1 - s.x0, height);
  ctx.clip();
  ctx.strokeStyle = warmup.stroke;
  ctx.globalAlpha = 0.16;
  ctx.lineWidth = px(1);
  ctx.beginPath();
  const step = px(8);
  for (let x = s.x0 - height; x < s.x1; x += step) {
    ctx.moveTo(x, top + height);
    ctx.lineTo(x + height, top);
  }
  ctx.stroke();
  ctx.restore();
}

/** Time 0: the end of the warm-up, where the measured (gated) part starts; then the tag. */
function drawWarmupEnd(u: uPlot, warmup: ChartWarmup): void {
  const s = xSpan(u, warmup.from, warmup.to);
  if (!shows(s)) return;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = warmup.stroke;
  ctx.globalAlpha = 0.6;
  ctx.lineWidth = px(1);
  ctx.setLineDash([px(2), px(3)]);
  ctx.beginPath();
  verticalLine(u, s.x1 - 0.5);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  drawWarmupTag(u, warmup, s);
  ctx.restore();
}

/** The "warm-up" tag, halfway down (clear of success rates near 100%, of quiet latencies near the floor and of the arrival rate), if it fits. */
function drawWarmupTag(u: uPlot, warmup: ChartWarmup, s: Span): void {
  const ctx = u.ctx;
  ctx.font = 'italic 600 ' + px(11) + 'px ' + FONT_FAMILY;
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  const label = warmup.label;
  const w = ctx.measureText(label).width + px(10);
  if (w > s.x1 - s.x0 + px(40)) return;
  const h = px(17);
  const x = s.x0 + px(3);
  const y = Math.round(u.bbox.top + (u.bbox.height - h) / 2);
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(x, y, w, h);
  ctx.strokeStyle = warmup.stroke;
  ctx.lineWidth = px(1);
  ctx.setLineDash([px(3), px(2)]);
  ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  ctx.setLineDash([]);
  ctx.fillStyle = warmup.stroke;
  ctx.fillText(label, x + px(5), y + h - px(3));
}
