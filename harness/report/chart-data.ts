// The data the page's charts draw: the per-second series from summary.timeseries (negative seconds are
// the warm-up), the warm-up band and the fault windows to shade. It goes into the page as JSON (see
// escape.ts jsonForScript).
import type { FaultSummary, Summary } from '../summary/types.ts';

/** Fault window colours: a solid one for labels and lines, a translucent one for the band. */
export const FAULT_COLORS: ReadonlyArray<{ stroke: string; fill: string }> = [
  { stroke: '#d9480f', fill: 'rgba(253, 126, 20, 0.16)' },
  { stroke: '#7048e8', fill: 'rgba(132, 94, 247, 0.15)' },
  { stroke: '#0c8599', fill: 'rgba(21, 170, 191, 0.15)' },
  { stroke: '#c2255c', fill: 'rgba(240, 101, 149, 0.15)' },
  { stroke: '#5c940d', fill: 'rgba(130, 201, 30, 0.16)' },
  { stroke: '#1864ab', fill: 'rgba(51, 154, 240, 0.15)' },
];

export function faultColor(index: number): { stroke: string; fill: string } {
  return FAULT_COLORS[index % FAULT_COLORS.length] as { stroke: string; fill: string };
}

export interface ChartFault {
  name: string;
  kind: string;
  target: string;
  /** Seconds from the start of traffic. */
  from: number;
  to: number;
  healed: boolean;
  /** When the success rate was back (healed_s + recovery_s), null if never or not healed. */
  recovered_at: number | null;
  stroke: string;
  fill: string;
}

/** The warm-up band: seconds [from, to) before time 0, recorded and charted, never gated. */
export interface ChartWarmup {
  from: number;
  to: number;
  label: string;
  stroke: string;
  fill: string;
}

/** The warm-up's colours: a neutral grey, hatched on the canvas, unlike any fault window's. */
export const WARMUP_COLOR = { stroke: '#57606a', fill: 'rgba(110, 118, 129, 0.16)' } as const;

export interface ChartData {
  duration_s: number;
  /** null when the run had no warm-up (or its summary predates warm-ups). */
  warmup: ChartWarmup | null;
  target_rate: number | null;
  t: number[];
  success: Array<number | null>;
  issuer: Array<number | null>;
  p50: Array<number | null>;
  p99: Array<number | null>;
  authorizations: number[];
  sent: number[];
  app: Array<number | null>;
  faults: ChartFault[];
  /** A fixed latency axis [min, max] in ms (set when two charts must share one scale). */
  latency_range?: [number, number];
}

function num(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 10_000) / 10_000 : null;
}

/** Fault windows that took effect, in schedule order, with the colour each keeps across the page. */
export function chartFaults(summary: Summary): ChartFault[] {
  const out: ChartFault[] = [];
  summary.faults.forEach((f: FaultSummary, index) => {
    if (f.applied_s === null) return;
    const color = faultColor(index);
    const healed = f.healed_s !== null;
    const to = f.healed_s ?? summary.duration_s;
    const recovered = healed && f.recovery_s !== null && Number.isFinite(f.recovery_s) ? to + f.recovery_s : null;
    out.push({
      name: f.name,
      kind: f.fault,
      target: f.target,
      from: f.applied_s,
      to,
      healed,
      recovered_at: recovered,
      stroke: color.stroke,
      fill: color.fill,
    });
  });
  return out;
}

/** The warm-up band, from the first warm-up second charted (or -warmup.duration_s) to 0. */
export function chartWarmup(summary: Summary): ChartWarmup | null {
  const d = summary.warmup.duration_s;
  if (!(d > 0)) return null;
  const first = summary.timeseries.reduce((lo, p) => Math.min(lo, p.t), 0);
  return { from: Math.min(-d, first), to: 0, label: 'warm-up', stroke: WARMUP_COLOR.stroke, fill: WARMUP_COLOR.fill };
}

/** The latency axis that fits every run given: decades around the smallest p50 and largest p99. */
export function latencyRange(summaries: Summary[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const s of summaries) {
    for (const p of s.timeseries) {
      if (p.p50 !== null && p.p50 > 0) lo = Math.min(lo, p.p50);
      if (p.p99 !== null && p.p99 > 0) hi = Math.max(hi, p.p99);
    }
  }
  if (!Number.isFinite(lo) || hi <= 0) return [1, 1000];
  return [10 ** Math.floor(Math.log10(Math.max(lo, 0.1))), 10 ** Math.ceil(Math.log10(Math.max(hi, lo * 10)))];
}

export function chartData(summary: Summary): ChartData {
  const points = [...summary.timeseries].sort((a, b) => a.t - b.t);
  return {
    duration_s: summary.duration_s,
    warmup: chartWarmup(summary),
    target_rate: summary.load.model === 'open' && summary.load.target_rate > 0 ? summary.load.target_rate : null,
    t: points.map((p) => p.t),
    success: points.map((p) => num(p.success_rate)),
    issuer: points.map((p) => num(p.issuer_success_rate)),
    p50: points.map((p) => num(p.p50)),
    p99: points.map((p) => num(p.p99)),
    authorizations: points.map((p) => p.authorizations),
    sent: points.map((p) => p.sent),
    app: points.map((p) => num(p.app_success_rate)),
    faults: chartFaults(summary),
  };
}
