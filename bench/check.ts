// Bench: checking a 10-minute run at 1,000 requests/s. A seeded simulation produces a 600,000-record
// history (the default traffic mix over 10,000 accounts (1 per 60 records), a fault window from 1/3 to 1/2 of the run with
// stand-ins, failures and unknowns) and the matching ledger journal; the time measured is the aggregator
// and the checks (as the runner's Recorders) fed every record, plus every checker over the journal
// (synthesis included, HTTP paging of the journal not). Quick mode: a 1-minute run (60,000 records) at the same rate after an unmeasured warm-up, time x10.
import { pathToFileURL } from 'node:url';
import type { AccountView, JournalEntry, JournalKind } from '../services/ledger/contract.ts';
import type { BalanceView } from '../services/feed/contract.ts';
import type { HistoryRecord } from '../harness/history/record.ts';
import { seedAccounts } from '../services/common/accounts.ts';
import { createRng } from '../services/common/random.ts';
import { HistoryAggregator } from '../harness/history/aggregate.ts';
import { withRecovery } from '../harness/history/recovery.ts';
import { Checks } from '../harness/checkers/compose.ts';
import { expectedLegs } from '../harness/checkers/books.ts';

export interface BenchMetric {
  value: number;
  target: string;
  met: boolean;
  unit: string;
}


/** A record with every field present from the start: one object shape (object spreads are slow on Node 20). */
function record(id: string, kind: HistoryRecord['kind'], account_id: string, t: number, fault: string | null): HistoryRecord {
  return {
    id,
    kind,
    account_id,
    authorization_id: undefined,
    amount: undefined,
    currency: undefined,
    card_last4: undefined,
    intended_ms: t,
    sent_ms: t + 0.2,
    latency_ms: 1.5,
    outcome: 'ok',
    status: 200,
    issuer_decision: undefined,
    reason: undefined,
    error: undefined,
    faults: fault === null ? [] : [fault],
    late: false,
    dropped: undefined,
    attempts: undefined,
    resolution: undefined,
  };
}

interface SimAccount {
  id: string;
  opening: number;
  available: number;
  held: number;
  version: number;
}

const RATE = 1000;
const FAULT_NAME = 'ledger-outage';

interface Window {
  name: string;
  start_s: number;
  end_s: number;
}

export function faultWindow(duration_s: number): Window {
  return { name: FAULT_NAME, start_s: Math.round(duration_s / 3), end_s: Math.round(duration_s / 2) };
}

