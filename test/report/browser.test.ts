// Opens generated reports in Debian's Chromium from disk: no console or page errors, the charts drawn
// with the warm-up band and their fault windows, the <script> merchant shown as text, the banner of an
// inconclusive run visible at the top, and a screenshot for the README.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeReport } from '../../harness/report/report.ts';
import { EVIL_MERCHANT, monzoSummary, starvedSummary } from './fixtures.ts';
import { tempRuns, type TempRuns } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The README's screenshot is rewritten only when asked (`npm run screenshot`): a test run leaves the checkout clean.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT ? join(ROOT, 'reports', 'screenshot.png') : join(tmpdir(), `faultline-screenshot-${process.pid}.png`);
const WAIT_MS = 15_000;

interface Observed {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  requests: string[];
}

let runs: TempRuns;
let browser: Browser | undefined;
let page: Page;
/** The report of an inconclusive run (a starved machine). */
let starvedPage: Page;
const seen: Observed = { consoleErrors: [], pageErrors: [], dialogs: [], requests: [] };

function observe(p: Page): void {
  p.setDefaultTimeout(WAIT_MS);
  p.on('console', (m) => {
    if (m.type() === 'error') seen.consoleErrors.push(m.text());
  });
  p.on('pageerror', (e) => seen.pageErrors.push(e.message));
  p.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  p.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) seen.requests.push(r.url());
  });
}

before(async () => {
  if (!existsSync(CHROMIUM)) {
    assert.fail(`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium); the browser test needs it and does not skip`);
  }
  runs = await tempRuns('faultline-browser-');
  const dir = await runs.run('monzo-naive', monzoSummary({ router: 'naive' }));
  const files = await writeReport(dir);
  const starved = await writeReport(await runs.run('monzo-starved', starvedSummary()));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: WAIT_MS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  starvedPage = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  observe(page);
  observe(starvedPage);
  for (const [p, file] of [
    [page, files.html],
    [starvedPage, starved.html],
  ] as const) {
    await p.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: WAIT_MS });
    await p.waitForSelector('html[data-charts-ready="true"]', { timeout: WAIT_MS });
  }
});

after(async () => {
  await browser?.close();
  await runs?.cleanup();
});

