// Realistic Summary fixtures for the report and gate tests: a monzo-2017-like run with two fault windows
// (discovery endpoints turn null, then the mesh restarts) after a 5 s warm-up, deterministic from a seed.
// Variants: a run on a starved machine (inconclusive), an interrupted one, a fault window spanning the
// whole run, and the same run as an older faultline wrote it (verdict as lines, no warm-up or validity).
import { judgeValidity, validityLimits } from '../../harness/gate/validity.ts';
import { applyDecision, decide } from '../../harness/gate/verdict.ts';
import type {
  AuthorizationCounts,
  FaultSummary,
  LatencySummary,
  PhaseSummary,
  Summary,
  TimeseriesPoint,
  ValidityFigures,
} from '../../harness/summary/types.ts';

export const EVIL_MERCHANT = '<script>alert(1)</script>';
/** A Luhn-valid test PAN a careless replay file put in a merchant name. */
export const PAN_IN_MERCHANT = '4111111111111111';

/** The thresholds monzo-2017 is judged by in these fixtures: the hardened run meets them, the naive one does not. */
export const MONZO_THRESHOLDS: Record<string, string[]> = {
  authorization_success_rate: ['rate>0.995'],
  'authorization_success_rate{phase:during}': ['rate>0.95'],
  'authorization_latency{phase:during}': ['p(99)<800'],
  'recovery_seconds{fault:endpoints-null}': ['value<10'],
  app_success_rate: ['rate>0.99'],
};