/** One seeded run at RATE records per second: every history record and journal entry, in order, to the callbacks. */
export function simulate(
  records: number,
  onRecord: (r: HistoryRecord) => void,
  onEntry: (e: JournalEntry) => void,
): { accounts: AccountView[]; advicesPending: string[] } {
  const rng = createRng('bench-check');
  // 10,000 accounts for 600,000 records (1,000 for the quick run): fixed per-account costs scale too.
  const seeds = seedAccounts(7, Math.max(100, Math.round(records / 60)));
  // Openings are at least 1 (a journal amount is positive); the available balance starts at 0 and the
  // opening entry brings it in.
  const accounts: SimAccount[] = seeds.map((s) => ({ id: s.id, opening: Math.max(1, s.opening_balance), available: 0, held: 0, version: 0 }));
  const step = 1000 / RATE;
  const fault = faultWindow(records / RATE);
  let seq = 0;
  const emit = (kind: JournalKind, acc: SimAccount, amount: number, authorization_id: string | null, request_id: string): void => {
    const e: JournalEntry = { seq: ++seq, kind, request_id, authorization_id, account_id: acc.id, amount, currency: 'GBP', legs: [], at: 1_700_000_000_000 + seq };
    e.legs = expectedLegs(e) ?? [];
    switch (kind) {
      case 'opening':
        acc.available += amount;
        break;
      case 'hold':
        acc.available -= amount;
        acc.held += amount;
        break;
      case 'release':
        acc.held -= amount;
        acc.available += amount;
        break;
      case 'posting':
        acc.available -= amount;
        break;
      default:
        throw new Error(`the bench does not simulate ${kind}`);
    }
    acc.version++;
    onEntry(e);
  };
  for (const acc of accounts) emit('opening', acc, acc.opening, null, `open-${acc.id}`);

  // Recent approvals a reversal may take back (a ring: the simulation's memory stays flat).
  const RING = 4096;
  const reversible: Array<{ id: string; acc: SimAccount; amount: number } | undefined> = new Array(RING);
  let ringTop = 0;
  let ringCount = 0;
  for (let i = 0; i < records; i++) {
    const t = i * step;
    const acc = accounts[rng.int(0, accounts.length - 1)];
    const during = t >= fault.start_s * 1000 && t < fault.end_s * 1000;
    const active = during ? fault.name : null;
    const pick = rng.next();
    if (pick < 0.86) {
      const id = `auth-${i}`;
      const amount = rng.int(50, 3000);
      const roll = rng.next();
      const rec = record(id, 'authorization', acc.id, t, active);
      rec.amount = amount;
      rec.currency = 'GBP';
      rec.card_last4 = '4242';
      rec.latency_ms = 2 + rng.next() * 8;
      if (during && roll < 0.4) {
        rec.outcome = 'standin_approved';
        rec.latency_ms = 2000;
        rec.error = { hop: 'processor->ledger', cause: 'timeout' };
        emit('posting', acc, amount, id, `adv-${id}`);
      } else if (during && roll < 0.45) {
        rec.outcome = 'failed';
        rec.status = 503;
        rec.error = { hop: 'processor->discovery', cause: 'discovery_null' };
      } else if (during && roll < 0.5) {
        rec.outcome = 'unknown';
        rec.status = 0;
        rec.latency_ms = 2000;
        rec.error = { hop: 'processor->ledger', cause: 'timeout' };
        if (rng.chance(0.5) && acc.available >= amount) {
          emit('hold', acc, amount, id, `hold-${id}`);
          emit('release', acc, amount, id, `timeout-rev-${id}`);
        }
      } else if (acc.available >= amount) {
        rec.outcome = 'approved';
        rec.attempts = during ? 2 : 1;
        rec.issuer_decision = 'approved';
        emit('hold', acc, amount, id, `hold-${id}`);
        reversible[ringTop] = { id, acc, amount };
        ringTop = (ringTop + 1) % RING;
        ringCount = Math.min(RING, ringCount + 1);
      } else {
        rec.outcome = 'declined';
        rec.attempts = 1;
        rec.issuer_decision = 'declined';
        rec.reason = 'insufficient_funds';
      }
      onRecord(rec);
    } else if (pick < 0.9) {
      let target: { id: string; acc: SimAccount; amount: number } | undefined;
      if (ringCount > 0) {
        ringTop = (ringTop + RING - 1) % RING;
        ringCount--;
        target = reversible[ringTop];
        reversible[ringTop] = undefined;
      }
      if (target) emit('release', target.acc, target.amount, target.id, `rev-${i}`);
      const rec = record(`rev-${i}`, 'reversal', acc.id, t, active);
      rec.authorization_id = target?.id;
      onRecord(rec);
    } else {
      const rec = record(`app-${i}`, pick < 0.96 ? 'balance' : 'feed', acc.id, t, active);
      if (during && rng.chance(0.5)) {
        rec.outcome = 'error';
        rec.status = 503;
      }
      onRecord(rec);
    }
  }
  const views: AccountView[] = accounts.map((a) => ({
    account_id: a.id,
    currency: 'GBP',
    opening_balance: a.opening,
    balance: a.available + a.held,
    available: a.available,
    holds: a.held,
    version: a.version,
  }));
  return { accounts: views, advicesPending: [] };
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 1e5) / 10;
}