describe('report in Chromium', () => {
  it('loads with no console errors, no page errors and no network requests', () => {
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.consoleErrors, []);
    assert.deepEqual(seen.requests, []);
  });

  it('draws every chart (non-blank canvas)', async () => {
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('[data-chart]')).map((el) => {
        const canvas = el.querySelector('canvas');
        if (!canvas) return { kind: el.dataset.chart, painted: 0, total: 0 };
        const ctx = canvas.getContext('2d');
        const { data } = ctx!.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) painted++;
        return { kind: el.dataset.chart, painted, total: canvas.width * canvas.height };
      }),
    );
    assert.deepEqual(
      charts.map((c) => c.kind),
      ['success', 'latency', 'throughput'],
    );
    for (const c of charts) {
      assert.ok(c.total > 0, `${c.kind}: no canvas`);
      assert.ok(c.painted / c.total > 0.05, `${c.kind}: only ${c.painted} of ${c.total} pixels painted`);
    }
  });

  it('shades and labels each fault window', async () => {
    for (const name of ['endpoints-null', 'mesh-restart']) {
      const label = page.locator(`.fault-legend .fault-label[data-fault="${name}"]`);
      assert.ok(await label.isVisible(), `legend entry for ${name}`);
      assert.match((await label.textContent()) ?? '', new RegExp(name));
    }
    // Sample the success-rate canvas inside each band and outside any band, at a height no series crosses.
    const samples = await page.evaluate(() => {
      type Plot = {
        valToPos(v: number, scale: string, canvasPixels?: boolean): number;
        ctx: CanvasRenderingContext2D;
      };
      const charts = (window as unknown as { faultlineCharts: Array<{ kind: string; plot: Plot }> }).faultlineCharts;
      const chart = charts.find((c) => c.kind === 'success');
      if (!chart) return null;
      // (No named helper functions in here: tsx would wrap them in a __name() the page does not have.)
      const [nullBand, meshBand, outside] = [
        [32.5, 0.7],
        [51.5, 0.85],
        [12.5, 0.7],
      ].map(([t, v]) => {
        const x = Math.round(chart.plot.valToPos(t as number, 'x', true));
        const y = Math.round(chart.plot.valToPos(v as number, 'y', true));
        return Array.from(chart.plot.ctx.getImageData(x, y, 1, 1).data);
      }) as [number[], number[], number[]];
      return { nullBand, meshBand, outside };
    });
    assert.ok(samples, 'the success chart is registered');
    const [r1, g1, b1, a1] = samples.nullBand as [number, number, number, number];
    assert.ok(a1 > 20 && r1 > 200 && b1 < 120 && g1 < r1, `endpoints-null band is orange: ${samples.nullBand}`);
    const [r2, g2, b2, a2] = samples.meshBand as [number, number, number, number];
    assert.ok(a2 > 20 && b2 > 200 && g2 < b2 && r2 < b2, `mesh-restart band is violet: ${samples.meshBand}`);
    assert.equal(samples.outside[3], 0, `no band outside the fault windows: ${samples.outside}`);
  });

  it('shades the warm-up as its own hatched grey band before 0 s, labelled "warm-up"', async () => {
    const legend = page.locator('.fault-legend .warmup-label[data-band="warmup"]');
    assert.ok(await legend.isVisible(), 'legend entry for the warm-up');
    assert.match((await legend.textContent()) ?? '', /warm-up\s+−5 s to 0 s, recorded and charted, never gated/);
    // Every time chart drew the band (the chart script marks where, in canvas pixels).
    const marks = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('[data-chart]')).map((el) => ({
        kind: el.dataset.chart,
        drawn: el.dataset.warmup,
        x0: Number(el.dataset.warmupX0),
        x1: Number(el.dataset.warmupX1),
      })),
    );
    assert.equal(marks.length, 3);
    for (const m of marks) {
      assert.equal(m.drawn, 'drawn', `${m.kind}: warm-up band drawn`);
      assert.ok(m.x1 - m.x0 > 10, `${m.kind}: band ${m.x0}–${m.x1} px wide`);
    }
    // Sample the success-rate canvas inside the warm-up, at a height no series crosses: grey, not a fault colour.
    const sample = await page.evaluate(() => {
      type Plot = { valToPos(v: number, scale: string, canvasPixels?: boolean): number; ctx: CanvasRenderingContext2D };
      const charts = (window as unknown as { faultlineCharts: Array<{ kind: string; el: HTMLElement; plot: Plot }> }).faultlineCharts;
      const chart = charts.find((c) => c.kind === 'success');
      if (!chart) return null;
      const x = Math.round(chart.plot.valToPos(-2.5, 'x', true));
      const y = Math.round(chart.plot.valToPos(0.25, 'y', true));
      return { x, x0: Number(chart.el.dataset.warmupX0), x1: Number(chart.el.dataset.warmupX1), rgba: Array.from(chart.plot.ctx.getImageData(x, y, 1, 1).data) };
    });
    assert.ok(sample, 'the success chart is registered');
    assert.ok(sample.x > sample.x0 && sample.x < sample.x1, `t = -2.5 s lies in the band: ${sample.x} in ${sample.x0}–${sample.x1}`);
    const [r, g, b, a] = sample.rgba as [number, number, number, number];
    assert.ok(a > 20, `the warm-up is shaded: ${sample.rgba}`);
    assert.ok(Math.max(r, g, b) - Math.min(r, g, b) < 40 && r < 180, `the warm-up band is grey: ${sample.rgba}`);
  });

  it('shows an inconclusive run’s banner at the very top, above the header', async () => {
    const banner = starvedPage.locator('[data-banner="inconclusive"]');
    assert.equal(await banner.count(), 1);
    assert.ok(await banner.isVisible(), 'the banner is visible');
    const where = await starvedPage.evaluate(() => {
      const first = document.body.firstElementChild as HTMLElement | null;
      const header = document.querySelector('header.top');
      return {
        first: first?.dataset.banner ?? first?.tagName ?? '',
        top: first?.getBoundingClientRect().top ?? -1,
        headerBelow: header ? header.getBoundingClientRect().top >= (first?.getBoundingClientRect().bottom ?? Infinity) - 1 : false,
      };
    });
    assert.deepEqual(where, { first: 'inconclusive', top: 0, headerBelow: true });
    const text = (await banner.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /INCONCLUSIVE This run cannot be trusted/);
    assert.match(text, /driver event-loop delay p99 187 ms > 50 ms/);
    assert.match(text, /stop other load on this machine, give the run more cores, or lower --rate/);
    assert.match(text, /not compared with a baseline/);
    const badge = starvedPage.locator('header.top .badge[data-verdict="inconclusive"]');
    assert.equal(await badge.textContent(), 'INCONCLUSIVE');
    // Amber, unlike the red of a failure and the green of a pass.
    const colour = await badge.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(colour, 'rgb(240, 168, 0)');
    assert.equal(await page.locator('[data-banner]').count(), 0, 'the failed run has no banner');
  });

  it('shows the <script> merchant as text and never runs it', async () => {
    assert.deepEqual(seen.dialogs, []);
    const verdictLine = page.locator('.verdict-lines li', { hasText: EVIL_MERCHANT }).first();
    assert.ok(await verdictLine.isVisible(), 'the merchant is visible, as text, in the verdict');
    const offending = page.locator('code.offending-id', { hasText: EVIL_MERCHANT });
    assert.equal(await offending.count(), 1);
    assert.ok(await offending.isVisible());
    const injected = await page.evaluate(
      () => Array.from(document.querySelectorAll('script')).filter((s) => (s.textContent ?? '').includes('alert(1)')).length,
    );
    assert.equal(injected, 0, 'no script element carries the payload');
  });

  it('saves a screenshot for the README', async () => {
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    const height = await page.evaluate(() => {
      const timeline = document.getElementById('timeline');
      const latency = timeline?.querySelector('[data-chart="latency"]');
      return Math.ceil((latency ?? timeline)?.getBoundingClientRect().bottom ?? 1400) + window.scrollY + 8;
    });
    await page.screenshot({ path: SCREENSHOT, clip: { x: 0, y: 0, width: 1280, height }, fullPage: true, timeout: WAIT_MS });
    assert.ok((await stat(SCREENSHOT)).size > 20_000);
    if (!process.env.UPDATE_SCREENSHOT) await rm(SCREENSHOT, { force: true });
  });
});