export interface FixtureOptions {
  router?: 'naive' | 'hardened';
  duration_s?: number;
  seed?: number;
  /** Target arrivals per second. */
  rate?: number;
  /** Seconds of warm-up before time 0 (default 5). */
  warmup_s?: number;
  /**
   * The machine's health: `quiet` (default) keeps every validity limit; `starved` is a run while other load
   * pinned both cores (driver event loop and sends late, faults taking effect seconds late): inconclusive.
   */
  health?: 'quiet' | 'starved';
  /** Interrupted (Ctrl-C): inconclusive unless money was lost. */
  incomplete?: boolean;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Window {
  name: string;
  fault: string;
  target: string;
  start: number;
  end: number;
}

function windows(duration: number): Window[] {
  const k = duration / 90;
  return [
    { name: 'endpoints-null', fault: 'discovery.null_subsets', target: 'ledger', start: Math.round(20 * k), end: Math.round(40 * k) },
    { name: 'mesh-restart', fault: 'router.restart', target: 'card-processor', start: Math.round(50 * k), end: Math.round(56 * k) },
  ];
}

function latencyOf(points: TimeseriesPoint[]): LatencySummary {
  const p50s = points.map((p) => p.p50).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const p99s = points.map((p) => p.p99).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const at = (arr: number[], q: number) => (arr.length ? (arr[Math.min(arr.length - 1, Math.floor(q * arr.length))] as number) : 0);
  return { p50: at(p50s, 0.5), p95: at(p99s, 0.5), p99: at(p99s, 0.95), max: at(p99s, 1) * 1.15 };
}

function phaseOf(name: PhaseSummary['name'], fault: string | null, start: number, end: number, ts: TimeseriesPoint[]): PhaseSummary {
  const pts = ts.filter((p) => p.t >= start && p.t < end);
  const n = pts.reduce((s, p) => s + p.authorizations, 0);
  const ok = pts.reduce((s, p) => s + p.authorizations * (p.success_rate ?? 0), 0);
  const iss = pts.reduce((s, p) => s + p.authorizations * (p.issuer_success_rate ?? 0), 0);
  return {
    name,
    fault,
    start_s: start,
    end_s: end,
    authorizations: n,
    success_rate: n ? ok / n : 0,
    issuer_success_rate: n ? iss / n : 0,
    latency_ms: latencyOf(pts),
  };
}

/** The warm-up seconds (t < 0): a cold first second (JIT, connection set-up), then the pipeline's usual speed. */
function warmupSeries(seconds: number, rate: number, rnd: () => number): TimeseriesPoint[] {
  const out: TimeseriesPoint[] = [];
  for (let t = -seconds; t < 0; t++) {
    const cold = t === -seconds;
    const sent = Math.round(rate * (0.985 + rnd() * 0.03));
    const issuer = cold ? 0.985 + rnd() * 0.01 : 0.9985 + rnd() * 0.0015;
    out.push({
      t,
      authorizations: Math.round(sent * 0.86),
      success_rate: issuer,
      issuer_success_rate: issuer,
      p50: cold ? 22 + rnd() * 6 : 4 + rnd() * 2,
      p99: cold ? 246 : 14 + rnd() * 8,
      app_total: Math.round(sent * 0.1),
      app_success_rate: 0.999 + rnd() * 0.001,
      sent,
    });
  }
  return out;
}

/** Outcome counts of some seconds (issuer answers split into approved/declined, the rest failed). */
function countsOf(points: TimeseriesPoint[]): AuthorizationCounts {
  const total = points.reduce((s, p) => s + p.authorizations, 0);
  const issuer = Math.round(points.reduce((s, p) => s + p.authorizations * (p.issuer_success_rate ?? 0), 0));
  const declined = Math.round(issuer * 0.064);
  return {
    total,
    approved: issuer - declined,
    declined,
    standin_approved: 0,
    standin_declined: 0,
    failed: total - issuer,
    unknown: 0,
    success_rate: total ? issuer / total : 0,
    issuer_success_rate: total ? issuer / total : 0,
  };
}

/** What the run measured of the machine: quiet keeps every limit, starved breaks the driver's, the fault plane's and the foreign CPU's. */
function figuresOf(health: 'quiet' | 'starved', sends: number, faults: FaultSummary[], phases: PhaseSummary[]): ValidityFigures {
  const first = [...faults].sort((a, b) => a.scheduled_s - b.scheduled_s)[0];
  const before = first ? phases.find((p) => p.name === 'before' && p.fault === first.name) : undefined;
  const starved = health === 'starved';
  return {
    event_loop_delay_ms: starved ? { p50: 21.4, p99: 187.3, max: 1452 } : { p50: 1.1, p99: 3.4, max: 12.6 },
    send_lateness_ms: starved
      ? { p50: 11.8, p99: 912, max: 6180, late_share: 0.375, sends }
      : { p50: 0.2, p99: 1.9, max: 8.3, late_share: 0.0012, sends },
    fault_activation: faults.map((f) => ({
      fault: f.name,
      scheduled_s: f.scheduled_s,
      late_ms: f.applied_s === null ? null : Math.round((f.applied_s - f.scheduled_s) * 1000),
    })),
    foreign_cpu: starved
      ? { share: 0.462, max_second_share: 0.71, run_share: 0.51, busy_share: 0.972, cpus: 2, samples: 90, run_processes: 10, pressure_some: 0.83 }
      : { share: 0.031, max_second_share: 0.08, run_share: 0.36, busy_share: 0.391, cpus: 2, samples: 90, run_processes: 10, pressure_some: 0.12 },
    undelivered_advices: 0,
    pre_fault: before
      ? {
          start_s: before.start_s,
          end_s: before.end_s,
          authorizations: before.authorizations,
          issuer_success_rate: before.issuer_success_rate,
          latency_p50_ms: before.latency_ms.p50,
        }
      : null,
  };
}

export function monzoSummary(options: FixtureOptions = {}): Summary {
  const router = options.router ?? 'naive';
  const duration = options.duration_s ?? 90;
  const seed = options.seed ?? 2017;
  const rate = options.rate ?? 200;
  const rnd = mulberry32(seed + (router === 'naive' ? 0 : 1));
  const ws = windows(duration);
  const [nullW, meshW] = ws as [Window, Window];
  const naive = router === 'naive';
  const standin = !naive;
  // When each window's success rate is back (the naive router stays poisoned until the mesh restarts).
  const recoveredAt = naive ? [meshW.start + 4, meshW.end + 3] : [nullW.end + 1, meshW.end + 1];

  const warmupS = options.warmup_s ?? 5;
  const health = options.health ?? 'quiet';
  const warm = warmupSeries(warmupS, rate, mulberry32(seed + 9001));
  const ts: TimeseriesPoint[] = [];
  for (let t = 0; t < duration; t++) {
    const sent = Math.round(rate * (0.985 + rnd() * 0.03));
    const auths = Math.round(sent * 0.86);
    let issuer = 0.9985 + rnd() * 0.0015;
    let success = issuer;
    let p50 = 4 + rnd() * 2;
    let p99 = 14 + rnd() * 8;
    let app = 0.999 + rnd() * 0.001;
    const inNull = t >= nullW.start && t < recoveredAt[0]!;
    const inMesh = t >= meshW.start && t < recoveredAt[1]!;
    if (inNull) {
      if (naive) {
        issuer = 0.12 + rnd() * 0.08;
        success = issuer;
        p50 = 900 + rnd() * 300;
        p99 = 2000;
        app = 0.3 + rnd() * 0.1;
      } else {
        issuer = 0.94 + rnd() * 0.03;
        success = 0.996 + rnd() * 0.004;
        p50 = 6 + rnd() * 3;
        p99 = 60 + rnd() * 40;
        app = 0.995 + rnd() * 0.005;
      }
    }
    if (inMesh) {
      const depth = naive ? 0.55 : 0.93;
      issuer = Math.min(issuer, depth + rnd() * 0.05);
      success = naive ? issuer : Math.max(issuer, 0.995 + rnd() * 0.004);
      p50 = Math.max(p50, naive ? 300 + rnd() * 200 : 8 + rnd() * 4);
      p99 = Math.max(p99, naive ? 2000 : 180 + rnd() * 80);
    }
    ts.push({
      t,
      authorizations: auths,
      success_rate: success,
      issuer_success_rate: issuer,
      p50,
      p99,
      app_total: Math.round(sent * 0.1),
      app_success_rate: app,
      sent,
    });
  }

  // On a starved machine the fault plane runs late too (the issue's +859 ms and +6,207 ms).
  const lateS = health === 'starved' ? [0.859, 6.207] : [0.012, 0.021];
  const faults: FaultSummary[] = ws.map((w, i) => ({
    name: w.name,
    fault: w.fault,
    target: w.target,
    scheduled_s: w.start,
    applied_s: w.start + (lateS[i] ?? 0.012),
    healed_s: w.end + (health === 'starved' ? (lateS[i] ?? 0) : 0.004),
    scheduled_end_s: w.end,
    recovery_s: recoveredAt[i]! - w.end,
    recovery_applicable: true,
  }));

  const phases: PhaseSummary[] = [];
  for (const w of ws) {
    phases.push(phaseOf('before', w.name, 0, w.start, ts));
    phases.push(phaseOf('during', w.name, w.start, w.end, ts));
    phases.push(phaseOf('after', w.name, w.end, duration, ts));
  }

  const total = ts.reduce((s, p) => s + p.authorizations, 0);
  const okAll = Math.round(ts.reduce((s, p) => s + p.authorizations * (p.success_rate ?? 0), 0));
  const issuerAll = Math.round(ts.reduce((s, p) => s + p.authorizations * (p.issuer_success_rate ?? 0), 0));
  const declined = Math.round(issuerAll * 0.064);
  const approved = issuerAll - declined;
  const standinAll = okAll - issuerAll;
  const standin_declined = Math.round(standinAll * 0.08);
  const standin_approved = standinAll - standin_declined;
  const bad = total - okAll;
  const unknown = Math.round(bad * 0.22);
  const failed = bad - unknown;
  const sent = ts.reduce((s, p) => s + p.sent, 0);
  const appTotal = ts.reduce((s, p) => s + p.app_total, 0);
  const appOk = Math.round(ts.reduce((s, p) => s + p.app_total * (p.app_success_rate ?? 0), 0));
  const balanceTotal = Math.round(appTotal * 0.6);
  const balanceOk = Math.round(appOk * 0.6);

  const invariants: Summary['invariants'] = [
    naive
      ? {
          name: 'approved_has_one_hold',
          ok: false,
          validity: 'invalid',
          detail: `3 issuer-approved authorizations have no hold in the ledger (merchant ${EVIL_MERCHANT})`,
          offending: ['auth-00a41f', `auth-00a7c2@${EVIL_MERCHANT}`, `auth-00b013@Card ${PAN_IN_MERCHANT} Shop`],
          count: 3,
        }
      : { name: 'approved_has_one_hold', ok: true, validity: 'valid', detail: `${approved} approvals, ${approved} holds`, offending: [], count: 0 },
    {
      name: 'advice_posted_once',
      ok: true,
      validity: 'valid',
      detail: standin ? `${standin_approved} stand-in approvals, ${standin_approved} advices posted once` : 'no stand-in approvals',
      offending: [],
      count: 0,
    },
    { name: 'double_entry', ok: true, validity: 'valid', detail: 'journal sums to 0 over 1000 accounts', offending: [], count: 0 },
    naive
      ? {
          name: 'feed_matches_ledger',
          ok: false,
          validity: 'unknown',
          detail: 'feed API unreachable for 2 accounts after drain',
          offending: ['acc-0192', 'acc-0877'],
          count: 2,
        }
      : { name: 'feed_matches_ledger', ok: true, validity: 'valid', detail: '1000 accounts agree', offending: [], count: 0 },
    { name: 'no_negative_balance', ok: true, validity: 'valid', detail: 'no account below zero except via stand-in advices', offending: [], count: 0 },
  ];

  const summary: Summary = {
    scenario: 'monzo-2017',
    description: `Monzo, 27 Oct 2017: a service scaled to zero turns its endpoints null, the discovery watch stalls and the mesh restarts. Merchant names are untrusted, e.g. ${EVIL_MERCHANT}.`,
    seed,
    router,
    standin,
    mode: 'embedded',
    duration_s: duration,
    started_at: '2026-01-15T02:00:03.412Z',
    incomplete: options.incomplete ?? false,
    warmup: { duration_s: warmupS, authorizations: countsOf(warm), latency_ms: latencyOf(warm) },
    validity: judgeValidity(figuresOf(health, sent, faults, phases), validityLimits()),
    authorizations: {
      total,
      approved,
      declined,
      standin_approved,
      standin_declined,
      failed,
      unknown,
      success_rate: okAll / total,
      issuer_success_rate: issuerAll / total,
    },
    latency_ms: latencyOf(ts),
    load: { model: 'open', target_rate: rate, achieved_rate: sent / duration, late: naive ? 14 : 3, dropped: 0, sent },
    phases,
    faults,
    app: {
      total: appTotal,
      success_rate: appOk / appTotal,
      balance: { total: balanceTotal, ok: balanceOk },
      feed: { total: appTotal - balanceTotal, ok: appOk - balanceOk },
    },
    reversals: { total: Math.round(sent * 0.04), ok: Math.round(sent * 0.04) - (naive ? 31 : 0) },
    advices: { queued: standin_approved, delivered: standin_approved, attempts: Math.round(standin_approved * 1.3), pending: 0 },
    unknown_resolution: { total: unknown, held: Math.round(unknown * 0.4), not_held: unknown - Math.round(unknown * 0.4), unresolved: 0 },
    causes: naive
      ? {
          'processor->discovery': { discovery_null: Math.round(bad * 0.7) },
          'processor->ledger': { timeout: Math.round(bad * 0.2), connection_refused: bad - Math.round(bad * 0.7) - Math.round(bad * 0.2) },
        }
      : { 'processor->ledger': { timeout: Math.max(0, bad), reset: 4 }, 'network->processor': { timeout: standinAll } },
    causes_by_fault: naive
      ? {
          'endpoints-null': { 'processor->discovery:discovery_null': Math.round(bad * 0.7), 'processor->ledger:timeout': Math.round(bad * 0.1) },
          'mesh-restart': { 'processor->ledger:connection_refused': bad - Math.round(bad * 0.7) - Math.round(bad * 0.2), 'processor->ledger:timeout': Math.round(bad * 0.1) },
        }
      : { 'endpoints-null': { 'network->processor:timeout': Math.round(standinAll * 0.7) }, 'mesh-restart': { 'network->processor:timeout': standinAll - Math.round(standinAll * 0.7) } },
    retry_amplification: naive ? 1.0 : 1.07,
    timeseries: [...warm, ...ts],
    invariants,
    thresholds: [],
    verdict: 'failed',
    passed: false,
    reasons: [],
    command: `npx faultline run monzo-2017 --router ${router} --seed ${seed} --duration ${duration} --rate ${rate}${standin ? '' : ' --no-standin'}`,
    versions: { faultline: '0.1.0', node: 'v20.19.5', platform: 'linux-x64' },
    files: { history: 'history.jsonl.gz' },
  };
  return applyDecision(summary, decide(summary, MONZO_THRESHOLDS));
}

/** The hardened monzo-2017 run on a machine whose cores other load pinned: inconclusive (exit 4). */
export function starvedSummary(options: FixtureOptions = {}): Summary {
  return monzoSummary({ router: 'hardened', ...options, health: 'starved' });
}

/**
 * One fault window spanning the whole measured run (ledger-latency from 0 s to the end of traffic): no
 * before phase, no after phase, and no recovery to measure.
 */
export function wholeRunFaultSummary(options: FixtureOptions = {}): Summary {
  const base = monzoSummary({ router: 'hardened', ...options });
  const duration = base.duration_s;
  const measured = base.timeseries.filter((p) => p.t >= 0).map((p) => ({ ...p, p50: (p.p50 ?? 4) + 300, p99: (p.p99 ?? 14) + 400 }));
  const ts = [...base.timeseries.filter((p) => p.t < 0), ...measured];
  const fault: FaultSummary = {
    name: 'ledger-latency',
    fault: 'network.latency',
    target: 'ledger',
    scheduled_s: 0,
    applied_s: 0.004,
    healed_s: duration + 0.003,
    scheduled_end_s: duration,
    recovery_s: null,
    recovery_applicable: false,
  };
  const during = phaseOf('during', fault.name, 0, duration, ts);
  const summary: Summary = {
    ...base,
    scenario: 'ledger-latency',
    description: 'Every ledger call 300 ms slower for the whole run.',
    faults: [fault],
    phases: [during],
    latency_ms: during.latency_ms,
    timeseries: ts,
    causes_by_fault: {},
    validity: judgeValidity({ ...base.validity.figures, fault_activation: [{ fault: fault.name, scheduled_s: 0, late_ms: 4 }], pre_fault: null }, validityLimits()),
    command: `npx faultline run ledger-latency --seed ${base.seed}`,
  };
  return applyDecision(summary, decide(summary, { authorization_success_rate: ['rate>0.99'] }));
}

/** The same run as an older faultline wrote summary.json: verdict as an array of lines, no warm-up, no validity. */
export function legacySummaryJson(options: FixtureOptions = {}): Record<string, unknown> {
  const s = monzoSummary({ ...options, warmup_s: 0 });
  const { warmup: _warmup, validity: _validity, reasons, verdict: _verdict, ...rest } = s;
  return {
    ...rest,
    faults: s.faults.map(({ recovery_applicable: _applicable, ...f }) => f),
    verdict: reasons,
  };
}