export async function benchCheck(opts: { quick: boolean }): Promise<Record<string, BenchMetric>> {
  const records = opts.quick ? 60_000 : 600_000;
  const scale = opts.quick ? 10 : 1;
  const label = opts.quick ? ' (quick: a 1-minute run, 60,000 records after a warm-up, time x10)' : '';
  let peakRss = rssMb();
  const sample = (): void => {
    const now = rssMb();
    if (now > peakRss) peakRss = now;
  };

  // Quick mode extrapolates x10: warm the JIT up first (unmeasured) so the estimate scales the steady
  // per-record cost, not ten times the warm-up.
  if (opts.quick) {
    const warm = new HistoryAggregator({ duration_s: 10, keepOutcomes: false });
    const warmChecks = new Checks();
    const warmPass = warmChecks.journal({ accounts: [], feedBalances: [], advicesPending: [], interrupted: false });
    simulate(
      10_000,
      (r) => {
        warm.add(r);
        warmChecks.record(r);
      },
      (e) => warmPass.entry(e),
    );
    warm.finish();
    warmPass.finish();
  }
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  // Pass 1, as during the run (runner/recorders.ts): the aggregator and the checks see every record.
  const duration_s = records / RATE;
  const window = faultWindow(duration_s);
  const aggregator = new HistoryAggregator({ duration_s, faults: [window], keepOutcomes: false });
  const checks = new Checks();
  let n = 0;
  const { accounts, advicesPending } = simulate(
    records,
    (r) => {
      aggregator.add(r);
      checks.record(r);
      if (++n % 50_000 === 0) sample();
    },
    () => undefined,
  );
  const aggregate = aggregator.finish();
  const faults = withRecovery(
    [{ name: window.name, fault: 'discovery.null_subsets', target: 'ledger', scheduled_s: window.start_s, applied_s: window.start_s, healed_s: window.end_s, scheduled_end_s: window.end_s, recovery_s: null }],
    aggregate.phases,
    aggregate.timeseries,
  );
  const aggregated = performance.now();
  sample();

  // Pass 2, as after the run: the journal (streamed, as the paged reader gives it) through every checker.
  const feed: BalanceView[] = accounts.map((a) => ({ account_id: a.account_id, currency: a.currency, balance: a.balance, available: a.available, version: a.version }));
  const pass = checks.journal({ accounts, feedBalances: feed, advicesPending, interrupted: false });
  let entries = 0;
  simulate(
    records,
    () => undefined,
    (e) => {
      pass.entry(e);
      if (++entries % 50_000 === 0) sample();
    },
  );
  const report = pass.finish();
  const finished = performance.now();
  const cpu = process.cpuUsage(cpuStart);
  sample();

  if (!report.ok) {
    const bad = report.invariants.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
    throw new Error(`bench/check: the synthetic run should pass every invariant: ${bad.join(' | ')}`);
  }
  if (aggregate.authorizations.total === 0 || faults[0].recovery_s === undefined) throw new Error('bench/check: nothing aggregated');

  const seconds = ((finished - started) / 1000) * scale;
  return {
    'check.seconds_for_600k_requests': {
      value: Math.round(seconds * 100) / 100,
      target: `< 10 s${label}`,
      met: seconds < 10,
      unit: `s (aggregate ${records.toLocaleString('en-GB')} records + ${checks.checkers.length} checkers over ${entries.toLocaleString('en-GB')} journal entries, synthesis included${label})`,
    },
    'check.cpu_seconds_for_600k_requests': {
      value: Math.round(((cpu.user + cpu.system) / 1e6) * scale * 100) / 100,
      target: `< 10 s${label}`,
      met: ((cpu.user + cpu.system) / 1e6) * scale < 10,
      unit: `CPU s, user + system, GC threads included (the wall time above depends on what else the machine runs)${label}`,
    },
    'check.aggregate_seconds_for_600k_requests': {
      value: Math.round(((aggregated - started) / 1000) * scale * 100) / 100,
      target: `< 5 s${label}`,
      met: ((aggregated - started) / 1000) * scale < 5,
      unit: `s${label}`,
    },
    'check.peak_rss_mb': {
      value: peakRss,
      target: opts.quick ? '< 300 MB (quick: measured on 60,000 records, not scaled)' : '< 300 MB',
      met: peakRss < 300,
      unit: 'MB (process RSS, sampled every 50,000 records)',
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  console.log(JSON.stringify(await benchCheck({ quick }), null, 2));
}
