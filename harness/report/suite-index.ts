// A suite's index page: one row per run with pass/fail and headline numbers, a link to each run's report,
// and a combined junit.xml with one <testsuite> per run.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Summary } from '../summary/types.ts';
import { count, ms, pct, rateClass } from './format.ts';
import { html } from './html.ts';
import { buildJunit } from './junit.ts';
import { page } from './page.ts';
import { badge, worstDuring, worstRecovery } from './sections/header.ts';

export interface SuiteRun {
  runDir: string;
  summary: Summary;
}

export interface SuiteIndex {
  /** Paths written: `<suiteDir>/index.html` and `<suiteDir>/junit.xml`. */
  html: string;
  junit: string;
  passed: boolean;
}

function href(suiteDir: string, runDir: string): string {
  return relative(resolve(suiteDir), resolve(runDir, 'index.html')).split('\\').join('/');
}

export function suiteIndexHtml(suiteDir: string, runs: SuiteRun[], name: string): string {
  const failed = runs.filter((r) => !r.summary.passed).length;
  const passed = failed === 0;
  const started = runs.map((r) => r.summary.started_at).filter(Boolean).sort()[0] ?? '';
  const body = html`<header class="top"><div class="wrap">
  <div class="brand"><b>▲</b> faultline suite</div>
  <div class="title"><h1>${name}</h1><span class="badge ${passed ? 'pass' : 'fail'}" data-verdict="${passed ? 'pass' : 'fail'}">${passed ? 'PASSED' : 'FAILED'}</span></div>
  <div class="meta"><span><b>${runs.length}</b> runs</span><span><b>${runs.length - failed}</b> passed</span><span><b>${failed}</b> failed</span>${
    started ? html`<span>started <b>${started}</b></span>` : ''
  }<span>JUnit: <a href="junit.xml" style="color:#c9d1d9">junit.xml</a></span></div>
</div></header>
<main><div class="wrap">
<section class="card" id="runs"><h2>Runs</h2>
<div class="table-scroll"><table class="suite">
  <thead><tr><th></th><th>scenario</th><th>router</th><th>stand-in</th><th class="num">authorizations</th><th class="num">success</th><th class="num">worst in a fault</th><th class="num">p99</th><th class="num">recovery</th><th class="num">invariants</th><th class="num">thresholds</th></tr></thead>
  <tbody>${runs.map(({ runDir, summary: s }) => {
    const during = worstDuring(s);
    const rec = worstRecovery(s);
    const invOk = s.invariants.filter((i) => i.ok).length;
    const thrOk = s.thresholds.filter((t) => t.ok).length;
    return html`<tr class="run-row" data-run="${s.scenario}" data-passed="${s.passed ? 'true' : 'false'}">
      <td>${badge(s)}</td>
      <td><a href="${href(suiteDir, runDir)}" title="${s.description}"><b>${s.scenario}</b></a></td>
      <td>${s.router}</td><td>${s.standin ? 'on' : 'off'}</td>
      <td class="num">${count(s.authorizations.total)}</td>
      <td class="num ${rateClass(s.authorizations.success_rate)}">${pct(s.authorizations.success_rate)}</td>
      <td class="num ${rateClass(during)}">${during === null ? '–' : pct(during)}</td>
      <td class="num">${ms(s.latency_ms.p99)}</td>
      <td class="num ${rec === 'never' ? 'bad' : ''}">${rec === null ? '–' : rec === 'never' ? 'never' : `${rec.toFixed(1)} s`}</td>
      <td class="num ${invOk < s.invariants.length ? 'bad' : ''}">${count(invOk)}/${count(s.invariants.length)}</td>
      <td class="num ${thrOk < s.thresholds.length ? 'bad' : ''}">${count(thrOk)}/${count(s.thresholds.length)}</td>
    </tr>${
      s.passed
        ? ''
        : html`<tr class="why"><td></td><td colspan="10"><ul class="why-lines">${s.verdict.map((r) => html`<li>${r}</li>`)}</ul></td></tr>`
    }`;
  })}</tbody>
</table></div></section>
<footer>faultline suite index · each run links to its own report</footer>
</div></main>`;
  return page({ title: `${passed ? 'PASSED' : 'FAILED'} · ${name} · faultline suite`, body, data: [], charts: false });
}

/** Writes `<suiteDir>/index.html` linking each run's report and a combined `<suiteDir>/junit.xml`. */
export async function writeSuiteIndex(suiteDir: string, runs: SuiteRun[], name = 'faultline suite'): Promise<SuiteIndex> {
  await mkdir(suiteDir, { recursive: true });
  const files = { html: join(suiteDir, 'index.html'), junit: join(suiteDir, 'junit.xml') };
  await writeFile(files.html, suiteIndexHtml(suiteDir, runs, name));
  await writeFile(files.junit, buildJunit(runs.map((r) => r.summary), name));
  return { ...files, passed: runs.every((r) => r.summary.passed) };
}
