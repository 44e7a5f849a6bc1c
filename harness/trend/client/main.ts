// Browser side of the trend page (bundled by harness/trend/assets.ts, inlined after uPlot): one chart per
// gated metric and group from the page's JSON block. No network access; text from the data is drawn on
// the canvas or set as textContent, never parsed as HTML.
import type { TrendChartData } from '../chart-data.ts';
import { buildTrendChart, chartWidth, type TrendChartEntry } from './chart.ts';

const DATA_ID = 'faultline-trend-data';

function readData(): TrendChartData {
  const el = document.getElementById(DATA_ID);
  if (!el) throw new Error('faultline trend: no data block #' + DATA_ID);
  const value = JSON.parse(el.textContent || 'null') as TrendChartData | null;
  if (!value || !Array.isArray(value.groups)) throw new Error('faultline trend: the data block holds no groups');
  return value;
}

function showChartError(el: HTMLElement, err: unknown): void {
  el.textContent = 'chart unavailable: ' + (err instanceof Error && err.message ? err.message : String(err));
  el.className += ' chart-error';
  console.error(err);
}

function resizeWithWindow(charts: readonly TrendChartEntry[]): void {
  let timer: number | undefined;
  window.addEventListener('resize', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      for (const c of charts) c.plot.setSize({ width: chartWidth(c.el), height: c.plot.height });
    }, 100);
  });
}

function init(): void {
  const charts: TrendChartEntry[] = [];
  window.faultlineTrendCharts = charts;
  const elements = Array.from(document.querySelectorAll<HTMLElement>('[data-trend-chart]'));
  let data: TrendChartData | undefined;
  try {
    data = readData();
  } catch (err) {
    for (const el of elements) showChartError(el, err);
  }
  if (data) {
    for (const el of elements) {
      try {
        charts.push(buildTrendChart(el, data));
      } catch (err) {
        showChartError(el, err);
      }
    }
  }
  resizeWithWindow(charts);
  // Tests wait for this: every chart has been built and drawn once.
  requestAnimationFrame(() => {
    document.documentElement.setAttribute('data-charts-ready', 'true');
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
