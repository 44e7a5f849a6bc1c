// The banner at the very top of an inconclusive run's page: the run's own health (or an interruption) says
// the machine, not the pipeline, shaped its numbers. It says what was distorted, what to do about it, and
// that the run was neither judged on its thresholds nor compared with a baseline.
import type { Summary } from '../../summary/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { distortions, remedies } from '../inconclusive.ts';

export function inconclusiveBanner(summary: Summary): SafeHtml {
  if (summary.verdict !== 'inconclusive') return html``;
  const why = summary.incomplete && summary.validity.ok ? 'it was interrupted' : 'its own health says the machine, not the pipeline, shaped its numbers';
  return html`<div class="banner inconclusive" id="inconclusive" role="alert" data-banner="inconclusive"><div class="wrap">
  <h2><span class="badge inconclusive">INCONCLUSIVE</span> This run cannot be trusted: ${why}</h2>
  <div class="banner-cols">
    <div><h3>What was distorted</h3><ul class="banner-distorted">${distortions(summary).map((line) => html`<li>${line}</li>`)}</ul></div>
    <div><h3>What to do</h3><ul class="banner-advice">${remedies(summary).map((line) => html`<li>${line}</li>`)}</ul></div>
  </div>
  <p class="banner-note">It was not compared with a baseline and its thresholds were not judged: a gate never compares an inconclusive run, nor keeps it as a baseline. The numbers below are shown as measured.</p>
</div></div>`;
}
