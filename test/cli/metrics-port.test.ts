// `--metrics-port` as a user runs it: a few seconds of `baseline` scraped while it runs parse as the
// Prometheus text format, their counters never go back, and the final scrape's counts equal summary.json's;
// `up` shows its replicas and the fault proxy's toxics. A taken port is exit 3 before anything starts; a
// bad port is exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { cli, startCli } from '../support/cli.ts';
import { connectOutcome, waitFor } from '../support/processes.ts';
import { parseExposition, seriesValues, total, type Family } from '../support/prometheus-text.ts';
import { compareWithSummary } from '../support/metrics-vs-summary.ts';
import type { Summary } from '../../harness/summary/types.ts';

type Families = Map<string, Family>;

async function scrape(url: string): Promise<{ contentType: string | null; families: Families } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return { contentType: res.headers.get('content-type'), families: parseExposition(text) };
  } catch (err) {
    if (err instanceof assert.AssertionError || (err as Error).name === 'ExpositionError') throw err;
    return null; // not listening (yet, or any more)
  }
}

/** Counters and histogram series of one scrape (what must never go down). */
function monotonic(f: Families): Map<string, number> {
  return new Map([...seriesValues(f, 'counter'), ...seriesValues(f, 'histogram')]);
}

async function takenPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  return {
    port: (holder.address() as { port: number }).port,
    release: async () => {
      holder.close();
      await once(holder, 'close');
    },
  };
}

