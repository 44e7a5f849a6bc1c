// Browser side of the report, the entry point harness/report/assets.ts bundles (esbuild, IIFE) and
// inlines into every page after uPlot: draws the charts from the JSON blocks in the page, shades the
// warm-up (t < 0) and each fault window, and wires the copy button. No network access. Text from the
// data is only ever drawn on the canvas (fillText), never put in the DOM.
import { buildChart, chartWidth, type ChartEntry } from './chart.ts';
import { initCopyButtons } from './copy.ts';

function showChartError(el: HTMLElement, err: unknown): void {
  el.textContent = 'chart unavailable: ' + (err instanceof Error && err.message ? err.message : String(err));
  el.className += ' chart-error';
  console.error(err);
}

/** Charts follow the window's width, 100 ms after the last resize. */
function resizeWithWindow(charts: readonly ChartEntry[]): void {
  let timer: number | undefined;
  window.addEventListener('resize', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      for (const c of charts) c.plot.setSize({ width: chartWidth(c.el), height: c.plot.height });
    }, 100);
  });
}

function initCharts(): void {
  const charts: ChartEntry[] = [];
  window.faultlineCharts = charts;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-chart]'))) {
    try {
      charts.push(buildChart(el));
    } catch (err) {
      showChartError(el, err);
    }
  }
  resizeWithWindow(charts);
  // Tests wait for this: every chart has been built and drawn once.
  requestAnimationFrame(() => {
    document.documentElement.setAttribute('data-charts-ready', 'true');
  });
}

function init(): void {
  initCharts();
  initCopyButtons();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
