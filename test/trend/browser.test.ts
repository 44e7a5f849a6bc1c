// `faultline trend` end to end: synthetic nights written as summary.json files (passed, failed, inconclusive,
// incomplete; with and without a baseline), the real CLI, and the page opened from disk in Debian's
// Chromium: every gated metric charted over every night, the inconclusive night marked and off the line,
// no console errors, and no request leaving the page. Bad folders are exit 2, named.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { BASELINE_FAMILIES } from '../../harness/gate/baseline.ts';
import { METRICS } from '../../harness/gate/metrics.ts';
import { main } from '../../harness/cli/main.ts';
import { cli, type CliResult } from '../support/cli.ts';
import { EVIL_MERCHANT } from '../report/fixtures.ts';
import { cardNumbersIn } from '../report/helpers.ts';
import { writeNights, type NightsFolder } from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WAIT_MS = 20_000;
const MONZO = 'monzo-2017 · hardened · stand-in';

let nights: NightsFolder;
let result: CliResult;
let pageFile: string;
let html: string;
let profile: string;
let context: BrowserContext | undefined;
let page: Page;
const seen = { consoleErrors: [] as string[], pageErrors: [] as string[], dialogs: [] as string[], requests: [] as string[] };

before(async () => {
  if (!existsSync(CHROMIUM)) assert.fail(`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium); this test needs it and does not skip`);
  nights = await writeNights();
  pageFile = join(nights.runs.root, 'trend.html');
  result = await cli(['trend', nights.runs.root]);
  html = existsSync(pageFile) ? await readFile(pageFile, 'utf8') : '';
  profile = await mkdtemp(join(tmpdir(), 'faultline-trend-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: WAIT_MS,
    viewport: { width: 1300, height: 900 },
    deviceScaleFactor: 1,
  });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('console', (m) => {
    if (m.type() === 'error') seen.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => seen.pageErrors.push(e.message));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) seen.requests.push(r.url());
  });
  await page.goto(pathToFileURL(pageFile).href, { waitUntil: 'load', timeout: WAIT_MS });
  await page.waitForSelector('html[data-charts-ready="true"]', { timeout: WAIT_MS });
});

after(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await nights?.runs.cleanup();
});

interface ChartFacts {
  metric: string;
  family: string;
  nights: number;
  x: number;
  line: Array<number | null>;
  notComparable: Array<number | null>;
  breach: Array<number | null>;
  marked: string;
}

async function chartsOf(groupKey: string): Promise<ChartFacts[]> {
  return page.evaluate((key) => {
    type Entry = { el: HTMLElement; plot: { data: Array<Array<number | null>> } };
    const charts = (window as unknown as { faultlineTrendCharts: Entry[] }).faultlineTrendCharts;
    const section = Array.from(document.querySelectorAll<HTMLElement>('section.trend-group')).find((s) => s.dataset.groupKey === key);
    return charts
      .filter((c) => section !== undefined && section.contains(c.el))
      .map((c) => ({
        metric: c.el.dataset.metric ?? '',
        family: (c.el.closest('figure') as HTMLElement | null)?.dataset.family ?? '',
        nights: Number(c.el.dataset.nights),
        x: (c.plot.data[0] ?? []).length,
        line: c.plot.data[1] ?? [],
        notComparable: c.plot.data[2] ?? [],
        breach: c.plot.data[3] ?? [],
        marked: c.el.dataset.notComparable ?? '',
      }));
  }, groupKey);
}

