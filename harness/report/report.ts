// One run's report: index.html (self-contained) and junit.xml, rendered from a run's summary. A run hands
// over the summary it holds (writeSummaryReport); `faultline report <folder>` rebuilds from summary.json
// (writeReport): the same render, so the two are byte for byte the same.
import { join } from 'node:path';
import type { Summary } from '../summary/types.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { chartData } from './chart-data.ts';
import { html } from './html.ts';
import { buildJunit } from './junit.ts';
import { readSummary } from './load.ts';
import { page } from './page.ts';
import { causesSection } from './sections/causes.ts';
import { declinesSection } from './sections/declines.ts';
import { inconclusiveBanner } from './sections/banner.ts';
import { checksSection } from './sections/checks.ts';
import { healthSection } from './sections/health.ts';
import { header, kpis, statusOf, verdictPanel } from './sections/header.ts';
import { invariantsSection } from './sections/invariants.ts';
import { outcomesSection } from './sections/outcomes.ts';
import { phasesSection } from './sections/phases.ts';
import { runSection } from './sections/run.ts';
import { timelineSection } from './sections/timeline.ts';
import { trafficSection } from './sections/traffic.ts';

export interface BuiltReport {
  html: string;
  junit: string;
}

const NAV = [
  ['verdict', 'Verdict'],
  ['health', 'Run health'],
  ['timeline', 'Over time'],
  ['outcomes', 'Outcomes'],
  ['phases', 'Phases'],
  ['causes', 'Causes'],
  ['declines', 'Declines'],
  ['invariants', 'Invariants'],
  ['checks', 'Thresholds'],
  ['traffic', 'App & load'],
  ['run', 'Repeat'],
] as const;

export function reportHtml(summary: Summary): string {
  const source = 'faultline-data';
  // An inconclusive run's banner comes first, above everything else in the body.
  const body = html`${inconclusiveBanner(summary)}${header(summary, NAV)}
<main><div class="wrap">
${verdictPanel(summary)}
${kpis(summary)}
${healthSection(summary)}
${timelineSection(summary, source)}
${outcomesSection(summary)}
${phasesSection(summary)}
${causesSection(summary)}
${declinesSection(summary)}
${invariantsSection(summary)}
${checksSection(summary)}
${trafficSection(summary)}
${runSection(summary)}
<footer>faultline ${summary.versions.faultline} · node ${summary.versions.node} · ${summary.versions.platform} · built from summary.json</footer>
</div></main>`;
  return page({
    title: `${statusOf(summary).label} · ${summary.scenario} (${summary.router}) · faultline`,
    body,
    data: [{ id: source, value: chartData(summary) }],
    charts: true,
  });
}

export function reportFromSummary(summary: Summary): BuiltReport {
  return { html: reportHtml(summary), junit: buildJunit([summary], `faultline ${summary.scenario}`) };
}

/** Builds a run's report from `<runDir>/summary.json` (the summary carries the per-second series). */
export async function buildReport(runDir: string): Promise<BuiltReport> {
  return reportFromSummary(await readSummary(runDir));
}

/** Writes `index.html` and `junit.xml` of this summary into the run folder; returns their paths. */
export async function writeSummaryReport(runDir: string, summary: Summary): Promise<{ html: string; junit: string }> {
  const built = reportFromSummary(summary);
  const files = { html: join(runDir, 'index.html'), junit: join(runDir, 'junit.xml') };
  await writeFileAtomic(files.html, built.html);
  await writeFileAtomic(files.junit, built.junit);
  return files;
}

/** Rebuilds `index.html` and `junit.xml` from `<runDir>/summary.json` (checked against its schema first). */
export async function writeReport(runDir: string): Promise<{ html: string; junit: string }> {
  return writeSummaryReport(runDir, await readSummary(runDir));
}
