// The charts over time (success rate, latency, throughput) with the warm-up and each fault window shaded
// and labelled, and the DOM legend that names each band.
import type { Summary } from '../../summary/types.ts';
import { chartFaults, chartWarmup } from '../chart-data.ts';
import { count, ms, secs } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';

export type ChartKind = 'success' | 'latency' | 'throughput';

export const CHART_TITLES: Record<ChartKind, string> = {
  success: 'Success rate per second',
  latency: 'Authorization latency per second (p50, p99; log scale)',
  throughput: 'Arrivals per second: target vs achieved',
};

/** A chart placeholder; the inlined client script draws into it from the JSON block `source`. */
export function chart(kind: ChartKind, source: string, options: { title?: string; height?: number; sync?: string } = {}): SafeHtml {
  return html`<div class="chart-block">
  <h3>${options.title ?? CHART_TITLES[kind]}</h3>
  <div class="chart" data-chart="${kind}" data-source="${source}"${options.height ? html` data-height="${options.height}"` : ''}${
    options.sync ? html` data-sync="${options.sync}"` : ''
  }></div>
</div>`;
}

/** The warm-up's own numbers, in one line: recorded, never gated. Empty when the run had no warm-up. */
export function warmupLine(summary: Summary): string {
  const w = summary.warmup;
  if (!(w.duration_s > 0)) return '';
  const n = w.authorizations.total;
  return `warm-up ${w.duration_s} s: ${count(n)} authorization${n === 1 ? '' : 's'}${
    n > 0 ? `, p99 ${ms(w.latency_ms.p99)}` : ''
  } — recorded, not gated`;
}

function warmupItem(summary: Summary): SafeHtml {
  const band = chartWarmup(summary);
  if (!band) return html``;
  return html`<li class="fault-label warmup-label" data-band="warmup"><span class="band warmup-band" style="border-color:${band.stroke}"></span><b style="color:${band.stroke}">warm-up</b> <span class="when">−${Math.abs(band.from)} s to 0 s, recorded and charted, never gated</span></li>`;
}

export function faultLegend(summary: Summary): SafeHtml {
  const warmup = warmupItem(summary);
  if (summary.faults.length === 0) {
    return html`${warmup.value ? html`<ul class="fault-legend">${warmup}</ul>` : ''}<p class="note">No fault windows: this run is a baseline.</p>`;
  }
  const drawn = new Map(chartFaults(summary).map((f) => [f.name, f]));
  return html`<ul class="fault-legend">${warmup}${summary.faults.map((f) => {
    const c = drawn.get(f.name);
    if (!c) {
      return html`<li class="fault-label" data-fault="${f.name}"><span class="band" style="border-color:#adb5bd"></span><b>${f.name}</b> <span class="when">${f.fault} → ${f.target}: never applied${f.error ? `: ${f.error}` : ''}</span></li>`;
    }
    const rec =
      f.recovery_applicable === false
        ? ', lasts to the end of traffic (recovery n/a)'
        : !c.healed
          ? ', not healed'
          : c.recovered_at === null
            ? ', never recovered'
            : `, recovered ${secs(f.recovery_s)} later`;
    return html`<li class="fault-label" data-fault="${f.name}"><span class="band" style="background:${c.fill};border-color:${c.stroke}"></span><b style="color:${c.stroke}">${f.name}</b> <span class="when">${f.fault} → ${f.target}, ${secs(c.from)}–${c.healed ? secs(c.to) : 'end'}${rec}</span></li>`;
  })}</ul>`;
}

export function timelineSection(summary: Summary, source: string): SafeHtml {
  return html`<section class="card" id="timeline">
  <h2>Over time</h2>
  ${faultLegend(summary)}
  ${chart('success', source, { height: 260 })}
  ${chart('latency', source, { height: 220 })}
  ${chart('throughput', source, { height: 180 })}
  <p class="note">Shaded bands are fault windows, from when each fault took effect to when it healed; a dashed line marks when the success rate recovered.${
    summary.warmup.duration_s > 0 ? ' The hatched grey band before 0 s is the warm-up: charted, but in no phase, threshold or baseline.' : ''
  } Drag across a chart to zoom, double-click to reset.</p>
</section>`;
}
