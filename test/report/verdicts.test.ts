// Verdicts in the report, JUnit, comparison and suite index: an inconclusive run (its own health broke, or
// it was interrupted) gets the banner at the top and a JUnit <error>, not a <failure>; a fault window that
// spans the whole run shows no before/after phase and recovery "n/a"; the warm-up is shown and not gated;
// an older summary.json (verdict as lines, no warm-up or validity) still renders.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyDecision, decide } from '../../harness/gate/verdict.ts';
import { comparisonHtml } from '../../harness/report/compare.ts';
import { buildJunit } from '../../harness/report/junit.ts';
import { normalizeSummary } from '../../harness/report/load.ts';
import { buildReport, reportHtml } from '../../harness/report/report.ts';
import { writeSuiteIndex } from '../../harness/report/suite-index.ts';
import type { Summary } from '../../harness/summary/types.ts';
import { EVIL_MERCHANT, legacySummaryJson, MONZO_THRESHOLDS, monzoSummary, starvedSummary, wholeRunFaultSummary } from './fixtures.ts';
import { cardNumbersIn, tempRuns, type TempRuns } from './helpers.ts';
import { all, parseXml, type XmlElement } from './xml.ts';

let runs: TempRuns;
before(async () => {
  runs = await tempRuns('faultline-verdicts-');
});
after(() => runs.cleanup());

/** The starved run, judged with a latency threshold it misses: the miss is not judged on an inconclusive run. */
function starvedWithMiss(): Summary {
  const s = starvedSummary();
  return applyDecision(s, decide(s, { ...MONZO_THRESHOLDS, 'authorization_latency{phase:during}': ['p(99)<50'] }));
}

/** The markup of the body up to its first element's end tag: what a reader sees first. */
function bodyStart(page: string): string {
  const i = page.indexOf('<body>');
  assert.ok(i >= 0);
  return page.slice(i + '<body>'.length).trimStart();
}

