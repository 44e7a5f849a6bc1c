// A suite's index page: one row per run with its verdict (passed / failed / inconclusive) and headline
// numbers, a link to each run's report, and a combined junit.xml with one <testsuite> per run. The suite
// is failed if any run failed, else inconclusive if any run stayed inconclusive, else passed.
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { join, relative, resolve } from 'node:path';
import type { Summary, Verdict } from '../summary/types.ts';
import { count, ms, pct, rateClass } from './format.ts';
import { html } from './html.ts';
import { buildJunit } from './junit.ts';
import { page } from './page.ts';
import { badge, reasonLines, worstDuring, worstRecoveryText } from './sections/header.ts';

export interface SuiteRun {
  runDir: string;
  summary: Summary;
}

export interface SuiteIndex {
  /** Paths written: `<suiteDir>/index.html` and `<suiteDir>/junit.xml`. */
  html: string;
  junit: string;
  /** True only when every run passed. */
  passed: boolean;
  /** failed if any run failed, else inconclusive if any run was, else passed. */
  verdict: Verdict;
  counts: Record<Verdict, number>;
}

function href(suiteDir: string, runDir: string): string {
  return relative(resolve(suiteDir), resolve(runDir, 'index.html')).split('\\').join('/');
}

export function suiteCounts(runs: SuiteRun[]): Record<Verdict, number> {
  const out: Record<Verdict, number> = { passed: 0, failed: 0, inconclusive: 0 };
  for (const r of runs) out[r.summary.verdict] = (out[r.summary.verdict] ?? 0) + 1;
  return out;
}

/** The suite's verdict: as bad as its worst run (failed < inconclusive < passed). */
export function suiteVerdict(runs: SuiteRun[]): Verdict {
  const n = suiteCounts(runs);
  return n.failed > 0 ? 'failed' : n.inconclusive > 0 ? 'inconclusive' : 'passed';
}

const LABEL: Record<Verdict, string> = { passed: 'PASSED', failed: 'FAILED', inconclusive: 'INCONCLUSIVE' };
const CLS: Record<Verdict, string> = { passed: 'pass', failed: 'fail', inconclusive: 'inconclusive' };

export function suiteIndexHtml(suiteDir: string, runs: SuiteRun[], name: string): string {
  const n = suiteCounts(runs);
  const verdict = suiteVerdict(runs);
  const started = runs.map((r) => r.summary.started_at).filter(Boolean).sort()[0] ?? '';
  const body = html`<header class="top"><div class="wrap">
  <div class="brand"><b>▲</b> faultline suite</div>
  <div class="title"><h1>${name}</h1><span class="badge ${CLS[verdict]}" data-verdict="${CLS[verdict]}">${LABEL[verdict]}</span></div>
  <div class="meta suite-counts"><span><b>${runs.length}</b> runs</span><span data-count="passed"><b>${n.passed}</b> passed</span><span data-count="failed"><b>${n.failed}</b> failed</span><span data-count="inconclusive" class="inconclusive"><b>${n.inconclusive}</b> inconclusive</span>${
    started ? html`<span>started <b>${started}</b></span>` : ''
  }<span>JUnit: <a href="junit.xml" style="color:#c9d1d9">junit.xml</a></span></div>
</div></header>
<main><div class="wrap">
<section class="card" id="runs"><h2>Runs</h2>
<div class="table-scroll"><table class="suite">
  <thead><tr><th></th><th>scenario</th><th>router</th><th>stand-in</th><th class="num">authorizations</th><th class="num">success</th><th class="num">worst in a fault</th><th class="num">p99</th><th class="num">recovery</th><th class="num">invariants</th><th class="num">thresholds</th></tr></thead>
  <tbody>${runs.map(({ runDir, summary: s }) => {
    const during = worstDuring(s);
    const rec = worstRecoveryText(s);
    const invOk = s.invariants.filter((i) => i.ok).length;
    const thrOk = s.thresholds.filter((t) => t.ok).length;
    const judged = s.verdict !== 'inconclusive';
    return html`<tr class="run-row ${CLS[s.verdict]}" data-run="${s.scenario}" data-verdict="${s.verdict}" data-passed="${s.passed ? 'true' : 'false'}">
      <td>${badge(s)}</td>
      <td><a href="${href(suiteDir, runDir)}" title="${s.description}"><b>${s.scenario}</b></a></td>
      <td>${s.router}</td><td>${s.standin ? 'on' : 'off'}</td>
      <td class="num">${count(s.authorizations.total)}</td>
      <td class="num ${rateClass(s.authorizations.success_rate)}">${pct(s.authorizations.success_rate)}</td>
      <td class="num ${rateClass(during)}">${during === null ? '–' : pct(during)}</td>
      <td class="num">${ms(s.latency_ms.p99)}</td>
      <td class="num ${rec.cls}">${rec.text}</td>
      <td class="num ${invOk < s.invariants.length ? 'bad' : ''}">${count(invOk)}/${count(s.invariants.length)}</td>
      <td class="num ${judged && thrOk < s.thresholds.length ? 'bad' : judged ? '' : 'muted'}"${judged ? '' : html` title="not judged: the run is inconclusive"`}>${
        judged ? html`${count(thrOk)}/${count(s.thresholds.length)}` : 'not judged'
      }</td>
    </tr>${
      s.verdict === 'passed'
        ? ''
        : html`<tr class="why ${CLS[s.verdict]}"><td></td><td colspan="10"><ul class="why-lines">${reasonLines(s).map((r) => html`<li>${r}</li>`)}</ul></td></tr>`
    }`;
  })}</tbody>
</table></div>
${n.inconclusive > 0 ? html`<p class="note">Inconclusive: the run's own health (driver lateness, event-loop delay, fault activation lag, an unhealthy pipeline before any fault) or an interruption says the machine shaped its numbers. Its thresholds were not judged and it was not compared with a baseline; each report says what was distorted and what to do.</p>` : ''}
</section>
<footer>faultline suite index · each run links to its own report</footer>
</div></main>`;
  return page({ title: `${LABEL[verdict]} · ${name} · faultline suite`, body, data: [], charts: false });
}

/** Writes `<suiteDir>/index.html` linking each run's report and a combined `<suiteDir>/junit.xml`. */
export async function writeSuiteIndex(suiteDir: string, runs: SuiteRun[], name = 'faultline suite'): Promise<SuiteIndex> {
  await mkdir(suiteDir, { recursive: true });
  const files = { html: join(suiteDir, 'index.html'), junit: join(suiteDir, 'junit.xml') };
  await writeFileAtomic(files.html, suiteIndexHtml(suiteDir, runs, name));
  await writeFileAtomic(files.junit, buildJunit(runs.map((r) => r.summary), name));
  const verdict = suiteVerdict(runs);
  return { ...files, passed: verdict === 'passed', verdict, counts: suiteCounts(runs) };
}
