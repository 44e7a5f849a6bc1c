// The live metrics count a history exactly as the aggregator counts it for summary.json: a seeded, varied
// history (warm-up, overlapping fault windows, every outcome, attributed and unattributed failures,
// dropped and late sends, app reads, reversals, advices, retries) goes to both, and the parsed scrape
// agrees with the aggregator's figures; one record fewer (or one counted twice) is caught. No id, account
// or card digit reaches a label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { HistoryAggregator } from '../../harness/history/aggregate.ts';
import type { HistoryRecord, RequestKind } from '../../harness/history/record.ts';
import { AUTH_OUTCOMES } from '../../harness/summary/types.ts';
import { CAUSES, HOPS } from '../../services/common/failure.ts';
import { defineRunMetrics } from '../../harness/metrics/definitions.ts';
import { MetricsRecorder } from '../../harness/metrics/recorder.ts';
import { PhaseLabeler, type Window } from '../../harness/metrics/labels.ts';
import { parseExposition } from '../support/prometheus-text.ts';
import { compareCounts } from '../support/metrics-vs-summary.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A history as the card network writes one: faults are the windows scheduled at the intended time. */
function history(seed: number, windows: Window[], opts: { warmupS: number; durationS: number; n: number }): HistoryRecord[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const kinds: RequestKind[] = ['authorization', 'authorization', 'authorization', 'authorization', 'balance', 'feed', 'reversal', 'advice', 'conflicting_retry'];
  const out: HistoryRecord[] = [];
  for (let i = 0; i < opts.n; i++) {
    const intended = Math.round((-opts.warmupS + r() * (opts.warmupS + opts.durationS)) * 1000);
    const kind = pick(kinds);
    const t = intended / 1000;
    const rec: HistoryRecord = {
      id: `auth-${seed}-${i}`,
      kind,
      account_id: `acc-${String(i % 20).padStart(6, '0')}`,
      card_last4: '4242',
      amount: 1000 + i,
      intended_ms: intended,
      sent_ms: intended + Math.round(r() * 30),
      latency_ms: Math.round(r() * 3000),
      outcome: 'ok',
      status: 200,
      faults: windows.filter((w) => t >= w.start_s && t < w.end_s).map((w) => w.name),
      late: r() < 0.2,
    };
    if (r() < 0.05) rec.dropped = true;
    if (kind === 'authorization') {
      rec.outcome = pick(AUTH_OUTCOMES);
      if (rec.outcome === 'approved' || rec.outcome === 'declined') rec.issuer_decision = rec.outcome;
      const attributed = rec.outcome === 'failed' || rec.outcome === 'unknown' || rec.outcome.startsWith('standin');
      if (attributed && r() < 0.8) rec.error = { hop: pick(HOPS), cause: pick(CAUSES) };
      if (r() < 0.6) rec.attempts = 1 + Math.floor(r() * 3);
    } else if (r() < 0.2) {
      rec.outcome = 'error';
      rec.error = { hop: pick(HOPS), cause: pick(CAUSES) };
    }
    out.push(rec);
  }
  return out;
}

async function scrapeOf(records: HistoryRecord[], windows: Window[]): Promise<{ text: string; families: ReturnType<typeof parseExposition> }> {
  const registry = new Registry();
  const recorder = new MetricsRecorder(defineRunMetrics(registry), new PhaseLabeler(windows));
  for (const rec of records) recorder.record(rec);
  assert.equal(recorder.failures, 0, recorder.lastFailure ?? '');
  recorder.flush();
  const text = await registry.metrics();
  return { text, families: parseExposition(text) };
}

function aggregate(records: HistoryRecord[], windows: Window[], opts: { warmupS: number; durationS: number }) {
  const agg = new HistoryAggregator({ duration_s: opts.durationS, faults: windows, warmup_s: opts.warmupS, keepOutcomes: false });
  for (const rec of records) agg.add(rec);
  return agg.finish();
}