describe('faultline trend', () => {
  it('writes the page, exit 0, naming each summary.json it skipped', () => {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /wrote .*trend\.html: 9 runs in 3 groups, 2 summary\.json skipped/);
    for (const file of nights.broken) assert.ok(result.stderr.includes(`skipped ${file}:`), `no warning naming ${file}:\n${result.stderr}`);
    assert.match(result.stderr, /broken-json\/summary\.json: not valid JSON/);
    assert.match(result.stderr, /not-a-summary\/summary\.json: not a faultline summary: scenario/);
  });

  it('is self-contained: no console or page errors, no request leaves the page, no external URL in it', () => {
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.consoleErrors, []);
    assert.deepEqual(seen.requests, []);
    assert.deepEqual(html.match(/(?:src|href)="(?:https?:)?\/\/[^"]*"/g) ?? [], []);
  });

  it('charts every gated metric over every night of each group', async () => {
    const charts = await chartsOf(MONZO);
    const families = new Set(charts.map((c) => c.family));
    // The lists come from the gate's modules, as the page derives them: a metric added there must show here.
    for (const name of [...METRICS.keys(), ...BASELINE_FAMILIES]) assert.ok(families.has(name), `no chart for ${name}`);
    assert.ok(charts.length >= 20, `${charts.length} charts`);
    for (const c of charts) {
      assert.equal(c.nights, 6, c.metric);
      assert.equal(c.x, 6, `${c.metric}: ${c.x} nights drawn`);
    }
    // And every chart has its row in the table, one cell per night.
    for (const c of charts) {
      const cells = await page.locator(`section[data-group-key="${MONZO}"] table.metrics tr[data-metric="${c.metric}"] td[data-night]`).count();
      assert.equal(cells, 6, `${c.metric}: ${cells} cells`);
    }
    for (const [key, n] of [
      ['ledger-latency · hardened · stand-in', 2],
      ['monzo-2017 · naive · no stand-in', 1],
    ] as const) {
      const other = await chartsOf(key);
      assert.ok(other.length > 10, `${key}: ${other.length} charts`);
      for (const c of other) assert.equal(c.x, n, `${key} ${c.metric}`);
    }
    assert.match((await page.locator('section[data-group-key="ledger-latency · hardened · stand-in"] .unmeasured').textContent()) ?? '', /recovery_seconds/);
  });

  it('marks the inconclusive and incomplete nights, keeps their values, and never draws them on the line', async () => {
    const head = page.locator(`section[data-group-key="${MONZO}"] table.metrics th[data-night="2"]`);
    assert.equal(await head.getAttribute('data-verdict'), 'inconclusive');
    assert.ok(await head.locator('.badge', { hasText: 'INCONCLUSIVE' }).isVisible());
    assert.equal(await page.locator(`section[data-group-key="${MONZO}"] table.metrics th[data-night="5"]`).getAttribute('data-verdict'), 'incomplete');
    assert.equal(await page.locator(`section[data-group-key="${MONZO}"] tr.night-row[data-night="2"] .badge`).textContent(), 'INCONCLUSIVE');
    for (const c of await chartsOf(MONZO)) {
      assert.equal(c.marked, '2,5', `${c.metric}: hatched columns`);
      assert.equal(c.line[2], null, `${c.metric}: the inconclusive night is not on the line`);
      assert.equal(c.line[5], null, `${c.metric}: the incomplete night is not on the line`);
      assert.equal(typeof c.notComparable[2], 'number', `${c.metric}: the inconclusive night's value is shown`);
      assert.equal(c.notComparable[0], null, `${c.metric}: a judged night is not marked`);
    }
    const cell = page.locator(`section[data-group-key="${MONZO}"] tr[data-metric="authorization_success_rate"] td[data-night="2"]`);
    assert.equal(await cell.getAttribute('data-state'), 'not-comparable');
    assert.match((await cell.textContent()) ?? '', /\d+\.\d+%not judged/);
    // On the canvas: amber in the inconclusive night's column, none in a passed night's.
    const pixels = await page.evaluate((key) => {
      type Plot = { valToPos(v: number, scale: string, canvasPixels?: boolean): number; ctx: CanvasRenderingContext2D; bbox: { top: number } };
      const charts = (window as unknown as { faultlineTrendCharts: Array<{ el: HTMLElement; plot: Plot }> }).faultlineTrendCharts;
      const section = Array.from(document.querySelectorAll<HTMLElement>('section.trend-group')).find((s) => s.dataset.groupKey === key);
      const chart = charts.find((c) => section?.contains(c.el) && c.el.dataset.metric === 'authorization_latency p(99)');
      if (!chart) return null;
      // (No named helper functions in here: tsx would wrap them in a __name() the page does not have.)
      const y = Math.round(chart.plot.bbox.top + 3);
      const [inconclusive, passed] = [2, 0].map((night) => Array.from(chart.plot.ctx.getImageData(Math.round(chart.plot.valToPos(night, 'x', true)) + 9, y, 1, 1).data));
      return { inconclusive: inconclusive as number[], passed: passed as number[] };
    }, MONZO);
    assert.ok(pixels, 'the p(99) chart is registered');
    const [r, g, b, a] = pixels.inconclusive as [number, number, number, number];
    assert.ok(a > 20 && r > 150 && r > g && g > b, `amber in the inconclusive column: ${pixels.inconclusive}`);
    assert.equal(pixels.passed[3], 0, `nothing behind a passed night without a band: ${pixels.passed}`);
  });

  it('shows the value that broke its band on the failed night, in red on the chart and in the table', async () => {
    const rec = (await chartsOf(MONZO)).find((c) => c.metric === 'recovery_seconds{fault:endpoints-null}');
    assert.ok(rec);
    assert.deepEqual(rec.breach, [null, 15, null, null, null, null]);
    const cell = page.locator(`section[data-group-key="${MONZO}"] tr[data-metric="recovery_seconds{fault:endpoints-null}"] td[data-night="1"]`);
    assert.equal(await cell.getAttribute('data-state'), 'breach');
    assert.match((await cell.textContent()) ?? '', /15\.0 s≤ 3\.0 s/);
    assert.match((await cell.getAttribute('title')) ?? '', /baseline: baseline 1\.0 s \+ tolerance 2\.0 s: fails above 3\.0 s/);
    // Hovering a night reads it out.
    const chart = page.locator(`section[data-group-key="${MONZO}"] .trend-chart[data-metric="recovery_seconds{fault:endpoints-null}"]`);
    await chart.scrollIntoViewIfNeeded();
    const box = await chart.locator('.u-over').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + (box.width * 1.5) / 6, box.y + box.height / 2);
    const readout = chart.locator('xpath=following-sibling::div[contains(@class,"readout")]');
    assert.match((await readout.textContent()) ?? '', /^2026-01-11 02:17Z · failed · 15\.0 s · band ≤ 3\.0 s — outside its band$/);
  });

  it('shows untrusted text from a summary as text, masks card numbers, and runs nothing', async () => {
    assert.deepEqual(seen.dialogs, []);
    assert.ok(await page.locator('.why-lines li', { hasText: EVIL_MERCHANT }).first().isVisible());
    assert.deepEqual(cardNumbersIn(html), []);
    const injected = await page.evaluate(() => Array.from(document.querySelectorAll('script')).filter((s) => (s.textContent ?? '').includes('alert(1)')).length);
    assert.equal(injected, 0);
  });

  it('bad folders and flags are exit 2, named; nothing is written', async () => {
    // As a user runs it: a separate process.
    const missing = join(nights.runs.root, 'no-such-folder');
    const onlyBroken = join(nights.runs.root, 'only-broken');
    for (const [name, text] of [['a', '{'], ['b', '[]']] as const) {
      await mkdir(join(onlyBroken, name), { recursive: true });
      await writeFile(join(onlyBroken, name, 'summary.json'), text);
    }
    const [r1, r2] = await Promise.all([cli(['trend', missing]), cli(['trend', onlyBroken])]);
    assert.equal(r1.code, 2, r1.stderr);
    assert.match(r1.stderr, new RegExp(`${missing}: no such folder`));
    assert.equal(r2.code, 2, r2.stderr);
    assert.match(r2.stderr, /skipped .*only-broken\/a\/summary\.json: not valid JSON/);
    assert.match(r2.stderr, /skipped .*only-broken\/b\/summary\.json: not a faultline summary/);
    assert.match(r2.stderr, /only-broken: none of its 2 summary\.json files could be read/);
    assert.ok(!existsSync(join(onlyBroken, 'trend.html')));

    // The rest through the CLI's entry point in this process (the same main() bin/faultline.js calls).
    const empty = join(nights.runs.root, 'empty');
    await mkdir(empty);
    const file = join(empty, 'a-file');
    await writeFile(file, 'x');
    const cases: Array<[string[], RegExp]> = [
      [['trend', empty], /empty: no run folders in it/],
      [['trend', file], /a-file is not a folder/],
      [['trend', nights.runs.root, '--last', '0'], /--last 0: expected a whole number/],
      [['trend', nights.runs.root, '--out', join(file, 'trend.html')], /--out: cannot write .*a-file\/trend\.html: (ENOTDIR|EEXIST)/],
    ];
    for (const [args, message] of cases) {
      const run = await inProcess(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    assert.ok(!existsSync(join(empty, 'trend.html')));
  });
});

/** Runs the CLI's main() here, with what it writes to stderr. */
async function inProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(args), stderr };
  } finally {
    process.stderr.write = write;
  }
}
