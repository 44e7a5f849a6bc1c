import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildComparison } from '../../harness/report/compare.ts';
import { buildReport, writeReport } from '../../harness/report/report.ts';
import { writeSuiteIndex } from '../../harness/report/suite-index.ts';
import { EVIL_MERCHANT, monzoSummary, PAN_IN_MERCHANT } from './fixtures.ts';
import { cardNumbersIn, tempRuns, type TempRuns } from './helpers.ts';

const ESCAPED_MERCHANT = '&lt;script&gt;alert(1)&lt;/script&gt;';

let runs: TempRuns;
let naiveDir: string;
let hardenedDir: string;

before(async () => {
  runs = await tempRuns();
  naiveDir = await runs.run('naive', monzoSummary({ router: 'naive' }));
  hardenedDir = await runs.run('hardened', monzoSummary({ router: 'hardened' }));
});
after(() => runs.cleanup());

/** The src/href attribute values and every URL-looking string in a page. */
function externalUrls(page: string): string[] {
  const attrs = [...page.matchAll(/\b(?:src|href)\s*=\s*["']?\s*([^"'\s>]+)/gi)].map((m) => m[1] as string);
  return [...attrs.filter((u) => /^(?:https?:)?\/\//i.test(u)), ...(page.match(/https?:\/\/[^\s"'<>)]+/gi) ?? [])];
}

function scriptBlocks(page: string): Array<{ attrs: string; body: string }> {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({ attrs: m[1] as string, body: m[2] as string }));
}

describe('report: one run', () => {
  it('builds a self-contained page with every section', async () => {
    const { html } = await buildReport(naiveDir);
    for (const id of ['verdict', 'health', 'outcomes', 'timeline', 'phases', 'causes', 'invariants', 'checks', 'traffic', 'run']) {
      assert.ok(html.includes(`id="${id}"`), `missing section #${id}`);
    }
    assert.deepEqual(externalUrls(html), []);
    assert.ok(!/<link\b/i.test(html), 'no linked stylesheets');
    const scripts = scriptBlocks(html);
    assert.equal(scripts.length, 3, 'data, uPlot and the chart script');
    assert.ok(scripts.some((s) => s.body.includes('uPlot')), 'uPlot is inlined');
    assert.ok(html.includes('.uplot'), "uPlot's CSS is inlined");
    for (const label of ['approved', 'declined', 'standin_approved', 'standin_declined', 'failed', 'unknown']) {
      assert.ok(html.includes(`data-outcome="${label}"`), label);
    }
    assert.ok(html.includes('npx faultline run monzo-2017 --router naive --seed 2017'), 'the repeat command');
    assert.ok(html.includes('data-fault="endpoints-null"') && html.includes('data-fault="mesh-restart"'));
  });

  it('puts the chart data in a JSON block that cannot be broken out of', async () => {
    const { html } = await buildReport(naiveDir);
    const data = scriptBlocks(html).find((s) => s.attrs.includes('application/json'));
    assert.ok(data);
    assert.ok(!/[<>&\u2028\u2029]/.test(data.body));
    const parsed = JSON.parse(data.body) as {
      t: number[];
      warmup: { from: number; to: number; label: string } | null;
      faults: Array<{ name: string; from: number; to: number }>;
    };
    assert.equal(parsed.t.length, 95, '5 s of warm-up and 90 measured seconds');
    assert.equal(parsed.t[0], -5, 'the x axis starts in the warm-up, before 0');
    assert.deepEqual(parsed.warmup && [parsed.warmup.from, parsed.warmup.to, parsed.warmup.label], [-5, 0, 'warm-up']);
    assert.deepEqual(
      parsed.faults.map((f) => [f.name, Math.round(f.from), Math.round(f.to)]),
      [
        ['endpoints-null', 20, 40],
        ['mesh-restart', 50, 56],
      ],
    );
  });

  it('shows untrusted strings as text only', async () => {
    const { html, junit } = await buildReport(naiveDir);
    assert.ok(!html.includes(EVIL_MERCHANT), 'the raw merchant never reaches the page');
    const outsideScripts = html.replace(/<script[\s\S]*?<\/script>/gi, '');
    assert.ok(!/alert\(1\)<\/script>/.test(outsideScripts));
    assert.ok(html.includes(`<li>invariant approved_has_one_hold failed (invalid): 3 issuer-approved authorizations have no hold in the ledger (merchant ${ESCAPED_MERCHANT})`));
    assert.ok(html.includes(`<code class="offending-id">auth-00a7c2@${ESCAPED_MERCHANT}</code>`));
    assert.ok(html.includes(`Merchant names are untrusted, e.g. ${ESCAPED_MERCHANT}.`), 'the scenario description');
    for (const s of scriptBlocks(html)) assert.ok(!s.body.includes('alert(1)'), 'no script carries the payload');
    assert.ok(!junit.includes(EVIL_MERCHANT));
  });

  it('never writes a full card number, even one a merchant name carried', async () => {
    const input = await readFile(join(naiveDir, 'summary.json'), 'utf8');
    assert.ok(input.includes(PAN_IN_MERCHANT), 'the fixture does carry a PAN in a merchant name');
    const { html, junit } = await buildReport(naiveDir);
    assert.deepEqual(cardNumbersIn(html), []);
    assert.deepEqual(cardNumbersIn(junit), []);
    assert.ok(html.includes('auth-00b013@Card •••• 1111 Shop'), 'shown masked, as text, with its last four');
    assert.ok(junit.includes('Card •••• 1111 Shop'));
  });

  it('writes index.html and junit.xml into the run folder', async () => {
    const files = await writeReport(hardenedDir);
    assert.equal(files.html, join(hardenedDir, 'index.html'));
    const page = await readFile(files.html, 'utf8');
    assert.ok(page.startsWith('<!doctype html>'));
    assert.ok(page.includes('data-verdict="pass"'));
    const junit = await readFile(files.junit, 'utf8');
    assert.match(junit, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    assert.equal((junit.match(/<testsuite /g) ?? []).length, 1);
    assert.match(junit, /<testsuite name="monzo-2017 \[hardened\]" tests="\d+" failures="0" errors="0"/);
  });

  it('JUnit: one testcase per invariant, threshold and baseline metric; failures name the check', async () => {
    const { junit } = await buildReport(naiveDir);
    const summary = monzoSummary({ router: 'naive' });
    const cases = [...junit.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    assert.equal(cases.filter(([c]) => c === 'faultline.monzo-2017.invariants').length, summary.invariants.length);
    assert.equal(cases.filter(([c]) => c === 'faultline.monzo-2017.thresholds').length, summary.thresholds.length);
    const failures = [...junit.matchAll(/<failure message="([^"]*)"/g)].map((m) => m[1] as string);
    assert.ok(failures.some((f) => f.startsWith('invariant approved_has_one_hold failed')));
    assert.ok(failures.some((f) => f.startsWith('threshold authorization_success_rate rate&gt;0.995 failed: actual 0.6')));
    assert.match(junit, new RegExp(`failures="${failures.length}"`));
    assert.ok(!junit.includes('<error'), 'a healthy failed run has no <error>');
  });

  // Build time is measured by `npm run bench` (report.seconds_for_600k_requests), not asserted here.
  it('stays under 3 MB for a 10-minute run', async () => {
    const dir = await runs.run('ten-minutes', monzoSummary({ router: 'hardened', duration_s: 600, rate: 1000 }));
    await writeReport(dir);
    const size = (await stat(join(dir, 'index.html'))).size;
    assert.ok(size < 3 * 1024 * 1024, `${size} bytes`);
  });

  it('names the file when the run folder has no summary', async () => {
    await assert.rejects(buildReport(join(runs.root, 'nope')), /nope\/summary\.json: no summary\.json in this run folder/);
  });
});

describe('report: comparison and suite index', () => {
  it('compares two runs side by side with their fault windows and deltas', async () => {
    await writeReport(naiveDir);
    const out = join(runs.root, 'compare');
    const { html, file } = await buildComparison(naiveDir, hardenedDir, out);
    assert.equal(file, join(out, 'index.html'));
    assert.equal(await readFile(file, 'utf8'), html);
    assert.ok(html.includes('monzo-2017: naive, no stand-in vs hardened + stand-in'));
    assert.equal((html.match(/type="application\/json"/g) ?? []).length, 2);
    assert.equal((html.match(/data-chart="success"/g) ?? []).length, 2);
    assert.ok(html.includes('id="deltas"') && html.includes('success during endpoints-null'));
    assert.ok(html.includes('href="../naive/index.html"'), 'links the run with a report');
    assert.deepEqual(externalUrls(html), []);
    assert.ok(!html.includes(EVIL_MERCHANT));
    assert.deepEqual(cardNumbersIn(html), []);
  });

  it('writes a suite index linking each run and a combined junit.xml', async () => {
    const suiteDir = join(runs.root, 'suite');
    const result = await writeSuiteIndex(
      suiteDir,
      [
        { runDir: naiveDir, summary: monzoSummary({ router: 'naive' }) },
        { runDir: hardenedDir, summary: monzoSummary({ router: 'hardened' }) },
      ],
      'nightly',
    );
    assert.equal(result.passed, false);
    const page = await readFile(result.html, 'utf8');
    assert.ok(page.includes('href="../naive/index.html"') && page.includes('href="../hardened/index.html"'));
    assert.ok(page.includes('data-passed="false"') && page.includes('data-passed="true"'));
    assert.deepEqual(externalUrls(page), []);
    assert.ok(!page.includes(EVIL_MERCHANT));
    const junit = await readFile(result.junit, 'utf8');
    assert.equal((junit.match(/<testsuite /g) ?? []).length, 2);
    assert.match(junit, /<testsuites name="nightly" tests="\d+" failures="[1-9]\d*"/);
    assert.ok(junit.includes('name="monzo-2017 [naive, no stand-in]"') && junit.includes('name="monzo-2017 [hardened]"'));
  });
});