/** The text of the HTML between two markers, tags removed and entities left as they are. */
function textOf(markup: string): string {
  return markup.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

function testcase(suite: XmlElement, classname: string, name: string): XmlElement {
  const c = all(suite, 'testcase').find((t) => t.attrs.classname === classname && t.attrs.name === name);
  assert.ok(c, `no testcase ${classname} / ${name}`);
  return c;
}

function num(el: XmlElement, attr: string): number {
  const v = el.attrs[attr];
  assert.ok(v !== undefined, `<${el.name}> has no ${attr}`);
  return Number(v);
}

describe('report: an inconclusive run', () => {
  it('the fixture is inconclusive for its own health, and nothing else', () => {
    const s = starvedWithMiss();
    assert.equal(s.verdict, 'inconclusive');
    assert.equal(s.passed, false);
    assert.equal(s.validity.ok, false);
    assert.ok(s.validity.reasons.length >= 3, s.validity.reasons.join('\n'));
    assert.ok(s.thresholds.some((t) => !t.ok), 'one threshold missed (not judged)');
  });

  it('opens with a banner above everything else: what was distorted, what to do, not compared', () => {
    const s = starvedWithMiss();
    const page = reportHtml(s);
    const start = bodyStart(page);
    assert.match(start, /^<div class="banner inconclusive" id="inconclusive" role="alert" data-banner="inconclusive">/);
    const end = start.indexOf('<header class="top">');
    assert.ok(end > 0, 'the header comes after the banner');
    const banner = textOf(start.slice(0, end));
    assert.match(banner, /INCONCLUSIVE This run cannot be trusted: its own health says the machine, not the pipeline, shaped its numbers/);
    assert.match(banner, /What was distorted/);
    for (const reason of s.validity.reasons) assert.ok(banner.includes(reason.replace(/'/g, '&#39;').replace(/>/g, '&gt;')), `banner lists: ${reason}`);
    assert.match(banner, /What to do/);
    assert.match(banner, /stop other load on this machine, give the run more cores, or lower --rate/);
    assert.match(banner, /It was not compared with a baseline and its thresholds were not judged/);
    assert.equal((page.match(/data-banner="inconclusive"/g) ?? []).length, 1);
  });

  it('badge, verdict panel, run health and thresholds say inconclusive, not failed', () => {
    const page = reportHtml(starvedWithMiss());
    assert.ok(page.includes('<span class="badge inconclusive" data-verdict="inconclusive">INCONCLUSIVE</span>'));
    assert.ok(!page.includes('data-verdict="fail"') && !page.includes('data-verdict="pass"'));
    assert.ok(page.includes('<h2>Verdict: inconclusive</h2>'));
    assert.match(page, /<li>run inconclusive: driver event-loop delay p99 187 ms &gt; 50 ms/);
    assert.match(page, /thresholds not judged \(4\/5 would be met\) · not compared with a baseline/);
    assert.match(page, /<title>INCONCLUSIVE · monzo-2017/);
    // Run health: each figure against its limit.
    assert.match(page, /<section class="card health broken" id="health" data-health="broken">/);
    for (const id of ['event_loop_p99', 'event_loop_max', 'send_lateness_p99', 'late_share', 'fault_activation', 'foreign_cpu']) {
      assert.match(page, new RegExp(`data-check="${id}" data-state="broken"`), id);
    }
    assert.match(page, /data-check="undelivered_advices" data-state="ok"/);
    // The foreign CPU figure, with the run's own share beside it.
    assert.match(page, /CPU taken by other processes<\/div>\s*<div class="value">46\.2%<\/div>/);
    assert.match(page, /the run&#39;s own 51\.0% · machine busy 97\.2%/);
    // The pipeline before the first fault is information, never a validity limit.
    for (const id of ['pre_fault_issuer', 'pre_fault_p50']) assert.match(page, new RegExp(`data-check="${id}" data-state="info"`), id);
    assert.match(page, /<span class="pill skipped" title="not judged: the run is inconclusive">missed<\/span>/);
    assert.ok(page.includes('Not compared with a baseline: an inconclusive run is never compared'));
  });

  it('an interrupted run is inconclusive too, and the banner says it was interrupted', () => {
    const s = monzoSummary({ router: 'hardened', incomplete: true });
    assert.equal(s.verdict, 'inconclusive');
    const page = reportHtml(s);
    const start = bodyStart(page);
    assert.ok(start.startsWith('<div class="banner inconclusive"'));
    const banner = textOf(start.slice(0, start.indexOf('<header class="top">')));
    assert.match(banner, /it was interrupted/);
    assert.match(banner, /the run was interrupted \(Ctrl-C\) before the end of its schedule/);
    assert.match(banner, /run it again and let it finish/);
    assert.ok(page.includes('INCOMPLETE'));
  });

  it('a passed or failed run has no banner, and a healthy run health', () => {
    for (const s of [monzoSummary({ router: 'hardened' }), monzoSummary({ router: 'naive' })]) {
      const page = reportHtml(s);
      assert.ok(!page.includes('data-banner'), `${s.verdict}: no banner`);
      assert.ok(bodyStart(page).startsWith('<header class="top">'));
      assert.match(page, /data-health="ok"/);
      assert.ok(!/data-state="broken"/.test(page));
    }
  });
});

describe('JUnit: verdicts', () => {
  it('an inconclusive run is one <error> on "run validity", carrying the reasons and the advice; misses are skipped', () => {
    const s = starvedWithMiss();
    const doc = parseXml(buildJunit([s], 'nightly'));
    assert.equal(doc.name, 'testsuites');
    const [suite] = all(doc, 'testsuite');
    assert.ok(suite);
    const cases = all(suite, 'testcase');
    assert.equal(num(suite, 'tests'), cases.length);
    assert.equal(num(suite, 'errors'), 1);
    assert.equal(num(suite, 'failures'), 0, 'an inconclusive run fails nothing');
    assert.equal(num(suite, 'skipped'), 1, 'the threshold it missed was not judged');
    assert.equal(num(doc, 'errors'), 1);
    assert.equal(num(doc, 'failures'), 0);
    assert.equal(num(doc, 'tests'), cases.length);
    assert.equal(all(doc, 'failure').length, 0);

    const validity = testcase(suite, 'faultline.monzo-2017.run', 'run validity');
    const [error] = all(validity, 'error');
    assert.ok(error, 'run validity has an <error>');
    assert.equal(error.attrs.type, 'faultline.inconclusive');
    assert.match(error.attrs.message ?? '', /^run inconclusive: driver event-loop delay p99 187 ms > 50 ms/);
    for (const r of s.validity.reasons) assert.ok(error.text.includes(r), `error body has: ${r}`);
    for (const a of s.validity.advice) assert.ok(error.text.includes(a), `error body has: ${a}`);
    assert.match(error.text, /not compared with a baseline/);

    const missed = testcase(suite, 'faultline.monzo-2017.thresholds', 'authorization_latency{phase:during} p(99)<50');
    const [skipped] = all(missed, 'skipped');
    assert.match(skipped?.attrs.message ?? '', /^not judged: the run is inconclusive \(threshold authorization_latency\{phase:during\} p\(99\)<50 failed/);
    const property = all(suite, 'property').find((p) => p.attrs.name === 'verdict');
    assert.equal(property?.attrs.value, 'inconclusive');
  });

  it('an interrupted run: an <error>, and what it could not settle is skipped, not failed', () => {
    const base = monzoSummary({ router: 'hardened' });
    const s0: Summary = {
      ...base,
      incomplete: true,
      invariants: base.invariants.map((i) =>
        i.name === 'advice_posted_once' ? { ...i, ok: false, validity: 'unknown' as const, detail: '12 advices still pending when the run was interrupted', count: 12 } : i,
      ),
    };
    const s = applyDecision(s0, decide(s0, {}));
    assert.equal(s.verdict, 'inconclusive');
    const doc = parseXml(buildJunit([s]));
    const [suite] = all(doc, 'testsuite');
    assert.ok(suite);
    assert.equal(num(suite, 'errors'), 1);
    assert.equal(num(suite, 'failures'), 0);
    const [error] = all(testcase(suite, 'faultline.monzo-2017.run', 'run validity'), 'error');
    assert.match(error?.attrs.message ?? '', /interrupted \(Ctrl-C\)/);
    const [skipped] = all(testcase(suite, 'faultline.monzo-2017.invariants', 'advice_posted_once'), 'skipped');
    assert.match(skipped?.attrs.message ?? '', /^not settled: invariant advice_posted_once failed \(unknown\)/);
  });

  it('a valid run passes "run validity"; a failed one keeps its <failure>s and no <error>', () => {
    for (const s of [monzoSummary({ router: 'hardened' }), monzoSummary({ router: 'naive' })]) {
      const doc = parseXml(buildJunit([s]));
      const [suite] = all(doc, 'testsuite');
      assert.ok(suite);
      const validity = testcase(suite, 'faultline.monzo-2017.run', 'run validity');
      assert.equal(validity.children.length, 0, `${s.verdict}: run validity passes`);
      assert.equal(num(suite, 'errors'), 0);
      assert.equal(num(suite, 'failures'), all(suite, 'failure').length);
      assert.equal(num(suite, 'failures') > 0, s.verdict === 'failed');
    }
  });

  it('a suite file sums errors and failures over its runs and is well-formed XML with untrusted text', () => {
    const summaries = [monzoSummary({ router: 'naive' }), starvedWithMiss(), monzoSummary({ router: 'hardened' })];
    const xml = buildJunit(summaries, 'nightly');
    const doc = parseXml(xml);
    const suites = all(doc, 'testsuite');
    assert.equal(suites.length, 3);
    assert.equal(num(doc, 'errors'), 1);
    assert.equal(num(doc, 'failures'), suites.reduce((n, s) => n + num(s, 'failures'), 0));
    assert.equal(num(doc, 'tests'), suites.reduce((n, s) => n + num(s, 'tests'), 0));
    assert.ok(!xml.includes(EVIL_MERCHANT));
    assert.deepEqual(cardNumbersIn(xml), []);
  });
});

describe('report: a fault window spanning the whole run', () => {
  it('shows no before/after phase and recovery "n/a", never "never"', () => {
    const s = wholeRunFaultSummary();
    assert.equal(s.verdict, 'passed', s.reasons.join('\n'));
    const page = reportHtml(s);
    assert.match(page, /<tr data-fault="ledger-latency" data-recovery="n\/a">/);
    const faults = page.slice(page.indexOf('<table class="faults">'), page.indexOf('</table>', page.indexOf('<table class="faults">')));
    assert.ok(!faults.includes('never'), 'the faults table never says "never"');
    assert.ok(faults.includes('lasts to the end of traffic: no after phase, recovery not measured'));
    const phases = page.slice(page.indexOf('<table class="phases">'), page.indexOf('</table>', page.indexOf('<table class="phases">')));
    assert.ok(!/data-phase="before"|data-phase="after"/.test(phases), 'no before or after phase rows');
    assert.match(phases, /data-absent="before"[\s\S]*none: the window starts at 0\.0 s/);
    assert.match(phases, /data-absent="after"[\s\S]*none: the window lasts to the end of traffic/);
    assert.ok(!phases.includes('never'));
    assert.match(page, /<div class="label">Recovery<\/div><div class="value">n\/a<\/div>/);
    assert.match(page, /lasts to the end of traffic \(recovery n\/a\)/, 'the chart legend');
  });

  it('the comparison shows the recovery of such a window as n/a', () => {
    const s = wholeRunFaultSummary();
    const page = comparisonHtml(
      { tag: 'A', summary: s, source: 'a', href: null },
      { tag: 'B', summary: { ...s, router: 'naive' }, source: 'b', href: null },
    );
    assert.match(page, /<td>recovery after ledger-latency<\/td><td class="num ">n\/a<\/td><td class="num ">n\/a<\/td>/);
  });
});

describe('report: the warm-up', () => {
  it('shows its own numbers, not gated, and a legend entry for its band', () => {
    const s = monzoSummary({ router: 'hardened' });
    const page = reportHtml(s);
    const line = `warm-up 5 s: ${s.warmup.authorizations.total.toLocaleString('en-GB')} authorizations, p99 246 ms — recorded, not gated`;
    assert.ok(page.includes(`<p class="warmup-line" data-warmup="5">${line}</p>`), line);
    assert.match(page, /<li class="fault-label warmup-label" data-band="warmup">[\s\S]*?warm-up<\/b> <span class="when">−5 s to 0 s, recorded and charted, never gated/);
    assert.ok(s.phases.every((p) => p.start_s >= 0), 'the warm-up is in no phase');
  });

  it('a run without a warm-up draws no band and prints no warm-up line', () => {
    const page = reportHtml(monzoSummary({ router: 'hardened', warmup_s: 0 }));
    assert.ok(!page.includes('data-band="warmup"'));
    assert.ok(!page.includes('class="warmup-line"'));
    assert.match(page, /"warmup":null/);
  });
});

describe('report: an older summary.json', () => {
  it('still renders: verdict lines become reasons, run health is "not measured", no warm-up band', async () => {
    const legacy = legacySummaryJson({ router: 'naive' });
    assert.ok(Array.isArray(legacy.verdict), 'the fixture has the old shape');
    assert.equal(legacy.warmup, undefined);
    const dir = await runs.runRaw('legacy-naive', legacy);
    const { html, junit } = await buildReport(dir);
    assert.ok(html.includes('<span class="badge fail" data-verdict="fail">FAILED</span>'));
    assert.ok(html.includes('<h2>Verdict: failed</h2>'));
    assert.ok(html.includes('<li>invariant approved_has_one_hold failed (invalid)'), 'the old verdict lines are the reasons');
    assert.match(html, /data-health="unmeasured"/);
    assert.ok(!/data-state="(ok|broken)"/.test(html), 'nothing in run health claims to be measured');
    assert.ok(!html.includes('data-banner'));
    assert.match(html, /"warmup":null/);
    assert.ok(!html.includes(EVIL_MERCHANT));
    const doc = parseXml(junit);
    assert.equal(num(doc, 'errors'), 0);
    assert.ok(num(doc, 'failures') > 0);
  });

  it('an interrupted one reads as inconclusive; empty edge phases are dropped and recovery to the end is n/a', () => {
    const legacy = legacySummaryJson({ router: 'hardened' });
    const duration = legacy.duration_s as number;
    const raw = {
      ...legacy,
      incomplete: true,
      passed: false,
      verdict: ['run incomplete: it was interrupted, so the checks cover only what was measured'],
      faults: [
        { name: 'ledger-latency', fault: 'network.latency', target: 'ledger', scheduled_s: 0, applied_s: 0.01, healed_s: duration, scheduled_end_s: duration, recovery_s: null },
      ],
      phases: [
        { name: 'before', fault: 'ledger-latency', start_s: 0, end_s: 0, authorizations: 0, success_rate: 0, issuer_success_rate: 0, latency_ms: { p50: 0, p95: 0, p99: 0, max: 0 } },
        { name: 'during', fault: 'ledger-latency', start_s: 0, end_s: duration, authorizations: 100, success_rate: 1, issuer_success_rate: 1, latency_ms: { p50: 300, p95: 400, p99: 450, max: 500 } },
        { name: 'after', fault: 'ledger-latency', start_s: duration, end_s: duration, authorizations: 0, success_rate: 0, issuer_success_rate: 0, latency_ms: { p50: 0, p95: 0, p99: 0, max: 0 } },
      ],
    };
    const s = normalizeSummary(JSON.parse(JSON.stringify(raw)));
    assert.equal(s.verdict, 'inconclusive');
    assert.deepEqual(s.reasons, raw.verdict);
    assert.deepEqual(s.phases.map((p) => p.name), ['during']);
    assert.equal(s.faults[0]?.recovery_applicable, false);
    const page = reportHtml(s);
    assert.ok(bodyStart(page).startsWith('<div class="banner inconclusive"'));
    assert.match(page, /data-recovery="n\/a"/);
    const doc = parseXml(buildJunit([s]));
    assert.equal(num(doc, 'errors'), 1);
    assert.equal(num(doc, 'failures'), 0);
  });
});

describe('comparison and suite index: inconclusive runs', () => {
  it('a comparison with an inconclusive run says so above the runs, with its badge', () => {
    const a = monzoSummary({ router: 'naive' });
    const b = starvedSummary();
    const page = comparisonHtml({ tag: 'A', summary: a, source: 'a', href: null }, { tag: 'B', summary: b, source: 'b', href: null });
    const banner = page.indexOf('data-banner="inconclusive"');
    assert.ok(banner > 0 && banner < page.indexOf('id="runs"'), 'the warning comes before the runs');
    assert.match(textOf(page), /Run B is inconclusive: the machine, not the pipeline, shaped its numbers/);
    assert.ok(page.includes('<span class="badge inconclusive" data-verdict="inconclusive">INCONCLUSIVE</span>'));
    assert.match(page, /<section class="card verdict inconclusive" data-run="B" data-verdict="inconclusive">/);
    assert.match(page, /<section class="card verdict fail" data-run="A" data-verdict="failed">/);
  });

  it('the suite index counts passed, failed and inconclusive runs', async () => {
    const naive = await runs.run('s-naive', monzoSummary({ router: 'naive' }));
    const starved = await runs.run('s-starved', starvedSummary());
    const hardened = await runs.run('s-hardened', monzoSummary({ router: 'hardened' }));
    const mixed = await writeSuiteIndex(
      join(runs.root, 'suite-mixed'),
      [
        { runDir: naive, summary: monzoSummary({ router: 'naive' }) },
        { runDir: starved, summary: starvedSummary() },
        { runDir: hardened, summary: monzoSummary({ router: 'hardened' }) },
      ],
      'nightly',
    );
    assert.equal(mixed.verdict, 'failed');
    assert.equal(mixed.passed, false);
    assert.deepEqual(mixed.counts, { passed: 1, failed: 1, inconclusive: 1 });
    const page = await readFile(mixed.html, 'utf8');
    assert.match(page, /<span data-count="passed"><b>1<\/b> passed<\/span><span data-count="failed"><b>1<\/b> failed<\/span><span data-count="inconclusive" class="inconclusive"><b>1<\/b> inconclusive<\/span>/);
    assert.match(page, /data-verdict="inconclusive" data-passed="false"/);
    assert.match(page, /<tr class="why inconclusive">[\s\S]*?run inconclusive: driver event-loop delay/);
    assert.match(page, /title="not judged: the run is inconclusive">not judged<\/td>/);

    const noFailures = await writeSuiteIndex(
      join(runs.root, 'suite-inconclusive'),
      [
        { runDir: starved, summary: starvedSummary() },
        { runDir: hardened, summary: monzoSummary({ router: 'hardened' }) },
      ],
      'nightly',
    );
    assert.equal(noFailures.verdict, 'inconclusive', 'no run failed, one stayed inconclusive');
    const page2 = await readFile(noFailures.html, 'utf8');
    assert.match(page2, /<h1>nightly<\/h1><span class="badge inconclusive" data-verdict="inconclusive">INCONCLUSIVE<\/span>/);
    const junit = parseXml(await readFile(noFailures.junit, 'utf8'));
    assert.equal(num(junit, 'errors'), 1);
    assert.equal(num(junit, 'failures'), 0);
  });
});
