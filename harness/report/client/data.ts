// The charts' data: the <script type="application/json" id="..."> blocks the page carries (written by
// chart-data.ts), parsed once per id.
import type { ChartData } from '../chart-data.ts';

const cache = new Map<string, ChartData>();

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The block's ChartData; throws (the chart then says "chart unavailable") when it is missing or not chart data. */
function parseChartData(id: string, text: string): ChartData {
  const value: unknown = JSON.parse(text);
  if (!isObject(value) || !Array.isArray(value.t)) throw new Error('faultline report: data block #' + id + ' holds no chart data');
  const data = value as unknown as ChartData;
  return { ...data, warmup: data.warmup ?? null, faults: Array.isArray(data.faults) ? data.faults : [] };
}

export function readChartData(id: string): ChartData {
  let data = cache.get(id);
  if (!data) {
    const el = document.getElementById(id);
    if (!el) throw new Error('faultline report: no data block #' + id);
    data = parseChartData(id, el.textContent || 'null');
    cache.set(id, data);
  }
  return data;
}