const OVERLAPPING: Window[] = [
  { name: 'ledger-latency', start_s: 2, end_s: 5 },
  { name: 'discovery-stall', start_s: 4, end_s: 7 },
];
const ONE: Window[] = [{ name: 'ledger-latency', start_s: 3, end_s: 6 }];

for (const [label, windows] of [
  ['no fault', [] as Window[]],
  ['one fault (phases and causes by fault too)', ONE],
  ['two overlapping faults', OVERLAPPING],
] as const) {
  test(`a scrape counts a varied history exactly as summary.json does: ${label}`, async () => {
    const opts = { warmupS: 1, durationS: 9 };
    const records = history(7 + windows.length, windows, { ...opts, n: 4000 });
    const { families } = await scrapeOf(records, windows);
    const summary = aggregate(records, windows, opts);
    assert.ok(summary.authorizations.total > 1000 && summary.warmup.authorizations.total > 50, 'the history exercises both parts');
    assert.ok(Object.keys(summary.causes).length > 3, 'and many hops');
    assert.deepEqual(compareCounts(families, summary, { faults: windows.length }), []);
  });
}

test('the comparison has power: one record missing from the metrics, or one counted twice, is caught', async () => {
  const opts = { warmupS: 1, durationS: 9 };
  const records = history(3, ONE, { ...opts, n: 1500 });
  const summary = aggregate(records, ONE, opts);
  const failedDuring = records.findIndex((r) => r.kind === 'authorization' && !r.dropped && r.outcome === 'failed' && r.intended_ms > 3500 && r.intended_ms < 5500);
  assert.ok(failedDuring >= 0);
  const missing = await scrapeOf(records.filter((_, i) => i !== failedDuring), ONE);
  const problems = compareCounts(missing.families, summary, { faults: 1 });
  assert.ok(problems.some((p) => p.startsWith('authorizations failed')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('phase during')), problems.join('\n'));
  const twice = await scrapeOf([...records, records[failedDuring]], ONE);
  assert.notDeepEqual(compareCounts(twice.families, summary, { faults: 1 }), []);
  // A warm-up record counted as measured is caught too.
  const warm = records.findIndex((r) => r.kind === 'authorization' && !r.dropped && r.intended_ms < 0);
  const shifted = records.map((r, i) => (i === warm ? { ...r, intended_ms: 100, sent_ms: 100 } : r));
  assert.notDeepEqual(compareCounts((await scrapeOf(shifted, ONE)).families, summary, { faults: 1 }), []);
});

test('labels stay bounded and carry no id, account, amount or card digits', async () => {
  const records = history(11, OVERLAPPING, { warmupS: 1, durationS: 9, n: 3000 });
  const { families } = await scrapeOf(records, OVERLAPPING);
  const values = new Map<string, Set<string>>();
  for (const f of families.values()) {
    for (const s of f.samples) {
      for (const [k, v] of Object.entries(s.labels)) {
        if (!values.has(k)) values.set(k, new Set());
        values.get(k)?.add(v);
      }
    }
  }
  assert.deepEqual([...(values.get('phase') ?? [])].sort(), ['after', 'before', 'during', 'warmup']);
  // Two overlapping windows: before, the first alone, both, the second alone, and each one's aftermath.
  assert.deepEqual([...(values.get('fault') ?? [])].sort(), ['discovery-stall', 'ledger-latency', 'ledger-latency+discovery-stall', 'none']);
  for (const v of values.get('outcome') ?? []) assert.ok([...AUTH_OUTCOMES, 'ok', 'error'].includes(v), v);
  for (const v of values.get('hop') ?? []) assert.ok([...HOPS, 'unattributed', 'none'].includes(v), v);
  for (const v of values.get('cause') ?? []) assert.ok([...CAUSES, 'none'].includes(v), v);
  values.delete('le'); // bucket bounds
  const all = [...values.values()].flatMap((s) => [...s]).join(' ');
  assert.doesNotMatch(all, /auth-|acc-|4242|\d{4,}/);
});
