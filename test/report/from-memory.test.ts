// A run hands its report the summary it holds (runner/write-run.ts), without reading summary.json back.
// What it renders must be byte for byte what `faultline report <folder>` rebuilds from disk, card numbers
// masked in both, on a summary with what the reader of summary.json (report/load.ts) fills in or leaves
// out: a process event, tolerances, an interrupted run. A field the report shows but that reader drops or
// changes makes the two differ, and this fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HistoryAggregator } from '../../harness/history/aggregate.ts';
import type { HistoryRecord } from '../../harness/history/record.ts';
import { writeRun } from '../../harness/runner/write-run.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { cli } from '../support/cli.ts';

const PAN = '4111111111111111';

/** Authorizations at 10/s for `seconds`; in the fault's second, every other one failed at the ledger. */
function records(seconds: number): HistoryRecord[] {
  return Array.from({ length: seconds * 10 }, (_, i): HistoryRecord => {
    const failed = i >= 10 && i < 20 && i % 2 === 1;
    return {
      id: `auth-1-${i}`,
      kind: 'authorization',
      account_id: `acc-${i % 5}`,
      amount: 1800,
      currency: 'GBP',
      intended_ms: i * 100,
      sent_ms: i * 100 + 1,
      latency_ms: failed ? 2000 : 20 + (i % 9),
      outcome: failed ? 'failed' : 'approved',
      status: failed ? 503 : 200,
      ...(failed ? { error: { hop: 'processor->ledger', cause: 'http_5xx' } } : { issuer_decision: 'approved' }),
      faults: i >= 10 && i < 20 ? ['ledger-outage'] : [],
      late: false,
    };
  });
}

async function runFolder(incomplete: boolean): Promise<{ dir: string; html: Buffer; junit: Buffer }> {
  const { scenario: base } = await loadScenario('baseline');
  const scenario = { ...base, description: `a hostile description: card ${PAN}`, baseline_tolerances: { 'authorization_latency_p99': { rel: 0.5 } } };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-from-memory-'));
  const aggregator = new HistoryAggregator({ duration_s: 3, warmup_s: 0, faults: [{ name: 'ledger-outage', start_s: 1, end_s: 2 }] });
  for (const r of records(3)) aggregator.add(r);
  const aggregate = aggregator.finish();
  await writeRun(
    { scenario, options: { command: `npx faultline run baseline --replace 'ledger=node my-ledger.js ${PAN}'` }, runDir: dir, startedAt: '2026-12-07T11:00:00.000Z', baseline: undefined, topology: { mode: 'embedded' } },
    {
      incomplete,
      aggregate,
      load: { model: 'open', target_rate: 10, achieved_rate: 10, sent: 30, dropped: 0, request_kinds: ['authorization'] },
      timeline: [{ name: 'ledger-outage', fault: 'process.sigkill', target: 'ledger', scheduled_s: 1, scheduled_end_s: 2, applied_s: 1.004, healed_s: 2.01 }],
      advices: { queued: 0, delivered: 0, attempts: 0, pending: 0 },
      checks: { invariants: [{ name: 'exactly_once_holds', ok: true, validity: 'valid', detail: 'every approval has one hold', offending: [], count: 0 }], unknown_resolution: { total: 0, held: 0, not_held: 0, unresolved: 0 } },
      eventLoop: { p50: 1, p99: 4, max: 9 },
      historyFile: 'history.jsonl',
      processEvents: [{ replica: 'ledger-1', service: 'ledger', pid: 4242, at_s: 1.5, code: null, signal: 'SIGKILL', expected: false }],
    },
    { faultline: 'test', node: process.version, platform: process.platform },
  );
  return { dir, html: await readFile(path.join(dir, 'index.html')), junit: await readFile(path.join(dir, 'junit.xml')) };
}

for (const incomplete of [false, true]) {
  test(`the report a run renders from memory is byte for byte the one rebuilt from summary.json${incomplete ? ' (an interrupted run)' : ''}`, async () => {
    const run = await runFolder(incomplete);
    const text = run.html.toString('utf8');
    assert.ok(!text.includes(PAN) && !run.junit.toString('utf8').includes(PAN), 'no card number in what the run rendered');
    assert.ok(text.includes('•••• 1111'), 'the masked card number stands in its place');
    assert.match(text, /ledger-1 \(pid 4242\) died on its own/, 'the rendered summary is the one the run decided');

    const rebuilt = await cli(['report', run.dir]);
    assert.equal(rebuilt.code, 0, rebuilt.stdout + rebuilt.stderr);
    assert.ok((await readFile(path.join(run.dir, 'index.html'))).equals(run.html), 'index.html: the same bytes');
    assert.ok((await readFile(path.join(run.dir, 'junit.xml'))).equals(run.junit), 'junit.xml: the same bytes');
  });
}