test('a run scraped while it runs: every scrape parses, counters never go back, the final counts equal summary.json', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'faultline-metrics-'));
  const run = startCli(['run', 'baseline', '--duration', '4s', '--warmup', '1s', '--rate', '40', '--out', out, '--no-report', '--metrics-port', '0', '--metrics-linger', '60s']);
  let exited = false;
  void run.done.then(() => (exited = true));
  try {
    await waitFor(() => /metrics: http:\/\/127\.0\.0\.1:\d+\/metrics/.test(run.output()) || exited, 60_000, 'the metrics URL');
    const url = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(run.output())?.[1];
    assert.ok(url, run.output());

    const scrapes: Families[] = [];
    let finishedAt: number | null = null;
    const deadline = Date.now() + 150_000;
    while (!exited && Date.now() < deadline) {
      const s = await scrape(url);
      if (s) {
        assert.equal(s.contentType, 'text/plain; version=0.0.4; charset=utf-8');
        scrapes.push(s.families);
        if (finishedAt === null && total(s.families, 'faultline_run_finished') === 1) finishedAt = Date.now();
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = await run.done;
    assert.ok([0, 1, 4].includes(result.code ?? -1), `exit ${result.code}: ${result.stderr}`);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;

    // Scraped while it ran: several times with traffic counted and the run not finished.
    const during = scrapes.filter((f) => total(f, 'faultline_run_finished') === 0 && total(f, 'faultline_authorizations_total') > 0);
    assert.ok(during.length >= 3, `${during.length} scrapes during traffic`);
    const info = scrapes[0].get('faultline_run_info')?.samples[0]?.labels;
    assert.deepEqual(info, { scenario: 'baseline', router: 'hardened', seed: '1', standin: 'true', mode: 'embedded' });

    // Counters and histograms only go up, and no series disappears.
    for (let i = 1; i < scrapes.length; i++) {
      const before = monotonic(scrapes[i - 1]);
      const after = monotonic(scrapes[i]);
      for (const [series, value] of before) {
        const now = after.get(series);
        assert.ok(now !== undefined, `${series} disappeared in scrape ${i}`);
        assert.ok(now >= value, `${series} went from ${value} to ${now} in scrape ${i}`);
      }
    }

    // The last scrape is the final one (the run lingered for it), and it tells what summary.json tells.
    const final = scrapes.at(-1) as Families;
    assert.equal(total(final, 'faultline_run_finished'), 1, 'the last scrape came after the run was finished');
    assert.ok(summary.authorizations.total > 50 && summary.warmup.authorizations.total > 0, JSON.stringify(summary.authorizations));
    assert.deepEqual(compareWithSummary(final, summary), []);
    assert.ok(total(final, 'faultline_authorizations_total', { phase: 'whole' }) > 0, 'a run without faults is one phase: whole');
    assert.equal(total(final, 'faultline_replica_up'), 0, 'every replica stopped by the end');

    // The linger ended with that scrape, not at its 60 s bound; then the port was closed.
    assert.ok(finishedAt !== null && Date.now() - finishedAt < 30_000, 'the run exited soon after its final values were scraped');
    assert.equal(await connectOutcome(Number(new URL(url).port)), 'ECONNREFUSED');
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('faultline up --metrics-port: replicas up, the fault proxies and their toxics; closed on Ctrl-C', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-up-metrics-'));
  const json = path.join(dir, 'up.json');
  const up = startCli(['up', '--toxiproxy-port', '0', '--metrics-port', '0', '--json', json]);
  try {
    await waitFor(() => existsSync(json) && up.output().includes(`wrote ${json}`), 90_000, 'the --json file');
    const info = JSON.parse(readFileSync(json, 'utf8')) as { metrics: string; toxiproxy: string; services: Array<{ replica: string }> };
    assert.match(up.output(), /metrics\s+http:\/\/127\.0\.0\.1:\d+\/metrics/);
    const first = await scrape(info.metrics);
    assert.ok(first);
    for (const s of info.services) assert.equal(total(first.families, 'faultline_replica_up', { replica: s.replica }), 1, s.replica);
    assert.equal(total(first.families, 'faultline_proxy_api_up'), 1);
    assert.equal(total(first.families, 'faultline_proxy_toxics', { proxy: 'ledger-1' }), 0);
    assert.equal(total(first.families, 'faultline_proxy_enabled', { proxy: 'ledger-1' }), 1);

    const added = await fetch(`${info.toxiproxy}/proxies/ledger-1/toxics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 50 } }),
      signal: AbortSignal.timeout(5000),
    });
    assert.equal(added.status, 200, await added.text());
    const second = await scrape(info.metrics);
    assert.ok(second);
    assert.equal(total(second.families, 'faultline_proxy_toxics', { proxy: 'ledger-1' }), 1);
    assert.equal(total(second.families, 'faultline_proxy_toxics', { proxy: 'ledger-2' }), 0);

    up.child.kill('SIGINT');
    const result = await up.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await connectOutcome(Number(new URL(info.metrics).port)), 'ECONNREFUSED');
  } finally {
    up.child.kill('SIGKILL');
  }
});

test('a --metrics-port in use: exit 3 naming the port, before any traffic (no topology, no run folder)', async () => {
  const taken = await takenPort();
  try {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'faultline-metrics-taken-')), 'run');
    const r = await cli(['run', 'baseline', '--duration', '2s', '--out', out, '--metrics-port', String(taken.port)]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`--metrics-port ${taken.port}: 127\\.0\\.0\\.1:${taken.port} is already in use`));
    assert.doesNotMatch(r.stdout + r.stderr, /topology up/);
    assert.equal(existsSync(out), false, 'no run folder');
    const u = await cli(['up', '--toxiproxy-port', '0', '--metrics-port', String(taken.port)]);
    assert.equal(u.code, 3, u.stderr);
    assert.match(u.stderr, /is already in use/);
    assert.doesNotMatch(u.stdout, /pipeline up/);
  } finally {
    await taken.release();
  }
});

test('a bad --metrics-port (or --metrics-linger without it) is exit 2 naming the flag', async () => {
  for (const args of [
    ['run', 'baseline', '--metrics-port', '70000'],
    ['run', 'baseline', '--metrics-port', 'nine'],
    ['run', 'baseline', '--metrics-linger', '5s'],
    ['up', '--metrics-port', '-1'],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /--metrics-(port|linger)/, args.join(' '));
  }
});
